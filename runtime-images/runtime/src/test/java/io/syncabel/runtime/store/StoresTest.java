package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoresTest {
    @Test
    void theSchemePicksTheStore() throws IOException {
        try (ArtifactStore folder = Stores.forUri("file:/tmp/kb/1/", Map.of())) {
            assertThat(folder).isInstanceOf(FolderStore.class);
        }
        Map<String, String> env = Map.of("SYNCABEL_S3_ENDPOINT", "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID", "a",
                "AWS_SECRET_ACCESS_KEY", "b");
        try (ArtifactStore s3 = Stores.forUri("s3://bucket/kb/1/", env)) {
            assertThat(s3).isInstanceOf(S3Store.class); // built without touching the network: the client is lazy
        }
        assertThatThrownBy(() -> Stores.forUri("gs://bucket/kb/1/", env)).hasMessageContaining("unsupported scheme");
    }

    @Test
    void anS3UriWithoutConfigurationFailsBeforeAnyWork() {
        assertThatThrownBy(() -> Stores.forUri("s3://bucket/kb/1/", Map.of()))
                .isInstanceOf(StoreException.class).hasMessageContaining("SYNCABEL_S3_ENDPOINT is not set");
    }
}
