package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching and the bounded queue, made deterministic by holding the linker: while one batch
 * is in the linker, later requests queue up, and what the next call receives is observable.
 */
class BatchingAndOverloadTest {
    private static final String ONE = "{\"inputs\": [\"[asthma]{Disorders}\"]}";
    private static final String QUEUE = "syncabel_queue_mentions{model_name=\"ncbi-test\"}";

    @Test
    void concurrentRequestsWithTheSameOptionsShareOneLinkerCall() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        try (ServerFixture f = ServerFixture.ready(ServerFixture.config().withLimits(1 << 16, 16, 1000, 10).withBatching(32, 0, 64, 1), linker)) {
            linker.batchSizes.clear();
            linker.hold();
            CompletableFuture<ServerFixture.Answer> first = f.postAsync("/v1/link", ONE);
            f.awaitTrue(() -> linker.batchSizes.size() == 1, "first batch in the linker");

            List<CompletableFuture<ServerFixture.Answer>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queued.add(f.postAsync("/v1/link", ONE));
            }
            // concurrent posts may arrive in any order: the default-options requests must be queued first
            f.awaitMetric(QUEUE, 5.0);
            queued.add(f.postAsync("/v1/link", "{\"inputs\": [\"[aspirin]{Chemicals & Drugs}\"], \"options\": {\"beams\": 2}}"));
            queued.add(f.postAsync("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\", \"[ibuprofen]{Chemicals & Drugs}\"]}"));
            f.awaitMetric(QUEUE, 8.0);
            linker.release();

            assertThat(first.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
            for (var answer : queued) {
                assertThat(answer.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            // 1 alone, then the 7 mentions with default options together, then the beams=2 request.
            assertThat(linker.batchSizes).containsExactly(1, 7, 1);
            var last = queued.get(6).get().json();
            assertThat(last.at("/results/1/mentions/0/candidates/0/pred_concept_code").asText()).isEqualTo("C0020740");
        }
    }

    @Test
    void aFullQueueAnswers429WhileAdmittedRequestsSucceed() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        ServeConfig config = ServerFixture.config().withLimits(1 << 16, 2, 1000, 10).withBatching(32, 0, 2, 1);
        try (ServerFixture f = ServerFixture.ready(config, linker)) {
            linker.hold();
            CompletableFuture<ServerFixture.Answer> running = f.postAsync("/v1/link", ONE);
            f.awaitTrue(() -> linker.batchSizes.size() == 2, "request in the linker");
            var queued1 = f.postAsync("/v1/link", ONE);
            var queued2 = f.postAsync("/v1/link", ONE);
            f.awaitMetric(QUEUE, 2.0);

            var refused = f.post("/v1/link", ONE);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("retry-after")).isEqualTo("1");
            assertThat(refused.json().get("type").asText()).isEqualTo("overloaded");
            assertThat(f.post("/v2/models/ncbi-test/infer", """
                    {"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["[asthma]{Disorders}"]}]}""")
                    .status()).isEqualTo(429);

            linker.release();
            for (var answer : List.of(running, queued1, queued2)) {
                assertThat(answer.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(f.get("/metrics").body()).contains("syncabel_errors_total{model_name=\"ncbi-test\",type=\"overloaded\"} 2");
        }
    }

    @Test
    void oneRequestsBadMentionDoesNotFailItsBatchMates() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        try (ServerFixture f = ServerFixture.ready(ServerFixture.config().withLimits(1 << 16, 16, 1000, 10).withBatching(32, 0, 64, 1), linker)) {
            linker.hold();
            var first = f.postAsync("/v1/link", ONE);
            f.awaitTrue(() -> linker.batchSizes.size() == 2, "first batch in the linker");
            var bad = f.postAsync("/v1/link", "{\"inputs\": [\"[x]{Nonsense}\"]}");
            var good = f.postAsync("/v1/link", ONE);
            f.awaitMetric(QUEUE, 2.0);
            linker.release();

            assertThat(first.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(bad.get(15, TimeUnit.SECONDS).status()).isEqualTo(400);
            assertThat(good.get(15, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void metricsAreExposedUnderTheDocumentedNames() {
        try (ServerFixture f = ServerFixture.ready(ServerFixture.config(), DictionaryLinker.sample())) {
            assertThat(f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"], \"options\": {\"beams\": 3}}").status())
                    .isEqualTo(200);
            assertThat(f.post("/v1/link", "{").status()).isEqualTo(400);
            assertThat(f.post("/v1/link", "{\"inputs\": [\"" + "x".repeat(1 << 20) + "\"]}").status()).isEqualTo(413);
            var metrics = f.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.header("content-type")).startsWith("text/plain");
            assertThat(metrics.body()).contains(
                    "syncabel_http_requests_seconds_bucket{endpoint=\"link\",model_name=\"ncbi-test\",status=\"200\"",
                    "request_predict_seconds_bucket{model_name=\"ncbi-test\"",
                    "syncabel_batch_mentions_bucket{model_name=\"ncbi-test\"",
                    "syncabel_request_beams_sum{model_name=\"ncbi-test\"} 3",
                    "syncabel_mentions_total{model_name=\"ncbi-test\"}",
                    "syncabel_errors_total{model_name=\"ncbi-test\",type=\"bad_request\"} 1",
                    "syncabel_errors_total{model_name=\"ncbi-test\",type=\"body_too_large\"} 1",
                    "syncabel_http_requests_seconds_count{endpoint=\"link\",model_name=\"ncbi-test\",status=\"413\"} 1",
                    "syncabel_queue_mentions{model_name=\"ncbi-test\"} 0",
                    "syncabel_inflight_requests{model_name=\"ncbi-test\"}",
                    "syncabel_model_load_seconds{model_name=\"ncbi-test\"}",
                    "syncabel_ready{model_name=\"ncbi-test\"} 1",
                    "jvm_memory_used_bytes");
        }
    }
}
