package io.syncabel.runtime.llm;

import static io.syncabel.runtime.llm.FakeOpenAiServer.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LlmClientTest {
    static final String KEY = "sk-test-secret-123";

    FakeOpenAiServer server;
    final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    LlmClient client(int retries, Duration timeout, Map<String, String> env) {
        LlmConfig config = LlmConfig.of(server.baseUrl(), "judge-model").withTemperature(0.1).withSampling(0.9, 256)
                .withLimits(2, retries, timeout).withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        return new LlmClient(config, env::get, sleeps::add, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"),
                ZoneOffset.UTC), () -> 0.5);
    }

    LlmClient client(int retries) {
        return client(retries, Duration.ofSeconds(5), Map.of(LlmConfig.DEFAULT_API_KEY_ENV, KEY));
    }

    @Test
    void sendsTheOpenAiRequestWithTheKeyAndCountsTokens() throws Exception {
        server = FakeOpenAiServer.start(r -> answer("{\"ok\":true}"));
        LlmClient client = client(0);
        LlmClient.Answer<String> a = client.complete(ChatRequest.of("sys", "hello", true));

        assertThat(a.content()).isEqualTo("{\"ok\":true}");
        assertThat(a.attempts()).isEqualTo(1);
        FakeOpenAiServer.Request req = server.requests().get(0);
        assertThat(req.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(req.body().path("model").asText()).isEqualTo("judge-model");
        assertThat(req.body().path("temperature").asDouble()).isEqualTo(0.1);
        assertThat(req.body().path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(req.body().path("max_tokens").asInt()).isEqualTo(256);
        assertThat(req.body().path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(req.userMessage()).isEqualTo("hello");
        assertThat(client.usage()).isEqualTo(new Usage(1, 0, 50, 10));
        assertThat(client.toString()).doesNotContain(KEY);
        assertThat(client.config().toString()).doesNotContain(KEY);
    }

    @Test
    void withoutAKeyNoAuthorizationHeaderIsSent() throws Exception {
        server = FakeOpenAiServer.start(r -> answer("x"));
        client(0, Duration.ofSeconds(5), Map.of()).complete(ChatRequest.of("s", "u", false));
        assertThat(server.requests().get(0).header("Authorization")).isNull();
        assertThat(server.requests().get(0).body().has("response_format")).isFalse();
    }

    @Test
    void retriesEveryTransientFaultHonouringRetryAfter() throws Exception {
        server = FakeOpenAiServer.start(r -> answer("fine"));
        server.script(FakeOpenAiServer.status(500), FakeOpenAiServer.rateLimited(7), FakeOpenAiServer.malformed(),
                FakeOpenAiServer.empty(), FakeOpenAiServer.drop(), FakeOpenAiServer.hang(Duration.ofSeconds(2)),
                FakeOpenAiServer.status(503));
        LlmClient client = client(7, Duration.ofSeconds(1), Map.of()); // the hang (2 s) times out; an answer never does, even on a loaded box

        LlmClient.Answer<String> a = client.complete(ChatRequest.of("s", "u", false));

        assertThat(a.content()).isEqualTo("fine");
        assertThat(a.attempts()).isEqualTo(8);
        // backoff 100 ms doubling to the 1 s cap, equal jitter at 0.5 -> 75%; Retry-After: 7 s wins over backoff
        assertThat(sleeps).containsExactly(Duration.ofMillis(75), Duration.ofSeconds(7), Duration.ofMillis(300),
                Duration.ofMillis(600), Duration.ofMillis(750), Duration.ofMillis(750), Duration.ofMillis(750));
        assertThat(client.usage().requests()).isEqualTo(8);
        assertThat(client.usage().failedRequests()).isEqualTo(7);
    }

    @Test
    void givesUpWithTheLastReasonWhenRetriesAreSpent() throws IOException {
        server = FakeOpenAiServer.start(r -> FakeOpenAiServer.status(502));
        LlmClient client = client(2);
        assertThatThrownBy(() -> client.complete(ChatRequest.of("s", "u", false)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.reason()).isEqualTo("http 502");
                    assertThat(e.attempts()).isEqualTo(3);
                });
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aRejectedKeyIsNotRetried() throws IOException {
        server = FakeOpenAiServer.start(r -> new FakeOpenAiServer.Reply.Status(401, "{\"error\":\"bad key\"}", Map.of()));
        LlmClient client = client(3);
        assertThatThrownBy(() -> client.complete(ChatRequest.of("s", "u", false)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.reason()).startsWith("http 401").doesNotContain(KEY);
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(sleeps).isEmpty();
    }

    @Test
    void answersTheParserRejectsAreRetriedThenFailWithItsReason() throws IOException {
        server = FakeOpenAiServer.start(r -> answer("nope"));
        server.script(answer("nope"), answer("42"));
        LlmClient client = client(3);
        LlmClient.AnswerParser<Integer> number = s -> {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new InvalidAnswer("not a number");
            }
        };
        try {
            assertThat(client.complete(ChatRequest.of("s", "u", false), number).value()).isEqualTo(42);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> client.complete(ChatRequest.of("s", "u", false), number))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.reason()).isEqualTo("invalid answer: not a number");
                    assertThat(e.attempts()).isEqualTo(4);
                });
        // tokens of rejected answers are spent too
        assertThat(client.usage().completionTokens()).isEqualTo(6 * 10);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() throws Exception {
        server = FakeOpenAiServer.start(r -> answer("ok"));
        server.script(new FakeOpenAiServer.Reply.Status(503, "busy", Map.of("Retry-After", "Thu, 01 Jan 2026 00:00:12 GMT")));
        client(1).complete(ChatRequest.of("s", "u", false));
        assertThat(sleeps).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void noMoreThanConcurrencyRequestsAreInFlight() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        server = FakeOpenAiServer.start(r -> {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return answer("ok");
        });
        LlmClient client = client(0); // concurrency 2
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<LlmClient.Answer<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.submit(() -> client.complete(ChatRequest.of("s", "u", false))));
            }
            for (var f : futures) {
                assertThat(f.get().content()).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(max.get()).isEqualTo(2);
    }
}
