package io.syncabel.runtime.store;

import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

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
            X509TrustManager trust = trustManager(config.caFile());
            http.sslSocketFactory(sslContext(trust, config.caFile()).getSocketFactory(), trust);
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
    private static X509TrustManager trustManager(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new StoreException("SYNCABEL_S3_CA_FILE: " + caFile + " holds no PEM certificate");
            }
            KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
            keyStore.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                keyStore.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new StoreException("SYNCABEL_S3_CA_FILE: the JDK offers no X.509 trust manager");
        } catch (IOException | GeneralSecurityException e) {
            throw new StoreException("SYNCABEL_S3_CA_FILE: cannot read certificates from " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trust, Path caFile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new StoreException("SYNCABEL_S3_CA_FILE: cannot set up TLS with " + caFile + ": " + e.getMessage(), e);
        }
    }
}
