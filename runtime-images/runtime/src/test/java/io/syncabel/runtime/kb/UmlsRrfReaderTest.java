package io.syncabel.runtime.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-made RRF release in src/test/resources/kb/umls covers every rule of reference §1.1–1.5. */
class UmlsRrfReaderTest {
    static final String RELEASE = TestData.uri(TestData.resource("kb/umls")) + "/";
    static final String SEMGROUPS = TestData.uri(TestData.resource("kb/SemGroups.txt"));

    @TempDir
    Path dir;

    static KbOptions options() {
        return KbOptions.defaults().withSemanticGroupsUri(SEMGROUPS);
    }

    static KnowledgeBase build(KbOptions options) {
        return TestData.build("umls-rrf", RELEASE, options);
    }

    static KbOptions with(KbOptions o, Set<String> languages, Set<String> sabs, UmlsPreset preset) {
        return new KbOptions(o.defaultGroup(), languages, sabs, preset, o.semanticGroups(), o.semanticTypes(),
                o.semanticGroupsUri(), true, true, 200, false);
    }

    @Test
    void conceptsComeFromMrstyWithFullGroupNamesTypesAndDefinitions() {
        KnowledgeBase kb = build(options());
        assertThat(kb.concepts()).hasSize(11).doesNotContainKey("C0000099"); // no MRSTY row: not a concept
        Concept aspirin = kb.concept("C0000003").orElseThrow();
        assertThat(aspirin.groups()).containsExactly("Chemicals & Drugs");
        assertThat(aspirin.types()).containsExactly("T121");
        assertThat(aspirin.definitions()).containsExactly("An analgesic and anti-inflammatory drug.");
        assertThat(kb.groups()).containsExactly("Chemicals & Drugs", "Concepts & Ideas", "Disorders", "Physiology");
    }

    @Test
    void titleCascadePrefersPnThenShortestEnglishPreferred() {
        KnowledgeBase kb = build(options());
        assertThat(kb.concept("C0000001").orElseThrow().title()).isEqualTo("Fever of unknown origin"); // MTH PN
        // two ENG TS=P strings: the "shortest" (capitalised ones get a 0.5 bonus) wins
        assertThat(kb.concept("C0000003").orElseThrow().title()).isEqualTo("Aspirin");
        assertThat(kb.concept("C0000006").orElseThrow().title()).isEqualTo("Common cold"); // upper-cased first letter
    }

    @Test
    void namesAreCleanedDedupedPerLanguageAndAllCapsVariantsPruned() {
        Concept aspirin = build(options()).concept("C0000003").orElseThrow();
        assertThat(aspirin.synonyms()).containsOnlyKeys("en", "de", "es");
        // "Aspirin, NOS" became "Aspirin" (deduplicated); "ASPIRIN" pruned beside "Aspirin"; "ASA" has no rival
        assertThat(aspirin.synonyms().get("en")).containsExactly("Aspirin", "Acetylsalicylic acid", "ASA");
        Concept fuo = build(options()).concept("C0000001").orElseThrow();
        assertThat(fuo.synonyms().get("fr")).containsExactly("Fièvre d'origine inconnue");
        assertThat(fuo.synonyms().get("en")).containsExactly("Fever of unknown origin", "Fever, Unknown Origin", "FUO");
    }

    @Test
    void ambiguityIsResolvedPerGroupAtEachLevel() {
        KnowledgeBase kb = build(options());
        // different groups: "Cold" stays with both the physiology and a disorder concept
        assertThat(kb.codesFor("Physiology", "Cold")).containsExactly("C0000004");
        // level 1: C0000006 owns "Common cold" (level 0), so the shared "Cold" goes to C0000007
        assertThat(kb.codesFor("Disorders", "Cold")).containsExactly("C0000007");
        // level 2: "Sore" is shared by C0000007 (which now owns "Cold") and C0000008 (which owns nothing)
        assertThat(kb.codesFor("Disorders", "Sore")).containsExactly("C0000008");
        // level 2 tie between two name-less concepts: the smaller code wins, the other ends without names
        assertThat(kb.codesFor("Disorders", "Pain")).containsExactly("C0000009");
        assertThat(kb.concept("C0000010").orElseThrow().synonyms()).isEmpty();
        // "Ache" is dropped (both owners have unambiguous names) and comes back as C0000011's title
        assertThat(kb.codesFor("Disorders", "Ache")).containsExactly("C0000011");
        assertThat(kb.concept("C0000012").orElseThrow().names()).containsExactly("Bone ache");
        KbBuilder.Resolution r = kb.resolution();
        assertThat(r.level1()).isEqualTo(1);
        assertThat(r.level2()).isEqualTo(2);
        assertThat(r.titlesAdded()).isEqualTo(1);
        assertThat(r.allCapsPruned()).isEqualTo(1);
    }

