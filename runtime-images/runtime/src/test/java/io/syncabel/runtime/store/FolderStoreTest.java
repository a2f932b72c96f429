package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderStoreTest {
    @TempDir
    Path dir;

    String prefix() {
        return "file:" + dir.resolve("kb/1") + "/";
    }

    @Test
    void artifactIsInvisibleUntilPublishedThenVerifiable() throws IOException {
        try (ArtifactStore store = new FolderStore(); ArtifactWriter writer = store.create(prefix())) {
            try (OutputStream out = writer.file("concepts.jsonl")) {
                out.write("{\"code\":\"D001\"}\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(store.manifest(prefix())).isEmpty();
            Manifest manifest = writer.publish("knowledge-base", Map.of("concepts", 1),
                    List.of(new Manifest.Input("file:medic.txt", "abc")));
            assertThat(manifest.files()).singleElement().satisfies(f -> {
                assertThat(f.name()).isEqualTo("concepts.jsonl");
                assertThat(f.size()).isEqualTo(16);
                assertThat(f.sha256()).hasSize(64);
            });
            assertThat(store.manifest(prefix())).contains(manifest);
            try (InputStream in = store.openVerified(prefix(), "concepts.jsonl")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"code\":\"D001\"}\n");
            }
        }
    }

    @Test
    void aCorruptedFileFailsVerification() throws IOException {
        try (ArtifactStore store = new FolderStore(); ArtifactWriter writer = store.create(prefix())) {
            try (OutputStream out = writer.file("names.tsv")) {
                out.write("a\tb\n".getBytes(StandardCharsets.UTF_8));
            }
            writer.publish("knowledge-base", Map.of(), List.of());
            Files.writeString(dir.resolve("kb/1/names.tsv"), "a\tc\n");
            try (InputStream in = store.openVerified(prefix(), "names.tsv")) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(StoreException.class)
                        .hasMessageContaining("names.tsv").hasMessageContaining("checksum mismatch");
            }
        }
    }

    @Test
    void anAbandonedWriteLeavesNothingAndPublishedArtifactsAreImmutable() throws IOException {
        try (ArtifactStore store = new FolderStore()) {
            try (ArtifactWriter writer = store.create(prefix()); OutputStream out = writer.file("x.bin")) {
                out.write(1);
            }
            assertThat(store.list(prefix())).isEmpty();
            assertThat(store.manifest(prefix())).isEmpty();

            try (ArtifactWriter writer = store.create(prefix())) {
                writer.publish("knowledge-base", Map.of(), List.of());
            }
            assertThatThrownBy(() -> store.create(prefix())).isInstanceOf(StoreException.class)
                    .hasMessageContaining("immutable");
        }
    }

    @Test
    void publishingWithAnOpenFileIsRefused() throws IOException {
        try (ArtifactStore store = new FolderStore(); ArtifactWriter writer = store.create(prefix())) {
            OutputStream out = writer.file("open.bin");
            assertThatThrownBy(() -> writer.publish("k", Map.of(), List.of())).hasMessageContaining("still open");
            out.close();
        }
    }
}
