package io.syncabel.runtime.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusExamplesTest {
    static final String KB = """
            D7||Hemochromatosis|HH|hereditary hemochromatosis
            D8||Cirrhosis, Familial|copper toxicosis
            """;
    static final String TITLE = "Hereditary hemochromatosis (HH) and copper toxicosis (CT).";
    static final String ABSTRACT = "In HH and in CT the liver fails.";

    @TempDir
    Path dir;

    List<CorpusExamples.Item> read(boolean expand) throws IOException {
        KnowledgeBase kb = TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), KB)), KbOptions.defaults());
        String text = TITLE + " " + ABSTRACT;
        int hh = text.indexOf("HH", TITLE.length());
        int ct = text.indexOf("CT", TITLE.length());
        String pubtator = "1|t|" + TITLE + "\n1|a|" + ABSTRACT + "\n"
                + "1\t" + hh + "\t" + (hh + 2) + "\tHH\tDisease\tD7\n"
                + "1\t" + ct + "\t" + (ct + 2) + "\tCT\tDisease\tD8\n\n";
        Path corpus = Files.writeString(dir.resolve("train.pubtator"), pubtator);
        return CorpusExamples.read(corpus, null, kb, "en", expand, new Problems(false));
    }

    @Test
    void anExpandedShortFormIsTrainedTowardsTheNameClosestToItsLongForm() throws IOException {
        List<CorpusExamples.Item> expanded = read(true);
        assertThat(expanded).extracting(CorpusExamples.Item::mention).containsExactly("hemochromatosis", "copper toxicosis");
        // the target chosen against "HH" was "HH"; the model reads "hemochromatosis"
        assertThat(expanded.get(0).names()).containsExactly("Hemochromatosis");
        assertThat(expanded.get(1).names()).containsExactly("copper toxicosis");
        assertThat(expanded.get(0).source()).contains("[hemochromatosis]");
        List<CorpusExamples.Item> plain = read(false);
        assertThat(plain.get(0).mention()).isEqualTo("HH");
        assertThat(plain.get(0).names()).containsExactly("HH");
    }

    @Test
    void foldingDevKeepsWholeDocumentsOnOneSideAndIsSeeded() throws IOException {
        List<CorpusExamples.Item> one = read(true);
        List<CorpusExamples.Item> dev = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            for (CorpusExamples.Item i : one) {
                Example e = i.example();
                dev.add(new CorpusExamples.Item(new Example(e.id(), "doc" + d, e.source(), e.target(), e.mention(), e.annotation(),
                        e.group(), e.code(), e.goldIds(), e.type(), e.start(), e.end(), e.semanticRel()), i.source(), i.mention(), i.names()));
            }
        }
        List<CorpusExamples.Item> train = new ArrayList<>();
        List<CorpusExamples.Item> held = new ArrayList<>();
        assertThat(DevSplit.fold(dev, 0.7, 42, train, held)).isEqualTo(14);
        assertThat(held).hasSize(6);
        assertThat(train).extracting(i -> i.example().document())
                .doesNotContainAnyElementsOf(held.stream().map(i -> i.example().document()).toList());
        List<CorpusExamples.Item> again = new ArrayList<>();
        DevSplit.fold(dev, 0.7, 42, again, new ArrayList<>());
        assertThat(again).isEqualTo(train);
        List<CorpusExamples.Item> none = new ArrayList<>();
        assertThat(DevSplit.fold(dev, 0, 42, none, new ArrayList<>())).isZero();
    }
}
