package io.syncabel.runtime.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReadersTest {
    @TempDir
    Path dir;

    static List<Document> read(String format, Path path, Problems problems) {
        List<Document> docs = new ArrayList<>();
        CorpusReader.forFormat(format).read(path, problems, docs::add);
        return docs;
    }

    @Test
    void pubtatorQuickstartSliceTitleAndAbstractAreTwoPassages() {
        Path train = TestData.repoRoot().resolve("examples/quickstart/data/ncbi-train.pubtator");
        List<Document> docs = read("pubtator", train, new Problems(false));
        assertThat(docs).hasSize(80);
        assertThat(docs.stream().mapToInt(d -> d.mentions().size()).sum()).isEqualTo(718); // the slice's README
        Document d = docs.get(0);
        assertThat(d.passages()).hasSize(2);
        assertThat(d.passages().get(1).start()).isEqualTo(d.passages().get(0).end() + 1);
        for (Document.Mention m : d.mentions()) {
            assertThat(d.text().substring(m.start(), m.end())).isEqualTo(m.text());
        }
        assertThat(d.mentions().get(0).id()).isEqualTo(d.id() + ".1");
    }

    @Test
    void pubtatorCompositeIdsAndBadLines() throws IOException {
        Path file = dir.resolve("c.pubtator");
        Files.writeString(file, """
                1|t|Breast and ovarian cancer.
                1|a|Rare.
                1\t0\t25\tBreast and ovarian cancer\tCompositeMention\tD001943|D010051
                1\t0\t6\tBreast\tModifier\tD001943+D010051
                1\t0\t6\tWrong!\tModifier\tD001943
                1\tCID\tD001943\tD010051
                1\t19\t25\tcancer\tDisease\t-1

                """);
        assertThatThrownBy(() -> read("pubtator", file, new Problems(false))).isInstanceOf(UserError.class)
                .hasMessageEndingWith("c.pubtator:5: field text: 'Wrong!' but the document has 'Breast' at [0,6)");
        Problems lenient = new Problems(true);
        Document d = read("pubtator", file, lenient).get(0);
        assertThat(lenient.skipped()).isEqualTo(1);
        assertThat(d.mentions()).extracting(Document.Mention::ids)
                .containsExactly(List.of("D001943", "D010051"), List.of("D001943", "D010051"), List.of());
        Files.writeString(file, "");
        assertThatThrownBy(() -> read("pubtator", file, new Problems(false))).hasMessageContaining("field file: no document");
        Files.writeString(file, "1|t|Title\n1\tx\t5\tTitle\tD\tD1\n");
        assertThatThrownBy(() -> read("pubtator", file, new Problems(false))).hasMessageContaining(":2: field start/end: not integers");
    }

    @Test
    void bratDiscontinuousSpansAndNormalisations() {
        List<Document> docs = read("brat", TestData.resource("corpus/brat"), new Problems(false));
        assertThat(docs).hasSize(1);
        Document d = docs.get(0);
        assertThat(d.id()).isEqualTo("doc1");
        Document.Mention breast = d.mentions().get(0);
        assertThat(breast.spans()).hasSize(2);
        assertThat(breast.text()).isEqualTo("Breast cancer");
        assertThat(breast.ids()).containsExactly("D001943");
        Document.Mention boc = d.mentions().stream().filter(m -> m.text().equals("BOC")).findFirst().orElseThrow();
        assertThat(boc.ids()).containsExactly("D001943", "D010051"); // two N lines: composite
    }

    @Test
    void bratBadSpanNamesTheAnnLine() throws IOException {
        Path brat = dir.resolve("brat");
        Files.createDirectories(brat);
        Files.writeString(brat.resolve("a.txt"), "short text");
        Files.writeString(brat.resolve("a.ann"), "T1\tDisease 0 5\tshort\nT2\tDisease 6 99\ttext\n");
        assertThatThrownBy(() -> read("brat", brat, new Problems(false)))
                .hasMessageEndingWith("a.ann:2: field spans: bad fragment '6 99' (text has 10 characters)");
        Files.delete(brat.resolve("a.txt"));
        assertThatThrownBy(() -> read("brat", brat, new Problems(false))).hasMessageContaining("no matching text file a.txt");
    }

    @Test
    void bratAnnotatorNotesCarryTheCodesOfFilesWithoutNormalisations() throws IOException {
        Path brat = Files.createDirectories(dir.resolve("cantemist"));
        Files.writeString(brat.resolve("cc1.txt"), "Carcinoma and a cold.");
        Files.writeString(brat.resolve("cc1.ann"), """
                T1\tMORFOLOGIA_NEOPLASIA 0 9\tCarcinoma
                #1\tAnnotatorNotes T1\t8010/3
                T2\tDisease 16 20\tcold
                #2\tAnnotatorNotes T2\tC0009443+C0010200
                """);
        Document d = read("brat", brat, new Problems(false)).get(0);
        assertThat(d.mentions()).extracting(Document.Mention::ids)
                .containsExactly(List.of("8010/3"), List.of("C0009443", "C0010200"));
        // a file with N lines keeps them as its codes: its notes are comments (the fixture's "discontinuous")
        Document withN = read("brat", TestData.resource("corpus/brat"), new Problems(false)).get(0);
        assertThat(withN.mentions().get(0).ids()).containsExactly("D001943");
    }

    @Test
    void bratReferenceToAnUnknownAnnotationNamesItsLine() throws IOException {
        Path brat = Files.createDirectories(dir.resolve("brat"));
        Files.writeString(brat.resolve("a.txt"), "short text");
        Files.writeString(brat.resolve("a.ann"), "T1\tDisease 0 5\tshort\nN1\tReference T1 MeSH:D1\nN2\tReference T9 MeSH:D2\n");
        assertThatThrownBy(() -> read("brat", brat, new Problems(false)))
                .hasMessageEndingWith("a.ann:3: field normalization: refers to unknown annotation T9");
    }

    @Test
    void corpusWithoutAnyGoldCodeIsAnErrorNamingTheFile() throws IOException {
        Path brat = Files.createDirectories(dir.resolve("ner-only"));
        Files.writeString(brat.resolve("a.txt"), "short text");
        Files.writeString(brat.resolve("a.ann"), "T1\tDisease 0 5\tshort\n#1\tAnnotatorNotes T1\t-1\n");
        assertThatThrownBy(() -> read("brat", brat, new Problems(true)))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(brat + ": no linkable mention (1 mentions, none with a gold code")
                .hasMessageContaining("AnnotatorNotes");
        Path pubtator = dir.resolve("ner.pubtator");
        Files.writeString(pubtator, "1|t|Title\n1|a|Some cancer.\n1\t11\t17\tcancer\tDisease\n");
        assertThatThrownBy(() -> read("pubtator", pubtator, new Problems(false)))
                .isInstanceOf(UserError.class).hasMessageStartingWith(pubtator + ": no linkable mention");
    }

    @Test
    void jsonlDocumentedForm() throws IOException {
        List<Document> docs = read("jsonl", TestData.resource("corpus/tiny.jsonl"), new Problems(false));
        assertThat(docs).hasSize(2);
        assertThat(docs.get(0).mentions()).extracting(Document.Mention::id).containsExactly("j1.m1", "j1.2");
        assertThat(docs.get(0).mentions().get(1).text()).isEqualTo("CT");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":\"x\",\"text\":\"abc\",\"mentions\":[{\"spans\":[[0,9]]}]}\n");
        assertThatThrownBy(() -> read("jsonl", bad, new Problems(false)))
                .hasMessageEndingWith("bad.jsonl:1: field mentions[0].spans: [0,9) outside the text (3 characters)");
        Files.writeString(bad, "{not json\n");
        assertThatThrownBy(() -> read("jsonl", bad, new Problems(false)))
                .hasMessageContaining("bad.jsonl:1: field json: malformed JSON at column ")
                .hasMessageContaining("Unexpected character ('n')")
                .hasMessageNotContaining("(code ");
    }
}
