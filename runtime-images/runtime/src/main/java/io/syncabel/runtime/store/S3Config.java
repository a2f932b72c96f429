package io.syncabel.runtime.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach the S3 store, read from the pod's environment (see docs/store.md). The secret key is held
 * here only to build the client: {@link #toString()} redacts both keys so the config can be logged.
 *
 * @param endpoint  SYNCABEL_S3_ENDPOINT, e.g. {@code http://minio.minio.svc:9000} or {@code https://s3.eu-west-1.amazonaws.com}
 * @param region    SYNCABEL_S3_REGION, or null to let the client ask the bucket for its location
 * @param pathStyle SYNCABEL_S3_PATH_STYLE: true for {@code host/bucket/key}, false for {@code bucket.host/key},
 *                  null for the client's choice (virtual-host style for AWS, path style elsewhere)
 * @param caFile    SYNCABEL_S3_CA_FILE: PEM certificates to trust for TLS instead of the JDK's, or null
 * @param partSize  SYNCABEL_S3_PART_SIZE_MIB: bytes buffered per multipart part (S3 needs at least 5 MiB)
 */
public record S3Config(String endpoint, String region, Boolean pathStyle, Path caFile, String accessKey,
        String secretKey, int partSize) {

    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
    /** Beyond this a part buffer no longer fits comfortably in a pod's heap, and S3 allows at most 5 GiB anyway. */
    public static final int MAX_PART_SIZE = 512 * 1024 * 1024;

    public S3Config {
        if (endpoint == null || endpoint.isBlank()) {
            throw new StoreException("SYNCABEL_S3_ENDPOINT is not set: give the S3 endpoint URL, e.g. "
                    + "http://minio.minio.svc:9000 or https://s3.eu-west-1.amazonaws.com");
        }
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new StoreException("SYNCABEL_S3_ENDPOINT '" + endpoint + "' must start with http:// or https://");
        }
        if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
            throw new StoreException("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                    + "SYNCABEL_S3_CREDENTIALS_DIR to a folder holding the files accessKey and secretKey");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new StoreException("S3 part size " + partSize + " bytes is out of range: S3 needs at least 5 MiB "
                    + "per part, and the store buffers one part in memory per open file (at most 512 MiB)");
        }
    }

    /** Reads the config from an environment map (System.getenv() in pods; a plain map in tests). */
    public static S3Config fromEnv(Map<String, String> env) {
        String[] keys = credentials(env);
        return new S3Config(blankToNull(env.get("SYNCABEL_S3_ENDPOINT")), blankToNull(env.get("SYNCABEL_S3_REGION")),
                pathStyle(env.get("SYNCABEL_S3_PATH_STYLE")), caFile(env.get("SYNCABEL_S3_CA_FILE")), keys[0], keys[1],
                partSize(env.get("SYNCABEL_S3_PART_SIZE_MIB")));
    }

    public S3Config withPartSize(int bytes) {
        return new S3Config(endpoint, region, pathStyle, caFile, accessKey, secretKey, bytes);
    }

    @Override
    public String toString() {
        // never the keys: this string ends up in logs and error reports
        return "S3Config[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle + ", caFile="
                + caFile + ", credentials=<redacted>, partSize=" + partSize + "]";
    }

    private static String[] credentials(Map<String, String> env) {
        String id = blankToNull(env.get("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(env.get("AWS_SECRET_ACCESS_KEY"));
        if (id != null || secret != null) {
            if (id == null || secret == null) {
                throw new StoreException("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; set both "
                        + "(check the secretKeyRef keys of the store Secret)");
            }
            return new String[] {id, secret};
        }
        String dir = blankToNull(env.get("SYNCABEL_S3_CREDENTIALS_DIR"));
        if (dir == null) {
            return new String[] {null, null};
        }
        return new String[] {readKeyFile(Path.of(dir, "accessKey")), readKeyFile(Path.of(dir, "secretKey"))};
    }

    private static String readKeyFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("SYNCABEL_S3_CREDENTIALS_DIR: " + file + " is missing; the mounted Secret needs "
                    + "the keys accessKey and secretKey");
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip(); // Secrets created by hand often end in \n
            if (value.isEmpty()) {
                throw new StoreException("SYNCABEL_S3_CREDENTIALS_DIR: " + file + " is empty");
            }
            return value;
        } catch (IOException e) {
            throw new StoreException("SYNCABEL_S3_CREDENTIALS_DIR: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Boolean pathStyle(String value) {
        value = blankToNull(value);
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new StoreException("SYNCABEL_S3_PATH_STYLE must be true or false, not '" + value + "'");
        };
    }

    private static Path caFile(String value) {
        value = blankToNull(value);
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new StoreException("SYNCABEL_S3_CA_FILE: " + path + " does not exist (mount the CA bundle there)");
        }
        return path;
    }

    private static int partSize(String mib) {
        mib = blankToNull(mib);
        if (mib == null) {
            return DEFAULT_PART_SIZE;
        }
        try {
            return Math.multiplyExact(Integer.parseInt(mib), 1024 * 1024);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new StoreException("SYNCABEL_S3_PART_SIZE_MIB must be a whole number of MiB (5 to 512), not '" + mib + "'");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
