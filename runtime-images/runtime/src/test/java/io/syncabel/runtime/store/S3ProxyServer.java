package io.syncabel.runtime.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: the S3Proxy jar-with-dependencies (copied into target/s3proxy/ by the build) run
 * as a child JVM on 127.0.0.1, a free port, SigV4 checked, objects in a folder so a restart keeps them. It runs
 * out of process because its bundled libraries clash with ours, and so that tests can kill it mid-upload.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "test-access";
    static final String SECRET_KEY = "test-secret-never-logged";
    static final String KEYSTORE_PASSWORD = "changeit";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Path dataDir;
    private final Path workDir;
    private final int port;
    private final Path keystore;
    private Process process;

    S3ProxyServer(Path workDir) throws IOException {
        this(workDir, null);
    }

    /** With a keystore (PKCS12, password {@value #KEYSTORE_PASSWORD}) the server speaks HTTPS only. */
    S3ProxyServer(Path workDir, Path keystore) throws IOException {
        this.workDir = workDir;
        this.dataDir = Files.createDirectories(workDir.resolve("data"));
        this.port = freePort();
        this.keystore = keystore;
    }

    String endpoint() {
        return (keystore == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    /** A store config pointing at this server, with the given part size. */
    S3Config config(int partSize) {
        return new S3Config(endpoint(), "us-east-1", true, null, ACCESS_KEY, SECRET_KEY, partSize);
    }

    Path dataDir() {
        return dataDir;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    void start() throws IOException, InterruptedException {
        Path properties = workDir.resolve("s3proxy.conf");
        String listen = keystore == null
                ? "s3proxy.endpoint=" + endpoint()
                : "s3proxy.secure-endpoint=" + endpoint() + "\ns3proxy.keystore-path=" + keystore
                        + "\ns3proxy.keystore-password=" + KEYSTORE_PASSWORD;
        Files.writeString(properties, String.join("\n",
                listen,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dataDir) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a small, quick-starting JVM: the tests move a few tens of MB at most
        process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", jar().toString(), "--properties", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("s3proxy.log").toFile()))
                .start();
        awaitReady();
    }

    /** Kills the server at once, as a crash or a node loss would; the data folder stays. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("S3Proxy (pid " + process.pid() + ") did not exit");
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + "; see "
                        + workDir.resolve("s3proxy.log") + ":\n" + Files.readString(workDir.resolve("s3proxy.log")));
            }
            if (answers()) {
                return;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Proxy did not answer on " + endpoint() + " within " + STARTUP);
    }

    /** Jetty opens its connector last, once the blob store is ready: an accepted connection means ready. */
    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Path jar() {
        String configured = System.getProperty("syncabel.s3proxy.jar");
        Path jar = configured != null ? Path.of(configured) : Path.of("target", "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the Maven build copies S3Proxy there "
                    + "(generate-test-resources); run the tests through Maven once");
        }
        return jar;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
