package io.syncabel.runtime.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** A server on 127.0.0.1 with a random port, and a plain JDK HTTP client to talk to it. */
final class ServerFixture implements AutoCloseable {
    record Answer(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + raw.body(), e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String body() {
            return raw.body();
        }
    }

    static final String MODEL = "ncbi-test";

    final LinkerServer server;
    final StringWriter log = new StringWriter();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ServerFixture(ServeConfig config, LinkerLoader loader) {
        server = LinkerServer.start(config.withPort("127.0.0.1", 0), loader, "test:model",
                new PrintWriter(log, true));
    }

    static ServeConfig config() {
        return ServeConfig.defaults(MODEL).withSmoke(new SmokeQuery("[ibuprofen]{Chemicals & Drugs}", "C0020740"))
                .withDrainTimeout(Duration.ofSeconds(10));
    }

    /** A server whose loader hands over {@code linker} at once. */
    static ServerFixture ready(ServeConfig config, DictionaryLinker linker) {
        return ready(config, (io.syncabel.runtime.link.Linker) linker);
    }

    /** A server whose loader hands over {@code linker} at once. */
    static ServerFixture ready(ServeConfig config, io.syncabel.runtime.link.Linker linker) {
        ServerFixture f = new ServerFixture(config, (uri, progress) -> new LinkerLoader.Loaded(linker, null));
        f.awaitTrue(() -> f.server.state().phase() == LinkerServer.Phase.READY, "ready");
        return f;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Answer post(String path, String body) {
        return send(postRequest(path, body));
    }

    Answer post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    CompletableFuture<Answer> postAsync(String path, String body) {
        return http.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r));
    }

    /** Polls (bounded) until the condition holds. */
    void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; server log:\n" + log);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the metric line (name with labels, as Prometheus prints it) has this value. */
    void awaitMetric(String series, double value) {
        awaitTrue(() -> get("/metrics").body().lines().anyMatch(l -> l.startsWith(series + " ")
                && Double.parseDouble(l.substring(series.length() + 1).trim()) == value), series + " = " + value);
    }

    private HttpRequest postRequest(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new AssertionError(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Override
    public void close() {
        server.close();
    }
}
