package io.syncabel.operator.store;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;

/** An S3 store through the MinIO client, with short timeouts: a slow store must not hold up reconciles. */
public final class S3Reader implements StoreReader {
    static final String AWS_ENDPOINT = "https://s3.amazonaws.com";
    static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject");
    /** progress.json is a few hundred bytes; anything far larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    private final MinioClient client;
    private final OkHttpClient http;

    /**
     * @param trust the CA(s) to trust instead of the JVM's ({@link #trusting}: a store on a private CA, the chart's
     *              {@code store.caSecret}); null: the JVM's default trust
     */
    public S3Reader(String endpoint, String region, Boolean pathStyle, String accessKey, String secretKey,
            HandshakeCertificates trust) {
        OkHttpClient.Builder httpBuilder = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(15));
        if (trust != null) {
            httpBuilder.sslSocketFactory(trust.sslSocketFactory(), trust.trustManager());
        }
        http = httpBuilder.build();
        MinioClient.Builder builder = MinioClient.builder().endpoint(endpoint).httpClient(http);
        if (accessKey != null && !accessKey.isBlank() && secretKey != null && !secretKey.isBlank()) {
            builder.credentials(accessKey, secretKey);
        }
        if (region != null && !region.isBlank()) {
            builder.region(region);
        }
        client = builder.build();
        if (Boolean.TRUE.equals(pathStyle)) {
            client.disableVirtualStyleEndpoint();
        } else if (Boolean.FALSE.equals(pathStyle)) {
            client.enableVirtualStyleEndpoint();
        }
    }

    /** Exactly the certificates of the PEM file, as the runtime's pods trust them (SYNCABEL_S3_CA_FILE). */
    static HandshakeCertificates trusting(Path caFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificates from " + caFile + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(caFile + " holds no PEM certificate");
        }
        HandshakeCertificates.Builder trust = new HandshakeCertificates.Builder();
        certificates.forEach(c -> trust.addTrustedCertificate((X509Certificate) c));
        return trust.build();
    }

    @Override
    public Optional<String> read(String uri) throws IOException {
        if (!uri.startsWith("s3://")) {
            throw new IllegalArgumentException(uri + ": not an s3:// URI");
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException(uri + ": expected s3://bucket/key");
        }
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(rest.substring(0, slash)).object(rest.substring(slash + 1)).build())) {
            return Optional.of(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
        } catch (ErrorResponseException e) {
            if (NOT_FOUND.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw new IOException("S3 GET " + uri + ": " + e.errorResponse().code() + ": " + e.errorResponse().message(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("S3 GET " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
