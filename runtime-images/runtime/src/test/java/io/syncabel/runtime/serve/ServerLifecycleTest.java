package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Readiness around a slow load and the smoke query, load failure, and graceful shutdown. */
class ServerLifecycleTest {

    @Test
    void liveDuringASlowLoadAndReadyOnlyAfterIt() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        CountDownLatch loading = new CountDownLatch(1);
        try (ServerFixture f = new ServerFixture(ServerFixture.config(), (uri, progress) -> {
            progress.accept("reading the tries");
            loading.await(30, TimeUnit.SECONDS);
            return new LinkerLoader.Loaded(linker, null);
        })) {
            assertThat(f.get("/v2/health/live").status()).isEqualTo(200);
            var ready = f.get("/v2/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("state").asText()).isEqualTo("loading");
            var link = f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}");
            assertThat(link.status()).isEqualTo(503);
            assertThat(link.json().get("type").asText()).isEqualTo("not_ready");
            assertThat(link.header("retry-after")).isEqualTo("5");

            loading.countDown();
            f.awaitTrue(() -> f.get("/v2/health/ready").status() == 200, "ready");
            assertThat(f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}").status()).isEqualTo(200);
            assertThat(f.log.toString()).contains("serve: listening on 127.0.0.1:", "serve: loading model test:model",
                    "serve: load: reading the tries", "serve: model loaded in", "serve: smoke query", "serve: ready on port");
        }
    }

    @Test
    void aFailedSmokeQueryKeepsTheServerUnready() {
        ServeConfig config = ServerFixture.config().withSmoke(new SmokeQuery("[ibuprofen]{Chemicals & Drugs}", "C9999999"));
        try (ServerFixture f = new ServerFixture(config, (uri, p) -> new LinkerLoader.Loaded(DictionaryLinker.sample(), null))) {
            f.awaitTrue(() -> f.server.state().phase() == LinkerServer.Phase.UNREADY, "unready");
            var ready = f.get("/v2/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("message").asText()).contains("smoke query failed", "C9999999");
            assertThat(f.get("/v2/health/live").status()).isEqualTo(200);
            assertThat(f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}").status()).isEqualTo(503);
        }
    }

    @Test
    void theArtifactsSmokeQueryIsUsedWhenNoneIsConfigured() {
        ServeConfig config = ServerFixture.config().withSmoke(null);
        SmokeQuery fromKb = SmokeQuery.ofKbName("Ankylosing spondylitis", "Disorders", "C0038013");
        try (ServerFixture f = new ServerFixture(config, (uri, p) -> new LinkerLoader.Loaded(DictionaryLinker.sample(), fromKb))) {
            f.awaitTrue(() -> f.server.state().phase() == LinkerServer.Phase.READY, "ready");
            assertThat(f.log.toString()).contains("smoke query [Ankylosing spondylitis]{Disorders} expecting C0038013");
        }
    }

    @Test
    void aLoadFailureEndsTheServer() {
        try (ServerFixture f = new ServerFixture(ServerFixture.config(), (uri, p) -> {
            throw new IOException("s3://models/x: checksum mismatch");
        })) {
            assertThat(f.server.done()).failsWithin(15, TimeUnit.SECONDS);
            assertThat(f.server.state().phase()).isEqualTo(LinkerServer.Phase.FAILED);
            assertThat(f.server.state().message()).contains("checksum mismatch");
        }
    }

    @Test
    void aLoadThatHangsPastTheTimeoutFailsTheServer() {
        DictionaryLinker linker = DictionaryLinker.sample();
        CountDownLatch hung = new CountDownLatch(1);
        ServeConfig config = ServerFixture.config().withLoadTimeout(Duration.ofMillis(300));
        try (ServerFixture f = new ServerFixture(config, (uri, p) -> {
            hung.await(30, TimeUnit.SECONDS);
            return new LinkerLoader.Loaded(linker, null);
        })) {
            assertThat(f.server.done()).failsWithin(15, TimeUnit.SECONDS);
            assertThat(f.server.state().phase()).isEqualTo(LinkerServer.Phase.FAILED);
            assertThat(f.server.state().message()).contains("not loaded and smoke-tested within 0.3 s");
            assertThat(f.get("/v2/health/ready").status()).isEqualTo(503);

            hung.countDown();
            f.awaitTrue(linker::closed, "the late linker closed");
            assertThat(f.server.state().phase()).isEqualTo(LinkerServer.Phase.FAILED);
        }
    }

    @Test
    void shutdownFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        ServerFixture f = ServerFixture.ready(ServerFixture.config(), linker);
        linker.entered.drainPermits();
        linker.hold();
        CompletableFuture<ServerFixture.Answer> inFlight = f.postAsync("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}");
        assertThat(linker.entered.tryAcquire(15, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(f::close);
        closer.start();
        f.awaitTrue(() -> f.server.state().phase() == LinkerServer.Phase.DRAINING, "draining");
        var refused = f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("type").asText()).isEqualTo("shutting_down");
        assertThat(f.get("/v2/health/ready").status()).isEqualTo(503);

        linker.release();
        var finished = inFlight.get(15, TimeUnit.SECONDS);
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.json().at("/results/0/mentions/0/candidates/0/pred_concept_code").asText()).isEqualTo("C0004096");
        closer.join(15_000);
        assertThat(f.server.state().phase()).isEqualTo(LinkerServer.Phase.STOPPED);
        assertThat(f.server.done()).isCompleted();
        assertThat(linker.closed()).isTrue();
        int port = f.server.port();
        assertThat(connects(port)).isFalse();
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
