package io.syncabel.runtime.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleBuilderTest {

    static List<Example> examples(String format, java.nio.file.Path path, KnowledgeBase kb, Problems problems) {
        ExampleBuilder builder = new ExampleBuilder(kb, "en", problems);
        List<Example> out = new ArrayList<>();
        CorpusReader.forFormat(format).read(path, problems, d -> out.addAll(builder.examples(d)));
        return out;
    }

    @Test
    void ncbiTestSplitGivesOneExamplePerLinkableMention() {
        List<Example> out = examples("pubtator", TestData.ncbi().resolve("test/NCBItestset_corpus.txt"),
                TestData.medic(), new Problems(false));
        // all 960 test mentions have gold ids that resolve to concepts with names: 960 examples
        assertThat(out).hasSize(960);
        assertThat(out).filteredOn(e -> e.semanticRel().equals("COMPOSITE")).hasSize(15); // mentions with several gold ids
        Example first = out.get(0);
        assertThat(first.source()).isEqualTo("Genetic mapping of the [copper toxicosis]{DISO} locus in Bedlington "
                + "terriers to dog chromosome 10, in a region syntenic to human chromosome region 2p13-p16.");
        assertThat(first.target()).startsWith("[copper toxicosis] is ");
        assertThat(first.code()).isEqualTo("C566123"); // MEDIC: 215600|C566123|C565846||Cirrhosis, Familial (MeSH id preferred)
        assertThat(first.goldIds()).containsExactly("OMIM:215600");
        assertThat(out).allMatch(e -> e.target().startsWith("[" + e.mention() + "] is "))
                .allMatch(e -> e.source().contains("[" + e.mention() + "]{DISO}"))
                .allMatch(e -> e.source().chars().filter(c -> c == '[').count() == 1);
    }

    @Test
    void compositeMentionsJoinTheirNamesWithSep() {
        List<Example> out = examples("pubtator", TestData.ncbi().resolve("test/NCBItestset_corpus.txt"),
                TestData.medic(), new Problems(false));
        Example sca = out.stream().filter(e -> e.mention().equals("spinocerebellar ataxias 1 and 2")).findFirst()
                .orElseThrow();
        assertThat(sca.target()).isEqualTo("[spinocerebellar ataxias 1 and 2] is SPINOCEREBELLAR ATAXIA 1<SEP>SPINOCEREBELLAR ATAXIA 2");
        assertThat(sca.code()).isEqualTo("D020754+OMIM:183090");
        assertThat(sca.group()).isEqualTo("DISO"); // one distinct group, not repeated
    }

    @Test
    void discontinuousMentionsBracketEachFragmentAndBracketsInTextAreEscaped() {
        List<Example> out = examples("brat", TestData.resource("corpus/brat"), TestData.medic(), new Problems(false));
        assertThat(out).hasSize(5);
        Example breast = out.get(0);
        assertThat(breast.source()).isEqualTo("[Breast] and ovarian [cancer]{DISO} (BOC) were studied.");
        assertThat(breast.target()).isEqualTo("[Breast cancer] is Breast Cancer"); // closest MEDIC synonym by TF-IDF
        Example cf = out.stream().filter(e -> e.mention().equals("CF")).findFirst().orElseThrow();
        assertThat(cf.source()).isEqualTo("Patients with cystic fibrosis ([CF]{DISO}) had cough.");
        assertThat(cf.target()).isEqualTo("[CF] is CF");
        Example boc = out.stream().filter(e -> e.mention().equals("BOC")).findFirst().orElseThrow();
        assertThat(boc.semanticRel()).isEqualTo("COMPOSITE");
        assertThat(boc.source()).isEqualTo("Breast and ovarian cancer ([BOC]{DISO}) were studied.");
    }

    @Test
    void jsonlBracesBecomeParenthesesAndUnknownIdsAreErrors() {
        List<Example> out = examples("jsonl", TestData.resource("corpus/tiny.jsonl"), TestData.medic(), new Problems(false));
        assertThat(out).hasSize(2);
        assertThat(out.get(1).source()).isEqualTo("Copper toxicosis ([CT]{DISO}) is inherited.");
        assertThat(ExampleBuilder.cleanNatural("a[b]{c}\u00a0d")).isEqualTo("a(b)(c) d");

        KnowledgeBase tiny = TestData.build("ctd", TestData.uri(TestData.resource("kb/ctd-diseases.tsv")),
                io.syncabel.runtime.kb.KbOptions.defaults());
        assertThatThrownBy(() -> examples("jsonl", TestData.resource("corpus/tiny.jsonl"), tiny, new Problems(false)))
                .isInstanceOf(UserError.class)
                .hasMessageEndingWith("tiny.jsonl:1: field concept id: 'OMIM:215600' is not in the knowledge base");
        Problems lenient = new Problems(true);
        assertThat(examples("jsonl", TestData.resource("corpus/tiny.jsonl"), tiny, lenient)).isEmpty();
        assertThat(lenient.skipped()).isEqualTo(2);
    }
}
