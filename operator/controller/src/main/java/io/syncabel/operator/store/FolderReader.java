package io.syncabel.operator.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** A {@code file:} store: objects are files under a folder (file:/abs, file:///abs, file:relative). */
public final class FolderReader implements StoreReader {

    @Override
    public Optional<String> read(String uri) throws IOException {
        try {
            return Optional.of(Files.readString(path(uri), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static Path path(String uri) {
        if (!uri.startsWith("file:")) {
            throw new IllegalArgumentException(uri + ": not a file: URI");
        }
        String path = uri.substring("file:".length());
        return Path.of(path.startsWith("//") ? path.substring(2) : path);
    }
}
