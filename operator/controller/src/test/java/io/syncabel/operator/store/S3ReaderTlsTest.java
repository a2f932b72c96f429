package io.syncabel.operator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.syncabel.operator.OperatorSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store on a private CA (the chart's store.caSecret): the operator reads progress through it only with the CA file. */
class S3ReaderTlsTest {
    @TempDir
    Path dir;

    @Test
    void readsProgressFromAStoreOnAPrivateCaWithItsCaFileAndOnlyThen() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("store-ca").build();
        HeldCertificate server = new HeldCertificate.Builder().signedBy(ca).commonName("127.0.0.1")
                .addSubjectAlternativeName("127.0.0.1").build();
        HandshakeCertificates serverTls = new HandshakeCertificates.Builder().heldCertificate(server, ca.certificate()).build();
        String json = "{\"done\":3,\"total\":10}";
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls.sslContext()));
        https.createContext("/", exchange -> {
            boolean found = exchange.getRequestURI().getPath().equals("/bucket/team/run/progress.json");
            byte[] body = (found ? json : "<Error><Code>NoSuchKey</Code><Message>none</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", found ? "application/json" : "application/xml");
            exchange.sendResponseHeaders(found ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        try {
            Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
            String endpoint = "https://127.0.0.1:" + https.getAddress().getPort();
            OperatorSettings settings = new OperatorSettings(OperatorSettings.Store.s3("s3://bucket", Optional.of(endpoint),
                    Optional.of("us-east-1"), Optional.of(true), Optional.empty(), "accessKey", "secretKey").withCaSecret("store-ca"),
                    "runtime:test", "IfNotPresent", Optional.empty());
            try (StoreReader reader = StoreReader.forSettings(settings, Map.of("SYNCABEL_STORE_CA_FILE", caFile.toString()))) {
                assertThat(reader.read("s3://bucket/team/run/progress.json")).contains(json);
                assertThat(reader.read("s3://bucket/team/other/progress.json")).isEmpty();
            }
            try (StoreReader untrusting = StoreReader.forSettings(settings, Map.of())) {
                assertThatThrownBy(() -> untrusting.read("s3://bucket/team/run/progress.json")).isInstanceOf(IOException.class);
            }
            // a CA file that holds no certificate: the operator still starts, with the JVM's trust, and says why
            Path empty = Files.writeString(dir.resolve("empty.crt"), "not a certificate\n");
            try (StoreReader fallback = StoreReader.forSettings(settings, Map.of("SYNCABEL_STORE_CA_FILE", empty.toString()))) {
                assertThatThrownBy(() -> fallback.read("s3://bucket/team/run/progress.json")).isInstanceOf(IOException.class);
            }
        } finally {
            https.stop(0);
        }
    }
}
