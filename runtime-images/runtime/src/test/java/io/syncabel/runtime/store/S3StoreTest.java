package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract and the S3-only behaviour (multipart, retries, outages) against a real S3 server. */
class S3StoreTest extends ArtifactStoreContractTest {
    private static final int PART = S3Config.MIN_PART_SIZE;
    private static final AtomicInteger ROOTS = new AtomicInteger();

    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    /** Counts the waits between retries instead of waiting. */
    private final AtomicInteger sleeps = new AtomicInteger();
    private final RetryPolicy fastRetries = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40),
            duration -> sleeps.incrementAndGet());

    @Override
    ArtifactStore newStore() {
        return new S3Store(S3.server().config(PART), fastRetries);
    }

    @Override
    String newRoot() {
        return "s3://" + S3ProxyExtension.BUCKET + "/t" + ROOTS.incrementAndGet() + "/";
    }

    @Override
    void overwrite(String uri, byte[] content) throws Exception {
        S3Location location = S3Location.parse(uri);
        S3.admin().putObject(PutObjectArgs.builder().bucket(location.bucket()).object(location.key())
                .stream(new ByteArrayInputStream(content), content.length, -1).build());
    }

    @Test
    void aLargeFileIsUploadedInPartsAndVerifies() throws Exception {
        byte[] data = randomBytes(2 * PART + 3 * 1024 * 1024, 1); // 13 MiB: two full parts and a short last one
        Manifest manifest;
        try (ArtifactWriter writer = store.create(prefix())) {
            try (OutputStream out = writer.file("model.bin")) {
                writeInChunks(out, data, 0, PART - 5);
                for (int i = PART - 5; i < PART + 5; i++) {
                    out.write(data[i]); // single bytes across the first part boundary
                }
                writeInChunks(out, data, PART + 5, data.length);
            }
            manifest = writer.publish("model", Map.of(), List.of());
        }
        assertThat(manifest.file("model.bin").size()).isEqualTo(data.length);
        assertThat(manifest.file("model.bin").sha256()).isEqualTo(sha256(data));
        String etag = S3.admin().statObject(StatObjectArgs.builder().bucket(S3ProxyExtension.BUCKET)
                .object(S3Location.parse(StoreUris.join(prefix(), "model.bin")).key()).build()).etag();
        assertThat(etag).as("an S3 multipart ETag ends in -<parts>").endsWith("-3");
        try (InputStream in = store.openVerified(prefix(), "model.bin")) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(data));
        }
        assertThat(sleeps).hasValue(0);
    }

    @Test
    void theServerStoppedMidUploadLeavesNoArtifactAndTheRetriedStageCompletes() throws Exception {
        byte[] data = randomBytes(2 * PART + 1024 * 1024, 2);
        String file = StoreUris.join(prefix(), "model.bin");
        try (ArtifactWriter writer = store.create(prefix())) {
            OutputStream out = writer.file("model.bin");
            writeInChunks(out, data, 0, PART + 1024); // part 1 is sent once its last byte is known not to be the end
            S3.server().stop();
            assertThatThrownBy(() -> {
                try (out) {
                    writeInChunks(out, data, PART + 1024, data.length);
                }
            }).isInstanceOf(StoreException.class)
                    .hasMessageContaining("S3 upload part 2 of " + file + " failed after 3 attempts")
                    .hasMessageContaining("is the S3 endpoint up and reachable?")
                    .hasMessageNotContaining(S3ProxyServer.SECRET_KEY);
            assertThatThrownBy(() -> writer.publish("model", Map.of(), List.of()))
                    .hasMessageContaining("the upload of model.bin failed");
        } // the best-effort cleanup cannot reach the server either; it only logs
        S3.server().start();
        assertThat(store.manifest(prefix())).isEmpty();

        try (ArtifactWriter writer = store.create(prefix())) {
            try (OutputStream out = writer.file("model.bin")) {
                writeInChunks(out, data, 0, data.length);
            }
            writer.publish("model", Map.of(), List.of());
        }
        try (InputStream in = store.openVerified(prefix(), "model.bin")) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(data));
        }
        assertThat(store.list(prefix())).containsExactly(StoreUris.join(prefix(), Manifest.FILE_NAME), file);
    }

    @Test
    void aShortOutageIsRiddenOutByRetries() throws Exception {
        RetryPolicy restartOnFirstWait = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40), duration -> {
            if (sleeps.getAndIncrement() == 0) {
                restart();
            }
        });
        try (S3Store patient = new S3Store(S3.server().config(PART), restartOnFirstWait)) {
            patient.writeProgress(prefix(), "{\"done\":0}"); // leaves a pooled connection that the outage breaks
            S3.server().stop();
            patient.writeProgress(prefix(), "{\"done\":1}");
            try (InputStream in = patient.open(StoreUris.join(prefix(), Manifest.PROGRESS_FILE))) {
                assertThat(in.readAllBytes()).isEqualTo(utf8("{\"done\":1}"));
            }
        }
        assertThat(sleeps).as("one failed attempt, one wait (the restart), then success").hasValue(1);
    }

    @Test
    void wrongCredentialsFailAtOnceWithAHintAndNoSecret() throws IOException {
        S3Config good = S3.server().config(PART);
        S3Config wrong = new S3Config(good.endpoint(), good.region(), true, null, good.accessKey(), "not-the-secret", PART);
        try (S3Store bad = new S3Store(wrong, fastRetries)) {
            assertThatThrownBy(() -> bad.list(prefix())).isInstanceOf(StoreException.class)
                    .hasMessageContaining("S3 LIST " + prefix() + " failed: SignatureDoesNotMatch")
                    .hasMessageContaining("check the store credentials")
                    .hasMessageNotContaining("not-the-secret");
        }
        assertThat(sleeps).as("an authentication failure is not retried").hasValue(0);
    }

    @Test
    void anUnreachableEndpointIsRetriedAFewTimesThenNamed() throws IOException {
        S3Config nowhere = new S3Config("http://127.0.0.1:1", "us-east-1", true, null, "a", "b", PART);
        try (S3Store store = new S3Store(nowhere, fastRetries)) {
            assertThatThrownBy(() -> store.manifest("s3://bucket/kb/1/")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("S3 GET s3://bucket/kb/1/manifest.json failed after 3 attempts");
        }
        assertThat(sleeps).hasValue(2);
    }

    @Test
    void closingTheStoreStopsTheHttpThreads() throws Exception {
        Set<Thread> before = okHttpThreads();
        Set<Thread> started = new HashSet<>();
        try (S3Store other = new S3Store(S3.server().config(PART), fastRetries)) {
            other.writeProgress(prefix(), "{}");
            started.addAll(okHttpThreads());
            started.removeAll(before);
            assertThat(started).as("the async client runs its calls on OkHttp threads").isNotEmpty();
        }
        // OkHttp's dispatcher threads are not daemons: left running they hold a finished stage's JVM for a minute
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (started.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(started).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
    }

    private static Set<Thread> okHttpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().startsWith("OkHttp")).collect(Collectors.toSet());
    }

    @Test
    void aPrefixMustBeInsideTheBucket() {
        assertThatThrownBy(() -> store.delete("s3://" + S3ProxyExtension.BUCKET + "/"))
                .hasMessageContaining("needs a path inside the bucket");
    }

    private static void restart() {
        try {
            S3.server().start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes in uneven chunks, as a serializer would, so part boundaries fall inside a write. */
    private static void writeInChunks(OutputStream out, byte[] data, int from, int to) throws IOException {
        for (int i = from; i < to; ) {
            int n = Math.min(to - i, 700_001);
            out.write(data, i, n);
            i += n;
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
