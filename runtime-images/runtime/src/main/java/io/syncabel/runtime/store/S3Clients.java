package io.syncabel.runtime.store;

import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;

/** Builds the MinIO client for an {@link S3Config}. */
final class S3Clients {
    private S3Clients() {
    }

    static MinioAsyncClient create(S3Config config) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(15))
                .readTimeout(Duration.ofMinutes(2))
                .writeTimeout(Duration.ofMinutes(2))
                // S3Calls retries with backoff and knows which requests are safe to repeat; OkHttp's silent retry would not
                .retryOnConnectionFailure(false);
        if (config.caFile() != null) {
            HandshakeCertificates trust = trusting(config.caFile());
            http.sslSocketFactory(trust.sslSocketFactory(), trust.trustManager());
        }
        MinioAsyncClient client;
        try {
            MinioAsyncClient.Builder builder = MinioAsyncClient.builder()
                    .endpoint(config.endpoint())
                    .credentials(config.accessKey(), config.secretKey())
                    .httpClient(http.build(), true); // close() then stops OkHttp's threads, which would keep the JVM up ~60 s
            if (config.region() != null) {
                builder.region(config.region());
            }
            client = builder.build();
        } catch (IllegalArgumentException e) {
            throw new StoreException("SYNCABEL_S3_ENDPOINT '" + config.endpoint() + "' is not usable: " + e.getMessage(), e);
        }
        if (Boolean.TRUE.equals(config.pathStyle())) {
            client.disableVirtualStyleEndpoint();
        } else if (Boolean.FALSE.equals(config.pathStyle())) {
            client.enableVirtualStyleEndpoint();
        }
        return client;
    }

    /** Trusts exactly the certificates in the PEM file: the cluster's own CA, not the public ones. */
    private static HandshakeCertificates trusting(Path caFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new StoreException("SYNCABEL_S3_CA_FILE: cannot read certificates from " + caFile + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new StoreException("SYNCABEL_S3_CA_FILE: " + caFile + " holds no PEM certificate");
        }
        HandshakeCertificates.Builder trust = new HandshakeCertificates.Builder();
        certificates.forEach(c -> trust.addTrustedCertificate((X509Certificate) c));
        return trust.build();
    }
}
