package io.syncabel.runtime.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.text.Problems;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNorm, CTD, TSV and OBO readers on hand-made files, including their ambiguity and bad-input cases. */
class GazetteerReadersTest {
    @TempDir
    Path dir;

    KnowledgeBase build(String format, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return TestData.build(format, TestData.uri(file), KbOptions.defaults());
    }

    @Test
    void dnormIdsAltIdsAndTitles() throws IOException {
        KnowledgeBase kb = build("dnorm", "medic.txt", """
                D003550|219700||Cystic Fibrosis|CF|Mucoviscidosis|Fibrosis &amp; cysts
                164400||SPINOCEREBELLAR ATAXIA 1|SCA1|Becker&apos;s ataxia
                MESH:C536252||Some Syndrome
                114480|D001943||Breast Neoplasms|Breast Cancer
                """);
        // a line listing an OMIM number before the MeSH id answers with the MeSH id, the OMIM number resolves to it
        assertThat(kb.concepts()).containsOnlyKeys("D003550", "OMIM:164400", "C536252", "D001943");
        assertThat(kb.resolve("OMIM:114480")).contains("D001943");
        assertThat(kb.resolve("114480")).contains("D001943");
        assertThat(kb.concept("D001943").orElseThrow().title()).isEqualTo("Breast Neoplasms");
        Concept cf = kb.concept("D003550").orElseThrow();
        assertThat(cf.title()).isEqualTo("Cystic Fibrosis");
        assertThat(cf.groups()).containsExactly("DISO");
        assertThat(cf.names()).containsExactly("Cystic Fibrosis", "CF", "Mucoviscidosis", "Fibrosis & cysts");
        assertThat(kb.concept("OMIM:164400").orElseThrow().names()).contains("Becker's ataxia"); // XML entity decoded
        // gold ids in any spelling resolve: the bare OMIM number, OMIM:..., MESH:..., alt ids
        assertThat(kb.resolve("OMIM:164400")).contains("OMIM:164400");
        assertThat(kb.resolve("164400")).contains("OMIM:164400");
        assertThat(kb.resolve("OMIM:219700")).contains("D003550");
        assertThat(kb.resolve(" MESH:C536252")).contains("C536252");
        assertThat(kb.resolve("D999999")).isEmpty();
    }

    @Test
    void dnormBadLinesAndEmptyFiles() throws IOException {
        assertThatThrownBy(() -> build("dnorm", "bad.txt", "D001||Name\nD002|Name without separator\n"))
                .isInstanceOf(UserError.class).hasMessageEndingWith("bad.txt:2: field ids||names: no '||' between ids and names");
        assertThatThrownBy(() -> build("dnorm", "noname.txt", "D001||\n"))
                .hasMessageEndingWith("noname.txt:1: field names: no name for D001");
        assertThatThrownBy(() -> build("dnorm", "empty.txt", ""))
                .hasMessageContaining("empty.txt:0: field file: no concept in the file");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "D001||Ok\nD002||Sj\u00f6gren\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TestData.build("dnorm", TestData.uri(latin1), KbOptions.defaults()))
                .hasMessageContaining("latin1.txt:2: not valid UTF-8");
    }

    @Test
    void ctdColumnsCommentsGzipAndAltIds() {
        KnowledgeBase kb = TestData.build("ctd", TestData.uri(TestData.resource("kb/ctd-diseases.tsv.gz")),
                KbOptions.defaults());
        assertThat(kb.concepts()).containsOnlyKeys("D001943", "D003550", "OMIM:164400");
        Concept breast = kb.concept("D001943").orElseThrow();
        assertThat(breast.title()).isEqualTo("Breast Neoplasms");
        assertThat(breast.names()).containsExactly("Breast Neoplasms", "Breast Cancer", "Breast Tumors", "Cancer of Breast");
        assertThat(breast.definitions()).containsExactly("Tumors or cancer of the human BREAST.");
        assertThat(kb.resolve("OMIM:114480")).contains("D001943");
        assertThat(kb.resolve("MESH:D003550")).contains("D003550");
    }

    @Test
    void ctdMissingColumn() {
        assertThatThrownBy(() -> build("ctd", "ctd.tsv", "# header\nOnly a name\n"))
                .hasMessageEndingWith("ctd.tsv:2: field DiseaseID (column 2): missing: a CTD row has 9 tab-separated columns, found 1");
    }

    /** Reads one file with the given reader and returns the problems it reported (strict: errors throw). */
    Problems read(SourceReader reader, String name, String content) throws IOException {
        Path file = Files.writeString(dir.resolve(name), content);
        Problems problems = new Problems(false);
        reader.read(TestData.uri(file), new Inputs(u -> new io.syncabel.runtime.store.FolderStore(), r -> {
        }), KbOptions.defaults(), problems, new KbBuilder(KbOptions.defaults()));
        return problems;
    }

    @Test
    void ctdRowWithTooFewColumnsIsAnErrorNamingTheFirstMissingOne() {
        assertThatThrownBy(() -> build("ctd", "ctd.tsv", "Cold\tMESH:D1\tonly three\n"))
                .isInstanceOf(UserError.class)
                .hasMessageEndingWith("ctd.tsv:1: field Definition (column 4): missing: a CTD row has 9 tab-separated columns, found 3");
    }

