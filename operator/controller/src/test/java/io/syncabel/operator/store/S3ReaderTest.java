package io.syncabel.operator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.operator.OperatorSettings;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator reads what the runtime writes: progress.json put by the runtime's S3 store into a real S3
 * server (S3Proxy, the jar the runtime module's build copies, run as a child JVM), read back by
 * {@link S3Reader} with the operator's settings and credentials from its environment.
 */
class S3ReaderTest {
    static final String ACCESS = "test-access";
    static final String SECRET = "test-secret";
    @TempDir
    static Path dir;
    static Process s3proxy;
    static String endpoint;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of(System.getProperty("syncabel.repo.root", "../.."), "runtime-images/runtime/target/s3proxy/s3proxy.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "S3Proxy is copied by the runtime module's build: " + jar);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        endpoint = "http://127.0.0.1:" + port;
        Path data = Files.createDirectories(dir.resolve("data/syncabel"));
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n", "s3proxy.endpoint=" + endpoint, "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS, "s3proxy.credential=" + SECRET, "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data.getParent()) + "\n");
        s3proxy = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(), "--properties", conf.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && s3proxy.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("S3Proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (s3proxy != null) {
            s3proxy.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    static OperatorSettings settings() {
        return new OperatorSettings(OperatorSettings.Store.s3("s3://syncabel", Optional.of(endpoint), Optional.of("us-east-1"),
                Optional.of(true), Optional.of("syncabel-store"), "accessKey", "secretKey"), "runtime:test", "IfNotPresent", Optional.empty());
    }

    @Test
    void readsTheProgressTheRuntimeWrote() throws Exception {
        String prefix = "s3://syncabel/team/trainingruns/model/1-0a1b2c3d/";
        String json = "{\"done\":3,\"total\":10,\"message\":\"epoch 3/10\",\"updatedAt\":\"2026-11-27T10:00:00Z\"}";
        try (ArtifactStore runtime = Stores.forUri(prefix, Map.of("SYNCABEL_S3_ENDPOINT", endpoint, "SYNCABEL_S3_REGION", "us-east-1",
                "SYNCABEL_S3_PATH_STYLE", "true", "AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET))) {
            runtime.writeProgress(prefix, json);
        }
        try (StoreReader reader = StoreReader.forSettings(settings(), Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET))) {
            assertThat(reader).isInstanceOf(S3Reader.class);
            assertThat(reader.read(prefix + "progress.json")).contains(json);
            assertThat(reader.read("s3://syncabel/team/trainingruns/model/2/progress.json")).as("no progress yet").isEmpty();
        }
        try (StoreReader wrongKey = StoreReader.forSettings(settings(), Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", "wrong"))) {
            assertThatThrownBy(() -> wrongKey.read(prefix + "progress.json")).isInstanceOf(IOException.class)
                    .hasMessageContaining("S3 GET " + prefix + "progress.json");
        }
    }
}
