package io.syncabel.runtime.llm;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach an OpenAI-compatible chat-completions endpoint (vLLM, TGI, Ollama, KServe, OpenAI) and how
 * to sample. The API key is not here: only the name of the environment variable holding it, so a config
 * can be printed, logged or stored without leaking it.
 *
 * @param baseUrl        API base, e.g. http://vllm.llm.svc:8000/v1 ("/chat/completions" is appended)
 * @param apiKeyEnv      environment variable with the key; unset or empty means no Authorization header
 * @param topP           null: not sent (server default)
 * @param concurrency    requests in flight at once through one client
 * @param retries        retries after the first attempt, on timeouts, 429, 5xx, broken responses and invalid answers
 * @param backoffBase    first retry delay before jitter; doubles per retry up to backoffMax
 */
public record LlmConfig(
        URI baseUrl,
        String model,
        String apiKeyEnv,
        double temperature,
        Double topP,
        int maxTokens,
        Duration requestTimeout,
        int concurrency,
        int retries,
        Duration backoffBase,
        Duration backoffMax) {

    public static final String DEFAULT_API_KEY_ENV = "SYNCABEL_LLM_API_KEY";

    public LlmConfig {
        if (baseUrl == null || baseUrl.getScheme() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException("LLM base URL must be http(s)://..., got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("LLM model is required");
        }
        if (concurrency < 1 || retries < 0 || maxTokens < 1) {
            throw new IllegalArgumentException("concurrency and maxTokens must be >= 1, retries >= 0");
        }
    }

    /** The defaults of the LlmEndpoint resource (temperature 0.7, top_p 0.95, 1024 tokens, 8 in flight, 3 retries, 120 s). */
    public static LlmConfig of(String baseUrl, String model) {
        return new LlmConfig(URI.create(baseUrl), model, DEFAULT_API_KEY_ENV, 0.7, 0.95, 1024, Duration.ofSeconds(120), 8,
                3, Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    public LlmConfig withTemperature(double t) {
        return new LlmConfig(baseUrl, model, apiKeyEnv, t, topP, maxTokens, requestTimeout, concurrency, retries,
                backoffBase, backoffMax);
    }

    public LlmConfig withSampling(Double topP, int maxTokens) {
        return new LlmConfig(baseUrl, model, apiKeyEnv, temperature, topP, maxTokens, requestTimeout, concurrency, retries,
                backoffBase, backoffMax);
    }

    public LlmConfig withLimits(int concurrency, int retries, Duration requestTimeout) {
        return new LlmConfig(baseUrl, model, apiKeyEnv, temperature, topP, maxTokens, requestTimeout, concurrency, retries,
                backoffBase, backoffMax);
    }

    public LlmConfig withBackoff(Duration base, Duration max) {
        return new LlmConfig(baseUrl, model, apiKeyEnv, temperature, topP, maxTokens, requestTimeout, concurrency, retries,
                base, max);
    }

    public LlmConfig withApiKeyEnv(String env) {
        return new LlmConfig(baseUrl, model, env, temperature, topP, maxTokens, requestTimeout, concurrency, retries,
                backoffBase, backoffMax);
    }

    URI chatCompletions() {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    }
}