    @Test
    void extraColumnsAndDuplicatedDnormIdsAreCountedWarnings() throws IOException {
        Problems ctd = read(new CtdReader(), "ctd.tsv", "Cold\tMESH:D1\t\t\t\t\t\tchill\t\textra\n");
        assertThat(ctd.warnings()).isEqualTo(1);
        assertThat(ctd.warningExamples()).containsExactly(
                dir.resolve("ctd.tsv") + ":1: field column 10: a CTD row has 9 tab-separated columns, found 10; the extra ones are ignored");

        Problems plain = read(new TsvReader(), "plain.tsv", "C1\tcold\tDISO\tyes\ten\tsurplus\nC2\tflu\n");
        assertThat(plain.warnings()).isEqualTo(1);
        assertThat(plain.warningExamples().get(0)).endsWith("plain.tsv:1: field column 6: a row of this file has 5 columns, "
                + "found 6; the extra ones are ignored");
        Problems headed = read(new TsvReader(), "headed.tsv", "code\tname\tnote\nC1\tcold\tx\nC2\tflu\tx\ty\n");
        assertThat(headed.warnings()).isEqualTo(2);
        assertThat(headed.warningExamples().get(0)).endsWith("headed.tsv:1: field header (column 3): 'note' is not a gazetteer "
                + "column (code, name, group, is_preferred, language); ignored");
        assertThat(headed.warningExamples().get(1)).endsWith("headed.tsv:3: field column 4: a row of this file has 3 columns, "
                + "found 4; the extra ones are ignored");

        Problems dnorm = read(new DnormReader(), "medic.txt", "D1||Cold|Chill\nD2||Flu\n12345|D1||Common cold\n");
        assertThat(dnorm.warnings()).isEqualTo(1);
        assertThat(dnorm.warningExamples().get(0)).endsWith("medic.txt:3: field id: D1 is also the concept of line 1: "
                + "both lines' names and ids go to one concept");
        assertThat(dnorm.skipped()).isZero();
    }

    @Test
    void tsvHeaderGroupsLanguagesPreferenceAndAmbiguity() {
        KnowledgeBase kb = TestData.build("tsv", TestData.uri(TestData.resource("kb/gazetteer.tsv")), KbOptions.defaults());
        Concept mi = kb.concept("S001").orElseThrow();
        assertThat(mi.title()).isEqualTo("myocardial infarction"); // the first preferred row; no case change
        assertThat(mi.synonyms()).containsEntry("es", java.util.List.of("infarto de miocardio"));
        // the same name in two groups belongs to both concepts
        assertThat(kb.codesFor("DISORDER", "heart attack")).containsExactly("S001");
        assertThat(kb.codesFor("FINDING", "heart attack")).containsExactly("S002"); // "NOS" stripped
        assertThat(kb.codesFor("DISORDER", "cold")).containsExactly("S005");
        assertThat(kb.codesFor("FINDING", "cold")).containsExactly("S006");
        // level 1: S004 owns "mitral insufficiency", so the shared "MI" goes to S003
        assertThat(kb.codesFor("DISORDER", "MI")).containsExactly("S003");
        // a row without a group takes the default group
        assertThat(kb.codesFor("DISO", "untyped concept")).containsExactly("S007");
    }

    @Test
    void tsvWithoutHeaderAndBadRows() throws IOException {
        KnowledgeBase kb = build("tsv", "plain.tsv", "C1\tcold\nC2\tflu\tDISO\tyes\n");
        assertThat(kb.concepts()).containsOnlyKeys("C1", "C2");
        assertThatThrownBy(() -> build("tsv", "bad.tsv", "C1\tcold\nC2\n"))
                .hasMessageEndingWith("bad.tsv:2: field name (column 2): missing: expected code<TAB>name[<TAB>group[<TAB>is_preferred[<TAB>language]]]");
        assertThatThrownBy(() -> build("tsv", "bool.tsv", "C1\tcold\tDISO\tmaybe\n"))
                .hasMessageEndingWith("bool.tsv:1: field is_preferred (column 4): 'maybe' is not true/false/1/0/yes/no");
        Path file = dir.resolve("lenient.tsv");
        Files.writeString(file, "C1\tcold\nC2\n\tno code\nC3\tflu\n");
        var problems = new io.syncabel.runtime.text.Problems(true);
        KbBuilder builder = new KbBuilder(KbOptions.defaults());
        new TsvReader().read(TestData.uri(file), new Inputs(u -> new io.syncabel.runtime.store.FolderStore(), r -> {
        }), KbOptions.defaults(), problems, builder);
        assertThat(problems.skipped()).isEqualTo(2);
        assertThat(problems.examples()).hasSize(2).allMatch(e -> e.contains("lenient.tsv:"));
        assertThat(builder.build(new java.util.TreeMap<>()).concepts()).containsOnlyKeys("C1", "C3");
    }

    @Test
    void oboTermsSynonymScopesNamespacesObsoleteAndEscapes() {
        KnowledgeBase kb = TestData.build("obo", TestData.uri(TestData.resource("kb/tiny.obo")), KbOptions.defaults());
        assertThat(kb.concepts()).containsOnlyKeys("DOID:0001", "SYMP:0001"); // obsolete and Typedef skipped
        Concept cf = kb.concept("DOID:0001").orElseThrow();
        assertThat(cf.groups()).containsExactly("disease_ontology"); // default-namespace
        assertThat(cf.names()).containsExactly("cystic fibrosis", "mucoviscidosis", "CF"); // no BROAD/NARROW
        assertThat(cf.definitions()).containsExactly("A \"genetic\" disease of the exocrine glands.");
        assertThat(kb.resolve("DOID:9999")).contains("DOID:0001");
        assertThat(kb.concept("SYMP:0001").orElseThrow().groups()).containsExactly("symptom");
    }

    @Test
    void oboWithoutTerms() {
        assertThatThrownBy(() -> build("obo", "empty.obo", "format-version: 1.2\n"))
                .hasMessageContaining("empty.obo:1: field file: no [Term] stanza");
    }
}
