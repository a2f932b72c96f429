package io.syncabel.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.syncabel.runtime.text.Secrets;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An LLM endpoint that echoes the request's credentials in its 401 body: no error message carries them. */
class SecretRedactionTest {
    HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A fake endpoint answering 401 with a body that quotes the Authorization header and the key it received. */
    String echoingEndpoint() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String key = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
            byte[] body = ("{\"error\": {\"message\": \"Incorrect API key provided: " + key + ".\", "
                    + "\"request\": {\"headers\": {\"Authorization\": \"" + auth + "\"}}}}").getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    LlmException failWith(String key) throws Exception {
        LlmConfig config = LlmConfig.of(echoingEndpoint(), "m").withLimits(1, 0, Duration.ofSeconds(5));
        LlmClient client = new LlmClient(config, Map.of(LlmConfig.DEFAULT_API_KEY_ENV, key)::get, d -> {
        }, Clock.systemUTC(), () -> 0.5);
        return catchThrowableOfType(() -> client.complete(ChatRequest.of("s", "u", false)), LlmException.class);
    }

    @Test
    void aCanaryKeyEchoedIn401IsMaskedInTheError() throws Exception {
        String canary = "canary-" + UUID.randomUUID();
        LlmException e = failWith(canary);
        assertThat(e.reason()).startsWith("http 401: ").contains(Secrets.MASK).doesNotContain(canary);
        assertThat(e.getMessage()).doesNotContain(canary);
    }

    @Test
    void anOpenAiStyleKeyIsMaskedToo() throws Exception {
        String canary = "sk-proj-" + UUID.randomUUID().toString().replace("-", "");
        LlmException e = failWith(canary);
        assertThat(e.getMessage()).contains("http 401").doesNotContain(canary).doesNotContain(canary.substring(8, 20));
    }

    @Test
    void credentialShapedTextIsMaskedWithoutKnowingTheSecret() {
        assertThat(Secrets.redact("401: Authorization: Basic dXNlcjpwYXNzd29yZA== refused"))
                .isEqualTo("401: Authorization: " + Secrets.MASK + " refused");
        assertThat(Secrets.redact("{\"x-api-key\": \"abc123def\", \"password\":\"hunter22\"}"))
                .isEqualTo("{\"x-api-key\": \"" + Secrets.MASK + "\", \"password\":\"" + Secrets.MASK + "\"}");
        assertThat(Secrets.redact("GET /v1?api_key=abc123&x=1 with token Bearer abcdef123456"))
                .isEqualTo("GET /v1?api_key=" + Secrets.MASK + "&x=1 with token Bearer " + Secrets.MASK);
        assertThat(Secrets.redact("nothing secret here: http 500")).isEqualTo("nothing secret here: http 500");
    }
}
