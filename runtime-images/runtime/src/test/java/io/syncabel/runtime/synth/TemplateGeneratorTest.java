package io.syncabel.runtime.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.MarkedText;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.text.Problems;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline generator on the quickstart data: every concept covered, output independent of sharding and batching. */
class TemplateGeneratorTest {
    @TempDir
    Path dir;

    Map<String, Object> shard(ArtifactStore store, String prefix, List<Unit> units, int i, int n, int batch) throws Exception {
        return new SynthRun(store, prefix, SynthFixtures.kb(), units, new TemplateGenerator(SynthFixtures.style(), "en", 3, 42),
                new SynthRun.Options(i, n, batch, 50), new PrintWriter(new StringWriter()), Map.of(), List.of()).run();
    }

    @Test
    void coversEveryQuickstartConceptAndDoesNotDependOnShardsOrBatches() throws Exception {
        KnowledgeBase kb = SynthFixtures.kb();
        List<Unit> units = ConceptSelection.all().select(kb);
        assertThat(units).hasSize(413);
        try (ArtifactStore store = new FolderStore()) {
            String one = "file:" + dir.resolve("one") + "/";
            Map<String, Object> summary = shard(store, one, units, 0, 1, 100);
            assertThat(summary).containsEntry("generated", 413L).containsEntry("failed", 0L).containsEntry("records", 1239L);
            List<SynthRecord> records = SyntheticDatasets.read(store, one);
            assertThat(records.stream().map(SynthRecord::code).collect(Collectors.toSet())).hasSize(413);
            for (SynthRecord r : records) {
                MarkedText.Marked m = MarkedText.parse(r.sentence());
                assertThat(m.mention()).isEqualTo(r.mention());
                assertThat(m.group()).isEqualTo("DISO");
                assertThat(r.generator()).isEqualTo("template");
            }
            // two in three examples come from real NCBI sentences, the rest from templates
            long fromTemplates = records.stream().filter(r -> TemplateGenerator.DISORDER_TEMPLATES.get("en").stream()
                    .anyMatch(t -> r.sentence().startsWith(t.substring(0, t.indexOf('{'))))).count();
            assertThat(fromTemplates).isBetween(300L, 600L);

            String three = "file:" + dir.resolve("three") + "/";
            assertThatThrownBy(() -> SyntheticDatasets.read(store, three)).hasMessageContaining("no published shard");
            shard(store, three, units, 2, 3, 17);
            shard(store, three, units, 0, 3, 50);
            assertThatThrownBy(() -> SyntheticDatasets.read(store, three))
                    .hasMessageContaining("incomplete").hasMessageContaining("2 of 3 shards published, missing [1]");
            shard(store, three, units, 1, 3, 1000);
            assertThat(SyntheticDatasets.read(store, three)).isEqualTo(records);
            // a published shard is skipped, not rewritten
            assertThat(shard(store, three, units, 1, 3, 7)).containsEntry("skipped", true);
            assertThat(SyntheticDatasets.open(store, three).count("generated")).isEqualTo(413);
        }
    }

    @Test
    void selectionModesAreDeterministic() {
        KnowledgeBase kb = SynthFixtures.kb();
        var sample = new ConceptSelection(ConceptSelection.Mode.SAMPLE, Set.of(), 25, 3, Set.of());
        assertThat(sample.select(kb)).hasSize(25).isEqualTo(sample.select(kb)).isSortedAccordingTo(
                java.util.Comparator.comparing(Unit::code));
        assertThat(new ConceptSelection(ConceptSelection.Mode.SAMPLE, Set.of(), 25, 4, Set.of()).select(kb))
                .isNotEqualTo(sample.select(kb));
        assertThat(new ConceptSelection(ConceptSelection.Mode.GROUPS, Set.of("CHEM"), null, 1, Set.of()).select(kb)).isEmpty();
        Set<String> seen = new TreeSet<>();
        CorpusExamples.read(SynthFixtures.quickstart().resolve("ncbi-train.pubtator"), null, kb, "en", false, new Problems(true))
                .forEach(i -> seen.addAll(List.of(i.example().code().split("\\+"))));
        List<Unit> unseen = new ConceptSelection(ConceptSelection.Mode.UNSEEN, Set.of(), null, 1, seen).select(kb);
        assertThat(unseen).isNotEmpty().hasSizeLessThan(413).noneMatch(u -> seen.contains(u.code()));
        // contiguous shard ranges cover the list exactly once
        int covered = 0;
        for (int i = 0; i < 7; i++) {
            int[] r = ConceptSelection.range(413, i, 7);
            assertThat(r[0]).isEqualTo(covered);
            covered = r[1];
        }
        assertThat(covered).isEqualTo(413);
    }

    @Test
    void frenchAndSpanishTemplatesAndCaseFitting() throws Exception {
        var unit = new Unit("D1", "DISO");
        var concept = new io.syncabel.runtime.kb.Concept("D1", List.of("DISO"), List.of(), "Maladie de Wilson",
                Map.of("fr", List.of("Maladie de Wilson", "dégénérescence hépatolenticulaire")), List.of(), List.of(), List.of());
        for (String lang : List.of("fr", "es")) {
            var out = (Outcome.Generated) new TemplateGenerator(StyleCorpus.empty(), lang, 4, 1).generate(unit, concept);
            assertThat(out.records()).hasSize(4).allSatisfy(r -> assertThat(MarkedText.parse(r.sentence()).mention())
                    .isEqualTo(r.mention()));
            assertThat(out.records().stream().map(SynthRecord::mention)).contains("maladie de Wilson");
        }
        assertThat(TemplateGenerator.fitCase("DMD", false)).isEqualTo("DMD");
        assertThat(TemplateGenerator.fitCase("breast cancer", true)).isEqualTo("Breast cancer");
        var none = new io.syncabel.runtime.kb.Concept("D2", List.of("DISO"), List.of(), null, Map.of(), List.of(), List.of(), List.of());
        assertThat(new TemplateGenerator(StyleCorpus.empty(), "en", 2, 1).generate(unit, none))
                .isEqualTo(new Outcome.Failed("concept has no name", 1, false));
    }
}
