package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * An OpenAI-compatible chat-completions endpoint (vLLM, TGI, Ollama, KServe, OpenAI). The API key is
 * only ever read from a Secret; it never appears in a spec, a status or a log.
 */
@Data
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LlmEndpoint {
    @Required
    @Pattern(Uris.HTTP)
    @JsonPropertyDescription("Base URL of the OpenAI-compatible API, e.g. http://vllm.llm.svc:8000/v1.")
    @Size(max = Bounds.URI)
    private String endpoint;

    @Required
    @JsonPropertyDescription("Model name sent in each request.")
    @Size(max = Bounds.TEXT)
    private String model;

    @JsonPropertyDescription("Secret key holding the API key; passed to the pod as an environment variable.")
    private SecretKeySelector apiKeySecretRef;

    @Min(0)
    @Max(2)
    @JsonPropertyDescription("Sampling temperature (default 0.7 for generation, 0 for judging).")
    private Double temperature;

    @Min(0)
    @Max(1)
    @JsonPropertyDescription("Nucleus sampling top_p (default 0.95).")
    private Double topP;

    @Min(1)
    @JsonPropertyDescription("Maximum tokens per answer (default 1024).")
    private Integer maxTokens;

    @Min(1)
    @JsonPropertyDescription("Requests in flight at once per pod (default 8).")
    private Integer concurrency;

    @Min(0)
    @JsonPropertyDescription("Retries per request on timeouts, 429 and 5xx, and on invalid answers (default 3).")
    private Integer retries;

    @Min(1)
    @JsonPropertyDescription("Timeout of one request in seconds (default 120).")
    private Integer requestTimeoutSeconds;
}
