package io.syncabel.runtime.store;

import static io.syncabel.runtime.store.S3Calls.await;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.syncabel.runtime.Json;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts in an S3 bucket (AWS S3, MinIO, Ceph...): {@code s3://bucket/prefix/}. S3 has no rename, so
 * atomicity comes from ordering: every file is uploaded completely (an object appears whole or not at all)
 * before manifest.json, and readers go through the manifest. The MinIO client is built on first use, so a
 * store that is never used opens no connections and starts no threads.
 */
public final class S3Store implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);
    /** The most keys one DeleteObjects request may name. */
    private static final int DELETE_BATCH = 1000;
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject");

    private final S3Config config;
    private final S3Calls calls;
    private MinioAsyncClient client;
    private boolean closed;

    public S3Store(S3Config config) {
        this(config, RetryPolicy.DEFAULT);
    }

    public S3Store(S3Config config, RetryPolicy retries) {
        this.config = config;
        this.calls = new S3Calls(retries);
    }

    /** The store configured by the pod's environment (see {@link S3Config#fromEnv}). */
    public static S3Store fromEnv() {
        return new S3Store(S3Config.fromEnv(System.getenv()));
    }

    @Override
    public InputStream open(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        return get(location).orElseThrow(() -> new StoreException(uri + ": no such object"));
    }

    @Override
    public ArtifactWriter create(String prefixUri) throws IOException {
        S3Location prefix = S3Location.prefix(prefixUri);
        if (exists(prefix.child(Manifest.FILE_NAME))) {
            throw new StoreException(prefix.uri() + " is already published; artifacts are immutable");
        }
        delete(prefix.uri()); // leftovers of an interrupted run are never part of an artifact
        return new Writer(prefix);
    }

    @Override
    public Optional<Manifest> manifest(String prefixUri) throws IOException {
        Optional<InputStream> in = get(S3Location.prefix(prefixUri).child(Manifest.FILE_NAME));
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            return Optional.of(Json.MAPPER.readValue(stream, Manifest.class));
        }
    }

    @Override
    public InputStream openVerified(String prefixUri, String file) throws IOException {
        S3Location prefix = S3Location.prefix(prefixUri);
        Manifest manifest = manifest(prefixUri)
                .orElseThrow(() -> new StoreException(prefix.uri() + " is not a published artifact (no manifest.json)"));
        Manifest.FileEntry entry = manifest.file(file);
        S3Location location = prefix.child(file);
        InputStream in = get(location).orElseThrow(() -> new StoreException(location.uri()
                + ": listed in the manifest but missing from the bucket (deleted by hand or by a lifecycle rule?)"));
        return new VerifyingInputStream(in, location.uri(), entry);
    }

    @Override
    public List<String> list(String prefixUri) throws IOException {
        S3Location prefix = S3Location.prefix(prefixUri);
        return keys(prefix).stream().map(key -> new S3Location(prefix.bucket(), key).uri()).sorted().toList();
    }

    @Override
    public void writeProgress(String prefixUri, String json) throws IOException {
        put(S3Location.prefix(prefixUri).child(Manifest.PROGRESS_FILE), json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void delete(String prefixUri) throws IOException {
        S3Location prefix = S3Location.prefix(prefixUri);
        List<String> keys = keys(prefix);
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<DeleteObject> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(DeleteObject::new).toList();
            calls.call("DELETE", prefix.uri(), () -> {
                for (Result<DeleteError> result : client().removeObjects(RemoveObjectsArgs.builder()
                        .bucket(prefix.bucket()).objects(batch).build())) {
                    DeleteError error = result.get();
                    if (!isNotFound(error.code())) {
                        throw new StoreException("S3 DELETE s3://" + prefix.bucket() + "/" + error.objectName()
                                + " failed: " + error.code() + ": " + error.message());
                    }
                }
                return null;
            });
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                throw new IOException("closing the S3 client failed: " + e.getMessage(), e);
            } finally {
                client = null;
            }
        }
    }

    @Override
    public String toString() {
        return "S3Store[" + config + "]";
    }

    private synchronized MinioAsyncClient client() {
        if (closed) {
            throw new StoreException("the S3 store is closed");
        }
        if (client == null) {
            client = S3Clients.create(config);
        }
        return client;
    }

    private Optional<InputStream> get(S3Location location) throws IOException {
        return calls.call("GET", location.uri(), () -> {
            try {
                return Optional.of(await(client().getObject(GetObjectArgs.builder()
                        .bucket(location.bucket()).object(location.key()).build())));
            } catch (Exception e) {
                if (isNotFound(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    private static boolean isNotFound(Exception e) {
        return isNotFound(S3Calls.errorCode(e));
    }

    private static boolean isNotFound(String errorCode) {
        return errorCode != null && NOT_FOUND.contains(errorCode);
    }

    private boolean exists(S3Location location) throws IOException {
        return calls.call("HEAD", location.uri(), () -> {
            try {
                await(client().statObject(StatObjectArgs.builder().bucket(location.bucket()).object(location.key()).build()));
                return true;
            } catch (Exception e) {
                if (isNotFound(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    private void put(S3Location location, byte[] bytes) throws IOException {
        calls.call("PUT", location.uri(), () -> await(client().putObject(PutObjectArgs.builder()
                .bucket(location.bucket()).object(location.key())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build())));
    }

    /** Every key under the prefix (recursive), read in full before returning so a retry restarts the listing. */
    private List<String> keys(S3Location prefix) throws IOException {
        return calls.call("LIST", prefix.uri(), () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> result : client().listObjects(ListObjectsArgs.builder()
                    .bucket(prefix.bucket()).prefix(prefix.key()).recursive(true).build())) {
                keys.add(result.get().objectName());
            }
            return keys;
        });
    }

    private final class Writer implements ArtifactWriter {
        private final S3Location prefix;
        private final List<Manifest.FileEntry> files = new ArrayList<>();
        private final List<String> failed = new ArrayList<>();
        private final List<S3ObjectOutputStream> streams = new ArrayList<>();
        private int open;
        private boolean published;

        Writer(S3Location prefix) {
            this.prefix = prefix;
        }

        @Override
        public synchronized OutputStream file(String name) throws IOException {
            if (published) {
                throw new StoreException("artifact " + prefix.uri() + " is already published");
            }
            StoreUris.checkRelativeName(name);
            S3ObjectOutputStream upload = new S3ObjectOutputStream(client(), calls, prefix.child(name), config.partSize());
            streams.add(upload);
            open++;
            HashingOutputStream hashing = new HashingOutputStream(upload);
            return new FilterOutputStream(hashing) {
                private boolean closed;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        hashing.close();
                    } finally {
                        synchronized (Writer.this) {
                            open--;
                            if (upload.failed()) {
                                failed.add(name);
                            } else {
                                files.add(new Manifest.FileEntry(name, hashing.size(), hashing.sha256()));
                            }
                        }
                    }
                }
            };
        }

        @Override
        public synchronized Manifest publish(String kind, Map<String, Object> counts, List<Manifest.Input> inputs)
                throws IOException {
            if (published) {
                throw new StoreException("artifact " + prefix.uri() + " is already published");
            }
            if (!failed.isEmpty()) {
                throw new StoreException("cannot publish " + prefix.uri() + ": the upload of " + String.join(", ", failed)
                        + " failed; rerun the stage");
            }
            if (open > 0) {
                throw new StoreException(open + " file(s) of " + prefix.uri() + " are still open; close them before publishing");
            }
            List<Manifest.FileEntry> sorted = new ArrayList<>(files);
            sorted.sort(Comparator.comparing(Manifest.FileEntry::name));
            Manifest manifest = new Manifest(1, kind, ToolVersion.get(), Instant.now().toString(), sorted, counts, inputs);
            put(prefix.child(Manifest.FILE_NAME), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            published = true;
            return manifest;
        }

        @Override
        public synchronized void close() {
            if (published) {
                return;
            }
            streams.forEach(S3ObjectOutputStream::abort);
            try {
                delete(prefix.uri());
            } catch (IOException | StoreException e) {
                // invisible anyway (no manifest); the next create() on this prefix clears it
                LOG.warn("could not remove the unpublished files under {}: {}", prefix.uri(), e.getMessage());
            }
        }
    }
}
