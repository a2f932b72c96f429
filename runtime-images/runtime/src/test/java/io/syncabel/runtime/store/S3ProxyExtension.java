package io.syncabel.runtime.store;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one S3Proxy for a test class (register it as a static field with {@code @RegisterExtension}), makes
 * the bucket {@value #BUCKET}, and stops the server after the class, or when the test JVM exits.
 */
final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    static final String BUCKET = "artifacts";

    private S3ProxyServer server;
    private MinioClient admin;
    private Thread shutdownHook;

    S3ProxyServer server() {
        return server;
    }

    /**
     * A plain client with the server's credentials, for what the store must not do itself (corrupting objects),
     * shared by the class and closed after it.
     */
    MinioClient admin() {
        return admin;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // absolute: S3Proxy lists nothing when its basedir is relative
        Path work = Files.createDirectories(Path.of("target", "s3proxy-tests").toAbsolutePath());
        server = new S3ProxyServer(Files.createTempDirectory(work, context.getRequiredTestClass().getSimpleName()));
        shutdownHook = new Thread(() -> {
            try {
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        server.start();
        admin = MinioClient.builder().endpoint(server.endpoint()).region("us-east-1")
                .credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY).build();
        admin.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        admin.close();
        server.stop();
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
        FolderStore.deleteTree(server.dataDir()); // tens of MB; s3proxy.log stays beside it for post-mortems
    }
}
