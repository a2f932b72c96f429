package io.syncabel.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.text.UserError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `run --store` takes a plain folder, as the README says, besides file: and s3:// URIs. */
class StoreRootTest {

    @Test
    void aPlainFolderIsAFileStore() {
        assertThat(LocalRun.storeRoot("target/other-store"))
                .isEqualTo("file:" + Path.of("target/other-store").toAbsolutePath().normalize() + "/");
        assertThat(LocalRun.storeRoot("file:/tmp/s")).isEqualTo("file:/tmp/s/");
        assertThat(LocalRun.storeRoot("s3://bucket/root")).isEqualTo("s3://bucket/root/");
        assertThatThrownBy(() -> LocalRun.storeRoot("gs://bucket")).isInstanceOf(UserError.class)
                .hasMessageContaining("expected a folder path, a file: or an s3:// URI");
    }
}
