package io.syncabel.runtime.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Override
    void overwrite(String uri, byte[] content) throws IOException {
        Path path = StoreUris.toPath(uri);
        Files.createDirectories(path.getParent());
        Files.write(path, content);
    }
}
