package io.syncabel.runtime.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.Secrets;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * OpenAI-compatible chat completions, shared by the judge and synthetic-data generation. Blocking calls
 * that many threads may share: at most {@code concurrency} requests are in flight at once. Timeouts, 429,
 * 5xx, dropped connections, broken response bodies, empty answers and answers the caller's parser rejects
 * are retried with exponential backoff and jitter (a server's Retry-After wins over the backoff), up to
 * {@code retries} times; then the call fails with a short reason. Other 4xx (bad key, unknown model) fail
 * at once: repeating them cannot help.
 */
public final class LlmClient {
    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Turns the model's text into a value, or rejects it (then the request is retried). */
    @FunctionalInterface
    public interface AnswerParser<T> {
        T parse(String content) throws InvalidAnswer;
    }

    /** A valid answer, its raw text and how many attempts it took. */
    public record Answer<T>(T value, String content, int attempts) {
    }

    /** Retry-After values beyond this are capped: a misconfigured server must not park a pod for hours. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);
    private static final int MAX_REASON = 160;

    private final LlmConfig config;
    private final String apiKey;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final Semaphore inFlight;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failedRequests = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();

    public LlmClient(LlmConfig config) {
        this(config, System::getenv, d -> Thread.sleep(d.toMillis()), Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param env    environment lookup (the key is read once, here)
     * @param jitter uniform [0, 1) source for the backoff jitter
     */
    public LlmClient(LlmConfig config, Function<String, String> env, Sleeper sleeper, Clock clock, DoubleSupplier jitter) {
        this.config = config;
        String key = config.apiKeyEnv() == null ? null : env.apply(config.apiKeyEnv());
        this.apiKey = key == null || key.isBlank() ? null : key.strip();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // vLLM, TGI and Ollama speak HTTP/1.1; skips the h2c upgrade dance
                .connectTimeout(config.requestTimeout())
                .build();
        this.sleeper = sleeper;
        this.clock = clock;
        this.jitter = jitter;
        this.inFlight = new Semaphore(config.concurrency(), true);
    }

    public LlmConfig config() {
        return config;
    }

    public Usage usage() {
        return new Usage(requests.get(), failedRequests.get(), promptTokens.get(), completionTokens.get());
    }

    /** Text answers with no validation beyond "not empty". */
    public Answer<String> complete(ChatRequest request) throws LlmException, InterruptedException {
        return complete(request, content -> content);
    }

    public <T> Answer<T> complete(ChatRequest request, AnswerParser<T> parser) throws LlmException, InterruptedException {
        byte[] body = body(request);
        int maxAttempts = config.retries() + 1;
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = attempt(body);
            String reason;
            Duration retryAfter = null;
            if (outcome instanceof Outcome.Content c) {
                try {
                    return new Answer<>(parser.parse(c.text()), c.text(), attempt);
                } catch (InvalidAnswer e) {
                    reason = "invalid answer: " + e.getMessage();
                }
            } else {
                Outcome.Failure f = (Outcome.Failure) outcome;
                failedRequests.incrementAndGet();
                if (!f.retryable()) {
                    throw new LlmException(safe(f.reason()), attempt);
                }
                reason = f.reason();
                retryAfter = f.retryAfter();
            }
            if (attempt >= maxAttempts) {
                throw new LlmException(safe(reason), attempt);
            }
            sleeper.sleep(retryAfter != null ? retryAfter : backoff(attempt));
        }
    }

    /** base * 2^(n-1), capped, then "equal jitter": half fixed, half random, so retrying clients spread out. */
    Duration backoff(int failedAttempts) {
        long base = config.backoffBase().toMillis();
        long exp = Math.min(config.backoffMax().toMillis(), base << Math.min(failedAttempts - 1, 20));
        return Duration.ofMillis(exp / 2 + (long) (jitter.getAsDouble() * (exp - exp / 2)));
    }

    private sealed interface Outcome {
        record Content(String text) implements Outcome {
        }

        record Failure(String reason, boolean retryable, Duration retryAfter) implements Outcome {
        }
    }

    private Outcome attempt(byte[] body) throws InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(config.chatCompletions())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            req.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        inFlight.acquire();
        try {
            requests.incrementAndGet();
            response = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return new Outcome.Failure("timeout", true, null);
        } catch (IOException e) {
            return new Outcome.Failure("connection failed: " + e.getClass().getSimpleName(), true, null);
        } finally {
            inFlight.release();
        }
        int status = response.statusCode();
        if (status == 429 || status == 408 || status >= 500) {
            String what = status == 429 ? "rate limited (http 429)" : "http " + status;
            return new Outcome.Failure(what, true, retryAfter(response).orElse(null));
        }
        if (status != 200) {
            // the body may echo the request (an Authorization header, the key in an error): masked before cutting
            return new Outcome.Failure("http " + status + ": " + oneLine(Secrets.redact(response.body(), apiKey)), false,
                    null);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            return new Outcome.Failure("malformed response (not JSON)", true, null);
        }
        if (json == null || !json.isObject()) {
            return new Outcome.Failure("malformed response (not a JSON object)", true, null);
        }
        JsonNode usage = json.path("usage");
        promptTokens.addAndGet(usage.path("prompt_tokens").asLong(0));
        completionTokens.addAndGet(usage.path("completion_tokens").asLong(0));
        JsonNode message = json.path("choices").path(0).path("message");
        if (message.isMissingNode()) {
            return new Outcome.Failure("malformed response (no choices[0].message)", true, null);
        }
        JsonNode content = message.path("content");
        if (!content.isTextual() || content.asText().isBlank()) {
            return new Outcome.Failure("empty answer", true, null);
        }
        return new Outcome.Content(content.asText());
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110); capped. */
    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().strip();
        Duration d;
        try {
            d = Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(clock.instant(), at.toInstant());
                if (d.isNegative()) {
                    d = Duration.ZERO;
                }
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
        return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }

    private byte[] body(ChatRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", config.model());
        var messages = body.putArray("messages");
        for (ChatRequest.Message m : request.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content());
        }
        body.put("temperature", config.temperature());
        if (config.topP() != null) {
            body.put("top_p", config.topP());
        }
        body.put("max_tokens", config.maxTokens());
        if (request.jsonObject()) {
            body.putObject("response_format").put("type", "json_object");
        }
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reason fit for a message, a manifest or a log: credentials masked, then shortened. */
    private String safe(String reason) {
        return shorten(Secrets.redact(reason, apiKey));
    }

    private static String oneLine(String s) {
        return s == null ? "" : shorten(s.replaceAll("\\s+", " ").strip());
    }

    private static String shorten(String s) {
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "…";
    }

    @Override
    public String toString() {
        return "LlmClient[" + config.baseUrl() + ", model " + config.model() + "]"; // never the key
    }
}
