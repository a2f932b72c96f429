package io.syncabel.runtime.store;

import io.syncabel.runtime.Json;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The embedded default: a folder per artifact, manifest.json moved into place atomically, last. */
public final class FolderStore implements ArtifactStore {

    @Override
    public InputStream open(String uri) throws IOException {
        Path path = StoreUris.toPath(uri);
        if (Files.isDirectory(path)) {
            throw new StoreException(uri + ": a folder, not a file");
        }
        if (!Files.isRegularFile(path)) {
            throw new StoreException(uri + ": no such file");
        }
        return Files.newInputStream(path);
    }

    @Override
    public ArtifactWriter create(String prefixUri) throws IOException {
        Path dir = StoreUris.toPath(prefixUri);
        if (Files.exists(dir.resolve(Manifest.FILE_NAME))) {
            throw new StoreException(prefixUri + " is already published; artifacts are immutable");
        }
        deleteTree(dir); // leftovers of an interrupted run are never part of an artifact
        Files.createDirectories(dir);
        return new Writer(dir);
    }

    @Override
    public Optional<Manifest> manifest(String prefixUri) throws IOException {
        Path file = StoreUris.toPath(prefixUri).resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.MAPPER.readValue(file.toFile(), Manifest.class));
    }

    @Override
    public InputStream openVerified(String prefixUri, String file) throws IOException {
        Manifest manifest = manifest(prefixUri)
                .orElseThrow(() -> new StoreException(prefixUri + " is not a published artifact (no manifest.json)"));
        Manifest.FileEntry entry = manifest.file(file);
        return new VerifyingInputStream(Files.newInputStream(StoreUris.toPath(prefixUri).resolve(file)),
                StoreUris.join(prefixUri, file), entry);
    }

    @Override
    public List<String> list(String prefixUri) throws IOException {
        Path dir = StoreUris.toPath(prefixUri);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> StoreUris.join(prefixUri, dir.relativize(p).toString()))
                    .sorted().toList();
        }
    }

    @Override
    public void writeProgress(String prefixUri, String json) throws IOException {
        Path dir = StoreUris.toPath(prefixUri);
        Files.createDirectories(dir);
        Path tmp = newTempFile(dir, ".progress");
        Files.writeString(tmp, json);
        moveAtomically(tmp, dir.resolve(Manifest.PROGRESS_FILE));
    }

    @Override
    public void delete(String prefixUri) throws IOException {
        deleteTree(StoreUris.toPath(prefixUri));
    }

    @Override
    public void close() {
    }

    /** Removes a folder and everything in it (nothing when it is absent). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A new empty file in {@code dir}, to be written then moved into place, created as data files are (the mode
     * the umask gives, 0644 usually): {@code Files.createTempFile} makes 0600, so manifest.json and progress.json
     * would differ from the files they describe.
     */
    public static Path newTempFile(Path dir, String prefix) throws IOException {
        while (true) {
            Path candidate = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static final class Writer implements ArtifactWriter {
        private final Path dir;
        private final List<Manifest.FileEntry> files = new ArrayList<>();
        private int open;
        private boolean published;

        Writer(Path dir) {
            this.dir = dir;
        }

        @Override
        public OutputStream file(String name) throws IOException {
            if (published) {
                throw new StoreException("artifact " + dir + " is already published");
            }
            StoreUris.checkRelativeName(name);
            Path path = dir.resolve(name);
            Files.createDirectories(path.getParent());
            open++;
            HashingOutputStream hashing = new HashingOutputStream(Files.newOutputStream(path));
            return new FilterOutputStream(hashing) {
                private boolean closed;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    if (!closed) {
                        closed = true;
                        super.close();
                        synchronized (Writer.this) {
                            files.add(new Manifest.FileEntry(name, hashing.size(), hashing.sha256()));
                            open--;
                        }
                    }
                }
            };
        }

        @Override
        public synchronized Manifest publish(String kind, Map<String, Object> counts, List<Manifest.Input> inputs)
                throws IOException {
            if (open > 0) {
                throw new StoreException(open + " file(s) of " + dir + " are still open; close them before publishing");
            }
            List<Manifest.FileEntry> sorted = new ArrayList<>(files);
            sorted.sort(Comparator.comparing(Manifest.FileEntry::name));
            Manifest manifest = new Manifest(1, kind, ToolVersion.get(), Instant.now().toString(), sorted, counts, inputs);
            Path tmp = newTempFile(dir, ".manifest");
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), manifest);
            moveAtomically(tmp, dir.resolve(Manifest.FILE_NAME));
            published = true;
            return manifest;
        }

        @Override
        public void close() throws IOException {
            if (!published) {
                deleteTree(dir);
            }
        }
    }
}
