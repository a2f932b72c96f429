package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store must do alike, whatever is behind it: run for FolderStore and for S3Store. */
abstract class ArtifactStoreContractTest {
    protected ArtifactStore store;
    /** A root no other test writes under, ending in '/'. */
    protected String root;

    /** A store for one test, and a fresh root URI for it. */
    abstract ArtifactStore newStore() throws IOException;

    abstract String newRoot() throws IOException;

    /** Replaces an object behind the store's back (a bit flip on disk, a hand edit in the bucket). */
    abstract void overwrite(String uri, byte[] content) throws Exception;

    @BeforeEach
    void openStore() throws IOException {
        store = newStore();
        root = newRoot();
    }

    @AfterEach
    void closeStore() throws IOException {
        store.close();
    }

    String prefix() {
        return root + "kb/1/";
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    void write(ArtifactWriter writer, String name, String content) throws IOException {
        try (OutputStream out = writer.file(name)) {
            out.write(utf8(content));
        }
    }

    @Test
    void trainingCheckpointsReplaceEachOtherAndOnlyAPublishedOneIsResumed() throws IOException {
        String model = root + "trainingruns/t/1a2b/";
        String prefix = io.syncabel.runtime.model.StoreCheckpoints.prefixFor(model);
        assertThat(prefix).isEqualTo(root + "trainingruns/t/1a2b.checkpoints/");
        var checkpoints = new io.syncabel.runtime.model.StoreCheckpoints(store, prefix,
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        assertThat(checkpoints.latest()).isEmpty();
        checkpoints.save(checkpoint(new io.syncabel.runtime.model.Seq2SeqTrainer.Position(1, 0, 10), "first"));
        checkpoints.save(checkpoint(new io.syncabel.runtime.model.Seq2SeqTrainer.Position(1, 4, 14), "second"));
        // a pod stopped while writing the next one: files without a manifest
        try (OutputStream out = store.create(prefix + "step-0000000018/").file("model.params")) {
            out.write(utf8("half"));
        } catch (IOException | RuntimeException ignored) {
            // a FolderStore writer abandons on close; what matters is that nothing is published
        }
        var latest = checkpoints.latest().orElseThrow();
        assertThat(latest.next()).isEqualTo(new io.syncabel.runtime.model.Seq2SeqTrainer.Position(1, 4, 14));
        assertThat(latest.fingerprint()).isEqualTo("f");
        assertThat(latest.metrics()).containsExactly("{\"epoch\":1}", "second");
        assertThat(latest.weights().readAll()).isEqualTo(utf8("weights second"));
        assertThat(latest.trainerState().readAll()).isEqualTo(utf8("optimiser second"));
        assertThat(latest.bestWeights().readAll()).isEqualTo(utf8("best second"));
        assertThat(latest.bestRecall()).isEqualTo(71.5);
        assertThat(store.list(prefix)).as("the older checkpoint is gone")
                .noneMatch(uri -> uri.contains("/step-0000000010/"));
        assertThat(store.list(model)).as("nothing under the model's own prefix").isEmpty();
        checkpoints.clear();
        assertThat(store.list(prefix)).isEmpty();
        assertThat(checkpoints.latest()).isEmpty();
    }

    private static io.syncabel.runtime.model.TrainingCheckpoint checkpoint(io.syncabel.runtime.model.Seq2SeqTrainer.Position next,
            String tag) {
        return new io.syncabel.runtime.model.TrainingCheckpoint("f", next, 3.5, 71.5, 1, List.of("{\"epoch\":1}", tag),
                io.syncabel.runtime.model.Payload.of(utf8("weights " + tag)), io.syncabel.runtime.model.Payload.of(utf8("optimiser " + tag)),
                io.syncabel.runtime.model.Payload.of(utf8("best " + tag)));
    }

    @Test
    void artifactIsInvisibleUntilPublishedThenVerifiable() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            write(writer, "concepts.jsonl", "{\"code\":\"D001\"}\n");
            write(writer, "index/names.tsv", "asthma\tD001\n");
            assertThat(store.manifest(prefix())).isEmpty();
            assertThatThrownBy(() -> store.openVerified(prefix(), "concepts.jsonl"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("not a published artifact");

            Manifest manifest = writer.publish("knowledge-base", Map.of("concepts", 1),
                    List.of(new Manifest.Input("file:medic.txt", "abc")));
            assertThat(manifest.files()).extracting(Manifest.FileEntry::name)
                    .containsExactly("concepts.jsonl", "index/names.tsv");
            assertThat(manifest.file("concepts.jsonl").size()).isEqualTo(16);
            assertThat(manifest.file("concepts.jsonl").sha256()).isEqualTo(sha256(utf8("{\"code\":\"D001\"}\n")));
            assertThat(store.manifest(prefix())).contains(manifest);
            try (InputStream in = store.openVerified(prefix(), "index/names.tsv")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("asthma\tD001\n");
            }
        }
    }

    @Test
    void aCorruptedFileFailsVerification() throws Exception {
        try (ArtifactWriter writer = store.create(prefix())) {
            write(writer, "names.tsv", "a\tb\n");
            writer.publish("knowledge-base", Map.of(), List.of());
        }
        overwrite(StoreUris.join(prefix(), "names.tsv"), utf8("a\tc\n"));
        try (InputStream in = store.openVerified(prefix(), "names.tsv")) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(StoreException.class)
                    .hasMessageContaining(StoreUris.join(prefix(), "names.tsv")).hasMessageContaining("checksum mismatch");
        }
    }

    @Test
    void anAbandonedWriteLeavesNothing() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            write(writer, "x.bin", "partial");
            assertThat(store.list(prefix())).hasSize(1);
        }
        assertThat(store.list(prefix())).isEmpty();
        assertThat(store.manifest(prefix())).isEmpty();
    }

    @Test
    void publishedArtifactsAreImmutable() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            write(writer, "a.txt", "a");
            writer.publish("knowledge-base", Map.of(), List.of());
            assertThatThrownBy(() -> writer.file("b.txt")).hasMessageContaining("already published");
        }
        assertThatThrownBy(() -> store.create(prefix())).isInstanceOf(StoreException.class)
                .hasMessageContaining("immutable");
        assertThat(store.list(prefix())).containsExactly(StoreUris.join(prefix(), "a.txt"),
                StoreUris.join(prefix(), Manifest.FILE_NAME));
    }

    @Test
    void createClearsTheLeftoversOfAnInterruptedRun() throws Exception {
        overwrite(StoreUris.join(prefix(), "stale/part-0.bin"), utf8("from a run that died"));
        try (ArtifactWriter writer = store.create(prefix())) {
            assertThat(store.list(prefix())).isEmpty();
            write(writer, "fresh.txt", "fresh");
            writer.publish("knowledge-base", Map.of(), List.of());
        }
        assertThat(store.list(prefix())).containsExactly(StoreUris.join(prefix(), "fresh.txt"),
                StoreUris.join(prefix(), Manifest.FILE_NAME));
    }

    @Test
    void publishingWithAnOpenFileIsRefused() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            OutputStream out = writer.file("open.bin");
            assertThatThrownBy(() -> writer.publish("k", Map.of(), List.of())).hasMessageContaining("still open");
            out.close();
            assertThat(writer.publish("k", Map.of(), List.of()).files()).extracting(Manifest.FileEntry::name)
                    .containsExactly("open.bin");
        }
    }

    @Test
    void badFileNamesAreRefused() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            for (String name : List.of("", "/abs", "../escape", Manifest.FILE_NAME)) {
                assertThatThrownBy(() -> writer.file(name)).as(name).hasMessageContaining("invalid artifact file name");
            }
        }
    }

    @Test
    void listIsSortedAndStaysInsideThePrefix() throws IOException {
        for (String generation : List.of("1", "10")) {
            try (ArtifactWriter writer = store.create(root + "kb/" + generation + "/")) {
                write(writer, "b.txt", "b");
                write(writer, "a/z.txt", "z");
                writer.publish("knowledge-base", Map.of(), List.of());
            }
        }
        String prefix = root + "kb/1/";
        List<String> expected = List.of(prefix + "a/z.txt", prefix + "b.txt", prefix + Manifest.FILE_NAME);
        assertThat(store.list(prefix)).containsExactlyElementsOf(expected);
        assertThat(store.list(root + "kb/1")).containsExactlyElementsOf(expected);
        assertThat(store.list(root + "kb/2/")).isEmpty();
    }

    @Test
    void progressIsOverwrittenAndIsNotPartOfTheArtifact() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            store.writeProgress(prefix(), "{\"done\":1,\"total\":2}");
            store.writeProgress(prefix(), "{\"done\":2,\"total\":2}");
            try (InputStream in = store.open(StoreUris.join(prefix(), Manifest.PROGRESS_FILE))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"done\":2,\"total\":2}");
            }
            write(writer, "a.txt", "a");
            assertThat(writer.publish("k", Map.of(), List.of()).files()).extracting(Manifest.FileEntry::name)
                    .containsExactly("a.txt");
        }
    }

    @Test
    void deleteRemovesTheWholeArtifact() throws IOException {
        try (ArtifactWriter writer = store.create(prefix())) {
            write(writer, "a/b/c.txt", "c");
            writer.publish("k", Map.of(), List.of());
        }
        store.delete(prefix());
        assertThat(store.list(prefix())).isEmpty();
        assertThat(store.manifest(prefix())).isEmpty();
        store.delete(prefix()); // deleting what is gone is not an error (artifactPolicy: Delete may run twice)
    }

    @Test
    void openingAMissingObjectNamesIt() {
        String uri = root + "nowhere/terms.tsv";
        assertThatThrownBy(() -> store.open(uri)).isInstanceOf(StoreException.class).hasMessageContaining(uri);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(HashingOutputStream.sha256Digest().digest(bytes));
    }
}
