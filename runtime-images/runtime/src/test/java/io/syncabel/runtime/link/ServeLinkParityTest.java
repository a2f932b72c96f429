package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A mention sent to the linker service ({@code POST /v1/link}: a text and a span) reaches the model exactly as the
 * same mention of an annotated corpus does in {@code link --corpus}: same sentence window, same short-form expansion.
 */
class ServeLinkParityTest {
    static final Path CORPUS = TestData.repoRoot().resolve("examples/quickstart/data/ncbi-test.pubtator");

    @Test
    void queriesAndCorpusMentionsGiveTheModelIdenticalInputs() throws IOException {
        KnowledgeBase kb = TestData.build("dnorm", TestData.uri(TestData.repoRoot().resolve("examples/quickstart/data/medic-slice.txt")),
                KbOptions.defaults());
        List<CorpusExamples.Item> corpus = CorpusExamples.read(CORPUS, null, kb, "en", true, new Problems(false));
        Map<String, String> texts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CORPUS)) {
            String[] f = line.split("\\|", 3);
            if (f.length == 3 && (f[1].equals("t") || f[1].equals("a"))) {
                // PubTator's offsets count one character between title and abstract: a newline keeps them and marks
                // the passage boundary, which the sentence window never crosses (docs/linker-api.md)
                texts.merge(f[0], f[2], (title, abstractText) -> title + "\n" + abstractText);
            }
        }
        List<Linker.Query> queries = new ArrayList<>();
        for (CorpusExamples.Item item : corpus) {
            var e = item.example();
            queries.add(new Linker.Query(texts.get(e.document()), e.start(), e.end(), e.group()));
        }
        List<CorpusExamples.Item> served = GenerativeLinker.items(queries);
        assertThat(corpus).hasSizeGreaterThan(50);
        assertThat(corpus.stream().filter(CorpusExamples.Item::expanded).count()).as("short forms in the corpus").isPositive();
        for (int i = 0; i < corpus.size(); i++) {
            assertThat(served.get(i).source()).as(corpus.get(i).example().id()).isEqualTo(corpus.get(i).source());
            assertThat(served.get(i).mention()).isEqualTo(corpus.get(i).mention());
            assertThat(served.get(i).example().document()).as("one text, one document")
                    .isEqualTo(texts.get(corpus.get(i).example().document()));
        }
    }
}
