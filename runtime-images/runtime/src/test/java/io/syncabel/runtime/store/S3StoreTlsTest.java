package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SYNCABEL_S3_CA_FILE: an HTTPS endpoint whose certificate only the given PEM file vouches for. */
class S3StoreTlsTest {
    private static Path work;
    private static Path caFile;
    private static S3ProxyServer server;

    private final AtomicInteger sleeps = new AtomicInteger();
    private final RetryPolicy fastRetries = new RetryPolicy(3, Duration.ZERO, Duration.ZERO, d -> sleeps.incrementAndGet());

    @BeforeAll
    static void startHttpsServer() throws Exception {
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "s3proxy-tests").toAbsolutePath()), "tls");
        Path keystore = work.resolve("server.p12");
        caFile = work.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "s3", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", S3ProxyServer.KEYSTORE_PASSWORD);
        writePem(keystore, caFile); // in process: a second keytool JVM costs a second on a busy machine
        server = new S3ProxyServer(work, keystore);
        server.start();
        try (MinioAsyncClient admin = S3Clients.create(config(caFile))) {
            admin.makeBucket(MakeBucketArgs.builder().bucket("tls").build()).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
            FolderStore.deleteTree(server.dataDir());
        }
    }

    private static S3Config config(Path ca) {
        S3Config plain = server.config(S3Config.MIN_PART_SIZE);
        return new S3Config(plain.endpoint(), plain.region(), true, ca, plain.accessKey(), plain.secretKey(),
                plain.partSize());
    }

    @Test
    void theStoreTrustsTheCaFileItIsGiven() throws IOException {
        assertThat(server.endpoint()).startsWith("https://");
        try (S3Store store = new S3Store(config(caFile), fastRetries)) {
            try (ArtifactWriter writer = store.create("s3://tls/kb/1/")) {
                try (OutputStream out = writer.file("concepts.jsonl")) {
                    out.write("{}\n".getBytes(StandardCharsets.UTF_8));
                }
                writer.publish("knowledge-base", Map.of(), List.of());
            }
            try (InputStream in = store.openVerified("s3://tls/kb/1/", "concepts.jsonl")) {
                assertThat(in.readAllBytes()).hasSize(3);
            }
        }
        assertThat(sleeps).hasValue(0);
    }

    @Test
    void withoutTheCaFileTheCertificateIsRefusedAtOnceWithAHint() throws IOException {
        try (S3Store store = new S3Store(config(null), fastRetries)) {
            assertThatThrownBy(() -> store.list("s3://tls/kb/1/")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("S3 LIST s3://tls/kb/1/ failed: SSLHandshakeException")
                    .hasMessageContaining("set SYNCABEL_S3_CA_FILE");
        }
        assertThat(sleeps).as("an untrusted certificate is not retried").hasValue(0);
    }

    private static void writePem(Path keystore, Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, S3ProxyServer.KEYSTORE_PASSWORD.toCharArray());
        }
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(store.getCertificate("s3").getEncoded());
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}
