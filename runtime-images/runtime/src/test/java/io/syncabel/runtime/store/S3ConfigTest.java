package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ConfigTest {
    @TempDir
    Path dir;

    private static Map<String, String> env(String... keysAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }

    @Test
    void readsThePodEnvironmentWithDefaultsForWhatIsOptional() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "pem");
        S3Config full = S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "https://minio.minio.svc:9000",
                "SYNCABEL_S3_REGION", "eu-west-1", "SYNCABEL_S3_PATH_STYLE", "TRUE", "SYNCABEL_S3_CA_FILE", ca.toString(),
                "SYNCABEL_S3_PART_SIZE_MIB", "8", "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t"));
        assertThat(full).isEqualTo(new S3Config("https://minio.minio.svc:9000", "eu-west-1", true, ca, "AKIAEXAMPLE",
                "s3cr3t", 8 * 1024 * 1024));

        S3Config minimal = S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "http://127.0.0.1:9000",
                "AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b", "SYNCABEL_S3_REGION", " "));
        assertThat(minimal.region()).isNull();
        assertThat(minimal.pathStyle()).isNull();
        assertThat(minimal.caFile()).isNull();
        assertThat(minimal.partSize()).isEqualTo(16 * 1024 * 1024);
    }

    @Test
    void credentialsComeFromAMountedSecretWhenTheVariablesAreAbsent() throws IOException {
        Files.writeString(dir.resolve("accessKey"), "from-file\n"); // kubectl create secret --from-file keeps the newline
        Files.writeString(dir.resolve("secretKey"), "file-secret\n");
        S3Config config = S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "http://minio:9000",
                "SYNCABEL_S3_CREDENTIALS_DIR", dir.toString()));
        assertThat(config.accessKey()).isEqualTo("from-file");
        assertThat(config.secretKey()).isEqualTo("file-secret");

        Files.delete(dir.resolve("secretKey"));
        assertThatThrownBy(() -> S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "http://minio:9000",
                "SYNCABEL_S3_CREDENTIALS_DIR", dir.toString())))
                .hasMessageContaining(dir.resolve("secretKey") + " is missing");
    }

    @Test
    void whatIsMissingOrWrongIsNamed() {
        assertThatThrownBy(() -> S3Config.fromEnv(env("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b")))
                .isInstanceOf(StoreException.class).hasMessageContaining("SYNCABEL_S3_ENDPOINT is not set");
        assertThatThrownBy(() -> S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "minio:9000",
                "AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"))).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "http://minio:9000")))
                .hasMessageContaining("no S3 credentials").hasMessageContaining("SYNCABEL_S3_CREDENTIALS_DIR");
        assertThatThrownBy(() -> S3Config.fromEnv(env("SYNCABEL_S3_ENDPOINT", "http://minio:9000",
                "AWS_ACCESS_KEY_ID", "a"))).hasMessageContaining("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        Map<String, String> ok = env("SYNCABEL_S3_ENDPOINT", "http://minio:9000", "AWS_ACCESS_KEY_ID", "a",
                "AWS_SECRET_ACCESS_KEY", "b");
        ok.put("SYNCABEL_S3_PATH_STYLE", "yes");
        assertThatThrownBy(() -> S3Config.fromEnv(ok)).hasMessageContaining("SYNCABEL_S3_PATH_STYLE must be true or false");
        ok.remove("SYNCABEL_S3_PATH_STYLE");
        ok.put("SYNCABEL_S3_CA_FILE", dir.resolve("absent.pem").toString());
        assertThatThrownBy(() -> S3Config.fromEnv(ok)).hasMessageContaining("absent.pem does not exist");
        ok.remove("SYNCABEL_S3_CA_FILE");
        ok.put("SYNCABEL_S3_PART_SIZE_MIB", "4");
        assertThatThrownBy(() -> S3Config.fromEnv(ok)).hasMessageContaining("at least 5 MiB");
    }

    @Test
    void theKeysNeverAppearInItsText() {
        S3Config config = new S3Config("http://minio:9000", null, null, null, "AKIAVISIBLE", "wJalrSECRET", S3Config.MIN_PART_SIZE);
        assertThat(config.toString()).contains("http://minio:9000").doesNotContain("AKIAVISIBLE")
                .doesNotContain("wJalrSECRET");
        assertThat(new S3Store(config)).asString().doesNotContain("wJalrSECRET");
    }

    @Test
    void aCaFileWithoutCertificatesIsReportedWhenTheClientIsBuilt() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        S3Config config = new S3Config("https://minio:9000", null, null, ca, "a", "b", S3Config.MIN_PART_SIZE);
        assertThatThrownBy(() -> S3Clients.create(config)).isInstanceOf(StoreException.class)
                .hasMessageContaining("SYNCABEL_S3_CA_FILE").hasMessageContaining(ca.toString());
    }
}
