package io.syncabel.runtime.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.store.Manifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KbArtifactTest {
    @TempDir
    Path dir;

    final PrintWriter quiet = new PrintWriter(new StringWriter());

    @Test
    void writtenThenLoadedBackEqual() throws IOException {
        String out = TestData.uri(dir.resolve("kb")) + "/";
        FolderStore store = new FolderStore();
        Map<String, Object> summary = new KbBuild(store, u -> store, quiet).run(
                List.of(new KbBuild.Source(UmlsRrfReaderTest.RELEASE, "umls-rrf", "UMLS-test")),
                UmlsRrfReaderTest.options(), Map.of("name", "UMLS", "version", "test", "licence", "hand-made"), out);
        assertThat(summary).containsEntry("concepts", 11).containsEntry("kbVersion", "test");
        Manifest manifest = store.manifest(out).orElseThrow();
        assertThat(manifest.kind()).isEqualTo(KbArtifact.KIND);
        assertThat(manifest.files()).extracting(Manifest.FileEntry::name)
                .containsExactly("concepts.jsonl", "dictionary.tsv", "kb.json", "tfidf.tsv");
        assertThat(manifest.inputs()).extracting(Manifest.Input::uri).hasSize(4)
                .anyMatch(u -> u.endsWith("MRCONSO.RRF")).anyMatch(u -> u.endsWith("SemGroups.txt"));
        assertThat(manifest.counts()).containsKeys("conceptsPerGroup", "namesPerGroup", "synonymsPerLanguage", "metadata");
        assertThat(manifest.counts().get("synonymsPerLanguage").toString()).contains("en=", "fr=", "de=", "es=");

        KnowledgeBase built = TestData.build("umls-rrf", UmlsRrfReaderTest.RELEASE, UmlsRrfReaderTest.options());
        KnowledgeBase loaded = KbArtifact.load(store, out);
        assertThat(loaded.concepts().keySet()).containsExactlyElementsOf(built.concepts().keySet());
        assertThat(loaded.concept("C0000003")).isEqualTo(built.concept("C0000003").map(c ->
                new Concept(c.code(), c.groups(), c.types(), c.title(), c.synonyms(), c.definitions(), c.altIds(),
                        List.of("UMLS-test"))));
        assertThat(loaded.dictionaries()).isEqualTo(built.dictionaries());
        assertThat(loaded.tfidf().documentFrequency()).isEqualTo(built.tfidf().documentFrequency());
        assertThat(loaded.linker().topK("aspirin", null, 1).get(0).code()).isEqualTo("C0000003");
        assertThat(loaded.metadata()).containsKey("metadata").containsKey("resolution");
    }

    @Test
    void aFailedBuildLeavesNoArtifact() throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "D001||Fine\n" + "broken line\n");
        String out = TestData.uri(dir.resolve("out")) + "/";
        FolderStore store = new FolderStore();
        assertThatThrownBy(() -> new KbBuild(store, u -> store, quiet)
                .run(List.of(new KbBuild.Source(TestData.uri(bad), "dnorm", "bad")), KbOptions.defaults(), Map.of(), out))
                .isInstanceOf(UserError.class).hasMessageContaining("bad.txt:2: field ids||names");
        assertThat(store.manifest(out)).isEmpty();
        assertThat(dir.resolve("out")).doesNotExist();

        Map<String, Object> lenient = new KbBuild(store, u -> store, quiet).run(
                List.of(new KbBuild.Source(TestData.uri(bad), "dnorm", "bad")), KbOptions.defaults().withLenient(true),
                Map.of(), out);
        assertThat(lenient).containsEntry("concepts", 1).containsEntry("skippedLines", 1L);
        assertThat(store.manifest(out).orElseThrow().counts().get("skippedExamples"))
                .asList().singleElement().asString().contains("bad.txt:2: field ids||names");
    }

    @Test
    void loadingSomethingElseIsAUserError() throws IOException {
        FolderStore store = new FolderStore();
        String out = TestData.uri(dir.resolve("other")) + "/";
        try (var w = store.create(out)) {
            w.publish("evaluation", Map.of(), List.of());
        }
        assertThatThrownBy(() -> KbArtifact.load(store, out)).isInstanceOf(UserError.class)
                .hasMessageContaining("a evaluation artifact, not a knowledge-base");
        assertThatThrownBy(() -> KbArtifact.load(store, TestData.uri(dir.resolve("none")) + "/"))
                .hasMessageContaining("no manifest.json");
    }
}
