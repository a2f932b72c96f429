package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderStoreTest extends ArtifactStoreContractTest {
    @TempDir
    Path dir;

    @Override
    ArtifactStore newStore() {
        return new FolderStore();
    }

    @Override
    String newRoot() {
        return "file:" + dir + "/";
    }

    @Test
    void manifestAndProgressHaveTheModeOfTheDataFiles() throws IOException {
        String prefix = newRoot() + "modes/";
        FolderStore store = new FolderStore();
        store.writeProgress(prefix, "{\"done\":0}");
        try (ArtifactWriter w = store.create(prefix)) {
            try (OutputStream out = w.file("data.tsv")) {
                out.write("a\tb\n".getBytes());
            }
            store.writeProgress(prefix, "{\"done\":1}");
            w.publish("test", Map.of(), List.of());
        }
        Path folder = StoreUris.toPath(prefix);
        var dataMode = Files.getPosixFilePermissions(folder.resolve("data.tsv"));
        assertThat(Files.getPosixFilePermissions(folder.resolve(Manifest.FILE_NAME))).isEqualTo(dataMode);
        assertThat(Files.getPosixFilePermissions(folder.resolve(Manifest.PROGRESS_FILE))).isEqualTo(dataMode);
    }

    @Override
    void overwrite(String uri, byte[] content) throws IOException {
        Path path = StoreUris.toPath(uri);
        Files.createDirectories(path.getParent());
        Files.write(path, content);
    }
}
