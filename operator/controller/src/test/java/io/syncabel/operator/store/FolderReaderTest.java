package io.syncabel.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.operator.OperatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderReaderTest {
    @TempDir
    Path dir;

    @Test
    void aFolderRootIsReadAsFiles() throws Exception {
        Path file = Files.createDirectories(dir.resolve("store/team/knowledgebases/kb/1")).resolve("progress.json");
        Files.writeString(file, "{\"done\":1}");
        OperatorSettings folder = OperatorSettings.defaults().withFolderStore("file:" + dir.resolve("store"), null);
        try (StoreReader reader = StoreReader.forSettings(folder, Map.of())) {
            assertThat(reader).isInstanceOf(FolderReader.class);
            assertThat(reader.read("file:" + file)).contains("{\"done\":1}");
            assertThat(reader.read("file://" + file)).contains("{\"done\":1}");
            assertThat(reader.read("file:" + dir.resolve("store/none/progress.json"))).isEmpty();
        }
    }
}