    @Test
    void presetsSelectTypesAsTheOriginalDatasets() {
        KbOptions o = options();
        KnowledgeBase mm = build(with(o, Set.of(), Set.of(), UmlsPreset.MEDMENTIONS_ST21PV));
        assertThat(mm.concepts()).doesNotContainKey("C0000005").containsKey("C0000004"); // A2.1.3 out, B2.2.1.1 in
        KnowledgeBase quaero = build(with(o, Set.of(), Set.of(), UmlsPreset.QUAERO));
        assertThat(quaero.concepts()).hasSize(10).doesNotContainKey("C0000005"); // CONC is not a QUAERO group
    }

    @Test
    void languageSourceGroupAndTypeFilters() {
        KbOptions o = options();
        KnowledgeBase engFre = build(with(o, Set.of("ENG", "fr"), Set.of(), null));
        assertThat(engFre.concept("C0000003").orElseThrow().synonyms()).containsOnlyKeys("en");
        KnowledgeBase msh = build(with(o, Set.of(), Set.of("MSH"), null));
        assertThat(msh.concept("C0000003").orElseThrow().synonyms().get("en")).containsExactly("Aspirin", "ASA");
        KnowledgeBase diso = build(new KbOptions("DISO", Set.of(), Set.of(), null, Set.of("DISO"), Set.of(),
                SEMGROUPS, true, true, 200, false));
        assertThat(diso.groups()).containsExactly("Disorders");
        KnowledgeBase t121 = build(new KbOptions("DISO", Set.of(), Set.of(), null, Set.of(), Set.of("T121"),
                SEMGROUPS, true, true, 200, false));
        assertThat(t121.concepts()).containsOnlyKeys("C0000003");
    }

    @Test
    void gzippedReleaseFilesAreFound() throws IOException {
        Path release = dir.resolve("rel");
        Files.createDirectories(release);
        for (String f : List.of("MRCONSO.RRF", "MRSTY.RRF")) {
            try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(release.resolve(f + ".gz")))) {
                out.write(Files.readAllBytes(TestData.resource("kb/umls/" + f)));
            }
        }
        KnowledgeBase kb = TestData.build("umls-rrf", TestData.uri(release), options());
        assertThat(kb.concepts()).hasSize(11);
        assertThat(kb.concept("C0000003").orElseThrow().definitions()).isEmpty(); // MRDEF is optional
    }

    @Test
    void badInputNamesFileLineAndField() throws IOException {
        Path release = dir.resolve("bad");
        Files.createDirectories(release);
        Files.copy(TestData.resource("kb/umls/MRSTY.RRF"), release.resolve("MRSTY.RRF"));
        List<String> conso = Files.readAllLines(TestData.resource("kb/umls/MRCONSO.RRF"));
        conso.set(2, "C0000001|ENG|S|L1|PF");
        Files.write(release.resolve("MRCONSO.RRF"), conso);
        assertThatThrownBy(() -> TestData.build("umls-rrf", TestData.uri(release), options()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("MRCONSO.RRF:3: field STR (column 15): missing");
        KnowledgeBase lenient = TestData.build("umls-rrf", TestData.uri(release), options().withLenient(true));
        assertThat(lenient.concept("C0000001").orElseThrow().names()).doesNotContain("FUO");

        Files.writeString(release.resolve("MRSTY.RRF"), "C0000001|T999|B1|Unknown type|AT1|256|\n");
        assertThatThrownBy(() -> TestData.build("umls-rrf", TestData.uri(release), options()))
                .hasMessageContaining("MRSTY.RRF:1: field TUI (column 2): T999 is not in the SemGroups file");
        assertThatThrownBy(() -> TestData.build("umls-rrf", RELEASE, KbOptions.defaults()))
                .hasMessageContaining("needs the SemGroups file");
        assertThatThrownBy(() -> TestData.build("umls-rrf", TestData.uri(dir) + "/", options()))
                .hasMessageContaining("missing MRSTY.RRF or MRSTY.RRF.gz");
        Map<String, Object> counts = build(options()).counts();
        assertThat(counts).containsEntry("concepts", 11).containsEntry("conceptsWithoutNames", 1L);
    }
}
