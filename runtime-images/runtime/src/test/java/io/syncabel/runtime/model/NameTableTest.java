package io.syncabel.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameTableTest {
    /** "ANIRIDIA" is a synonym of D1 and "Aniridia" the title of D2: one folded name, D2 answers first. */
    static final String KB = """
            D1||Aniridia, partial|ANIRIDIA
            D2||Aniridia|iris absence
            D3||Neoplasms, Breast|Breast cancer|mammary cancer
            """;

    @TempDir
    Path dir;

    KnowledgeBase kb() throws IOException {
        return TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), KB)), KbOptions.defaults());
    }

    @Test
    void caseFoldingMergesCaseVariantsAndTheConceptWhoseTitleItIsAnswersFirst() throws IOException {
        KnowledgeBase kb = kb();
        Map<String, List<String>> folded = NameTable.of(kb, true).entries().stream()
                .collect(Collectors.toMap(NameTable.Entry::name, NameTable.Entry::codes));
        assertThat(folded.get("aniridia")).containsExactly("D2", "D1");
        assertThat(folded).containsKey("neoplasms, breast").doesNotContainKey("Aniridia").doesNotContainKey("ANIRIDIA");
        List<NameTable.Entry> entries = NameTable.of(kb, true).entries();
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.get(i).id()).isEqualTo(i);
        }
        // without folding both spellings stay apart
        assertThat(NameTable.of(kb).entries()).extracting(NameTable.Entry::name).contains("Aniridia", "ANIRIDIA");
    }

    @Test
    void kbGuidedPairsTeachEveryNameSynonymsToTitlesAndUninvertedMeshForms() throws IOException {
        KnowledgeBase kb = kb();
        NameTable names = NameTable.of(kb, true);
        List<String> pairs = LinkerTraining.SyntheticExample.kbGuided(kb, names).stream()
                .map(s -> s.mention() + " -> " + s.name() + " " + s.code()).toList();
        // every name of the table as a mention of itself, so every trie path is learnt
        names.entries().forEach(e -> assertThat(pairs).contains(e.name() + " -> " + e.name() + " " + e.codes().get(0)));
        assertThat(pairs).contains("breast cancer -> neoplasms, breast D3", "mammary cancer -> neoplasms, breast D3",
                "breast neoplasms -> neoplasms, breast D3", "iris absence -> aniridia D2");
        // every target is a name of the table
        var tableNames = names.entries().stream().map(NameTable.Entry::name).collect(Collectors.toSet());
        LinkerTraining.SyntheticExample.kbGuided(kb, names).forEach(s -> assertThat(tableNames).contains(s.name()));
        assertThat(LinkerTraining.SyntheticExample.uninverted("Neoplasms, Breast")).isEqualTo("Breast Neoplasms");
        assertThat(LinkerTraining.SyntheticExample.uninverted("Deafness, X-linked, 2")).isNull();
        assertThat(LinkerTraining.SyntheticExample.uninverted("Cancer (breast), familial")).isNull();
        assertThat(LinkerTraining.SyntheticExample.uninverted("Breast cancer")).isNull();
    }
}
