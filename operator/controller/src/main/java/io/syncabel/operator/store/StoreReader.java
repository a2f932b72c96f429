package io.syncabel.operator.store;

import io.syncabel.operator.OperatorSettings;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator reads from the artifact store: small objects such as a run's {@code progress.json}.
 * Never artifacts, never writes. {@link #forSettings} picks the implementation from the store root:
 * a folder for {@code file:} roots (the embedded default, tests), S3 through the MinIO client otherwise.
 */
public interface StoreReader extends AutoCloseable {

    /** The object at {@code uri} as UTF-8 text, or empty when it does not exist. */
    Optional<String> read(String uri) throws IOException;

    @Override
    default void close() {
    }

    /**
     * The reader for the configured store root. S3 connection settings come from the operator's
     * configuration ({@code syncabel.store.endpoint/region/path-style}), credentials from the operator
     * process's environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}; the chart feeds them
     * from the store Secret); without them requests are anonymous. {@code SYNCABEL_STORE_CA_FILE} (the chart mounts
     * {@code store.caSecret} there) replaces the JVM's trusted CAs for a store on a private CA.
     */
    static StoreReader forSettings(OperatorSettings settings, Map<String, String> env) {
        if (settings.store().root().startsWith("file:")) {
            return new FolderReader();
        }
        String caFile = env.get("SYNCABEL_STORE_CA_FILE");
        okhttp3.tls.HandshakeCertificates trust = null;
        if (caFile != null && !caFile.isBlank()) {
            try {
                trust = S3Reader.trusting(java.nio.file.Path.of(caFile));
            } catch (IllegalArgumentException e) {
                // progress reads are a convenience: the operator still reconciles, and each failed read says why
                org.jboss.logging.Logger.getLogger(StoreReader.class).warnf(
                        "SYNCABEL_STORE_CA_FILE: %s; reading progress with the JVM's trusted CAs", e.getMessage());
            }
        }
        return new S3Reader(settings.store().endpoint().orElse(S3Reader.AWS_ENDPOINT), settings.store().region().orElse(null),
                settings.store().pathStyle().orElse(null), env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"), trust);
    }
}
