package io.syncabel.runtime.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.syncabel.runtime.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small OpenAI-compatible chat-completions server for tests (JDK HttpServer on 127.0.0.1, random port).
 * Replies come first from a script (in order), then from a responder function; both can inject faults.
 * Every request is recorded, with how many times the same body was seen before, so a responder can fail
 * "the first attempt only" deterministically even when requests arrive concurrently. Reusable by any test
 * that talks to an LLM (judge, synthetic data).
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** What the server does with one request. */
    public sealed interface Reply {
        /** A normal answer with this content and token usage. */
        record Answer(String content, int promptTokens, int completionTokens) implements Reply {
        }

        /** An HTTP error status with a body and headers (e.g. Retry-After). */
        record Status(int code, String body, Map<String, String> headers) implements Reply {
        }

        /** HTTP 200 whose body is not a chat-completion JSON. */
        record Malformed(String body) implements Reply {
        }

        /** HTTP 200, a well-formed completion whose content is empty. */
        record Empty() implements Reply {
        }

        /** Waits this long before answering (beyond the client's timeout: a timeout). */
        record Hang(Duration delay, Reply then) implements Reply {
        }

        /** Closes the connection without any response. */
        record Drop() implements Reply {
        }
    }

    public static Reply answer(String content) {
        return new Reply.Answer(content, 50, 10);
    }

    public static Reply status(int code) {
        return new Reply.Status(code, "{\"error\":{\"message\":\"injected " + code + "\"}}", Map.of());
    }

    public static Reply rateLimited(int retryAfterSeconds) {
        return new Reply.Status(429, "{\"error\":{\"message\":\"slow down\"}}",
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    public static Reply malformed() {
        return new Reply.Malformed("<html>502 Bad Gateway</html>");
    }

    public static Reply empty() {
        return new Reply.Empty();
    }

    public static Reply hang(Duration delay) {
        return new Reply.Hang(delay, answer("late"));
    }

    public static Reply drop() {
        return new Reply.Drop();
    }

    /**
     * One received request.
     *
     * @param seen how many times this exact body had been received, this one included (1 = first attempt)
     */
    public record Request(JsonNode body, Map<String, String> headers, int seen) {
        /** The last user message: what a responder usually keys on. */
        public String userMessage() {
            JsonNode messages = body.path("messages");
            for (int i = messages.size() - 1; i >= 0; i--) {
                if ("user".equals(messages.get(i).path("role").asText())) {
                    return messages.get(i).path("content").asText();
                }
            }
            return "";
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    static {
        // The JDK server writes headers and body separately; with Nagle on, the client's delayed ACK adds ~40 ms to
        // every exchange, which would make the fake server, not the client under test, the bottleneck.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Integer> bodies = new HashMap<>();
    private volatile Function<Request, Reply> responder;

    private FakeOpenAiServer(Function<Request, Reply> responder) throws IOException {
        this.responder = responder;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-openai");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** Starts a server answering every unscripted request with the responder. */
    public static FakeOpenAiServer start(Function<Request, Reply> responder) throws IOException {
        return new FakeOpenAiServer(responder);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Queues replies served, in order, before the responder is asked. */
    public synchronized FakeOpenAiServer script(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public void responder(Function<Request, Reply> responder) {
        this.responder = responder;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            Request request;
            synchronized (this) {
                String body = new String(raw, StandardCharsets.UTF_8);
                int seen = bodies.merge(body, 1, Integer::sum);
                request = new Request(Json.MAPPER.readTree(body), headers, seen);
                requests.add(request);
                reply = script.isEmpty() ? null : script.poll();
            }
            if (reply == null) {
                reply = responder.apply(request);
            }
            respond(exchange, request, reply);
        }
    }

    private void respond(HttpExchange exchange, Request request, Reply reply) throws IOException {
        if (reply instanceof Reply.Answer a) {
            send(exchange, 200, completion(request, a.content(), a.promptTokens(), a.completionTokens()), Map.of());
        } else if (reply instanceof Reply.Empty) {
            send(exchange, 200, completion(request, "", 50, 0), Map.of());
        } else if (reply instanceof Reply.Malformed m) {
            send(exchange, 200, m.body(), Map.of());
        } else if (reply instanceof Reply.Status s) {
            send(exchange, s.code(), s.body(), s.headers());
        } else if (reply instanceof Reply.Hang h) {
            try {
                Thread.sleep(h.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            respond(exchange, request, h.then());
        }
        // Reply.Drop: closing before any header is sent makes the JDK server close the socket (client sees EOF)
    }

    private static String completion(Request request, String content, int promptTokens, int completionTokens) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", "chatcmpl-fake");
        root.put("object", "chat.completion");
        root.put("model", request.body().path("model").asText());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", "stop");
        root.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return root.toString();
    }

    private static void send(HttpExchange exchange, int code, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow(); // interrupts hanging replies
        // HttpServer.stop waits for its dispatcher's 1 s select loop: let it finish off the test's clock
        Thread stopper = new Thread(() -> server.stop(0), "fake-openai-stop");
        stopper.setDaemon(true);
        stopper.start();
    }
}
