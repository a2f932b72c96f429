package io.syncabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A clone without the public data sets: its data tests are skipped locally and fail in CI. */
class TestDataTest {
    @TempDir
    Path dir;

    @Test
    void dataLocationIsOneSettingDefaultingToSharedBesideTheRepository() {
        Path repo = dir.resolve("repo");
        assertThat(TestData.dataRoot(null, repo)).isEqualTo(dir.resolve("shared/data"));
        assertThat(TestData.dataRoot(" ", repo)).isEqualTo(dir.resolve("shared/data"));
        assertThat(TestData.dataRoot("elsewhere/data", repo)).isEqualTo(repo.resolve("elsewhere/data"));
        assertThat(TestData.dataRoot("/srv/data", repo)).isEqualTo(Path.of("/srv/data"));
    }

    @Test
    void absentDataSkipsTheTestNamingTheFetchScript() {
        Path absent = dir.resolve("no-data/ncbi-disease");
        assertThatThrownBy(() -> TestData.requirePresent(absent, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining("tools/fetch-data.sh");
    }

    @Test
    void absentDataFailsUnderCi() {
        Path absent = dir.resolve("no-data/ncbi-disease");
        assertThatThrownBy(() -> TestData.requirePresent(absent, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("tools/fetch-data.sh")
                .hasMessageContaining("CI=true");
    }

    @Test
    void presentDataIsReturned() throws Exception {
        Path present = Files.createDirectories(dir.resolve("data/ncbi-disease"));
        assertThat(TestData.requirePresent(present, true)).isEqualTo(present);
        assertThat(TestData.requirePresent(present, false)).isEqualTo(present);
    }
}
