package io.syncabel.runtime.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.link.Linker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The linker service: {@code POST /v1/link}, the KServe Open Inference Protocol v2 endpoints and
 * Prometheus {@code /metrics}, on Vert.x. The port opens first and the model loads in the
 * background, so the liveness probe passes during a long load; readiness waits for the load and a
 * smoke query. Endpoints, shapes and errors are documented in docs/linker-api.md.
 */
public final class LinkerServer implements AutoCloseable {

    /** Where the server stands; only {@link Phase#READY} takes link requests. */
    public enum Phase { LOADING, SMOKE_TEST, READY, UNREADY, FAILED, DRAINING, STOPPED }

    public record State(Phase phase, String message) {
    }

    private static final int RETRY_AFTER_OVERLOADED_S = 1;
    private static final int RETRY_AFTER_UNAVAILABLE_S = 5;

    private final ServeConfig config;
    private final PrintWriter log;
    private final ServeMetrics metrics;
    private final long startedNanos = System.nanoTime();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Vertx vertx;
    private HttpServer http;
    private volatile State state = new State(Phase.LOADING, "loading the model");
    private volatile Linker linker;
    private volatile Set<String> groups = Set.of();
    private volatile Linker.Info info;
    private volatile MicroBatcher batcher;

    private LinkerServer(ServeConfig config, PrintWriter log) {
        this.config = config;
        this.log = log;
        this.metrics = new ServeMetrics(config.modelName(), config.maxBatchSize());
        // No .vertx file cache and no class-path resolution: this server serves no files.
        this.vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(
                new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    }

    /**
     * Opens the port (returns once it listens) and loads the model in the background with
     * {@code loader}. Progress goes to {@code log}, one line per step.
     */
    public static LinkerServer start(ServeConfig config, LinkerLoader loader, String modelUri, PrintWriter log) {
        LinkerServer server = new LinkerServer(config, log);
        try {
            server.listen();
        } catch (RuntimeException e) {
            server.vertx.close();
            throw e;
        }
        Thread load = new Thread(() -> server.load(loader, modelUri), "syncabel-load");
        load.setDaemon(true);
        load.start();
        if (!config.loadTimeout().isZero()) {
            CompletableFuture.delayedExecutor(config.loadTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(server::loadTimedOut);
        }
        return server;
    }

    public int port() {
        return http.actualPort();
    }

    public State state() {
        return state;
    }

    /** Completes when the server has stopped; exceptionally when the model could not be loaded. */
    public CompletableFuture<Void> done() {
        return done;
    }

    private void listen() {
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        // First, so that body uploads and answers from the body handler (413) are timed too.
        router.route().handler(this::time);
        router.get("/v2/health/live").handler(ctx -> json(ctx, 200, Map.of("live", true)));
        router.get("/v2/health/ready").handler(this::ready);
        router.get("/v2/models/:name").handler(this::metadata);
        router.get("/v2/models/:name/versions/:version").handler(this::metadata);
        router.get("/v2/models/:name/ready").handler(this::modelReady);
        router.get("/v2/models/:name/versions/:version/ready").handler(this::modelReady);
        router.post("/v2/models/:name/infer").handler(body).handler(this::infer);
        router.post("/v2/models/:name/versions/:version/infer").handler(body).handler(this::infer);
        router.post("/v1/link").handler(body).handler(this::link);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.route().last().handler(ctx -> {
            throw ApiError.notFound("no endpoint " + ctx.request().method() + " " + ctx.request().path()
                    + "; see docs/linker-api.md");
        });
        router.route().failureHandler(this::failure);

        http = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                        .setIdleTimeout(120).setIdleTimeoutUnit(TimeUnit.SECONDS))
                .requestHandler(router);
        try {
            http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("cannot listen on " + config.host() + ":" + config.port()
                    + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e));
        }
        log("listening on " + config.host() + ":" + port() + " (live; ready once the model is loaded)");
    }

    private void time(RoutingContext ctx) {
        long t0 = System.nanoTime();
        String endpoint = endpoint(ctx.request().path());
        ctx.addEndHandler(v -> metrics.request(endpoint, ctx.response().getStatusCode(), System.nanoTime() - t0));
        ctx.next();
    }

    /** A fixed label per endpoint, never the raw path: clients choose paths, and labels must stay few. */
    static String endpoint(String path) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/v2/models/")) {
            return path.endsWith("/infer") ? "infer" : path.endsWith("/ready") ? "model_ready" : "model_metadata";
        }
        return switch (path) {
            case "/v1/link" -> "link";
            case "/v2/health/live" -> "live";
            case "/v2/health/ready" -> "ready";
            case "/metrics" -> "metrics";
            default -> "other";
        };
    }

    private void load(LinkerLoader loader, String modelUri) {
        try {
            log("loading model " + modelUri);
            long t0 = System.nanoTime();
            LinkerLoader.Loaded loaded = loader.load(modelUri, step -> log("load: " + step));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            metrics.loaded(took);
            Linker l = loaded.linker();
            synchronized (this) {
                if (state.phase() != Phase.LOADING) {
                    // Timed out or shutting down meanwhile: nobody will serve this linker.
                    l.close();
                    return;
                }
                linker = l;
            }
            info = l.info();
            groups = l.groups();
            log(String.format("model loaded in %.1f s: model=%s version=%s kb=%s", took.toMillis() / 1000.0,
                    info.model(), info.modelVersion(), info.kbVersion()));
            SmokeQuery smoke = config.smoke() != null ? config.smoke() : loaded.defaultSmoke();
            if (smoke == null) {
                unready("no smoke query: the model artifact suggests none; pass --smoke-query and --smoke-code");
                return;
            }
            setState(Phase.SMOKE_TEST, "smoke query");
            log("smoke query " + smoke.markedSentence() + " expecting "
                    + (smoke.expectedCode() == null ? "any known code" : smoke.expectedCode()));
            String failure;
            try {
                failure = smoke.failure(linker.link(List.of(smoke.query()), Linker.Options.defaults()));
            } catch (RuntimeException e) {
                failure = "the linker failed: " + e;
            }
            if (failure != null) {
                unready("smoke query failed: " + failure);
                return;
            }
            MicroBatcher b = new MicroBatcher(linker, metrics, config.maxBatchSize(),
                    Duration.ofMillis(config.maxBatchDelayMs()), config.queueSize(), config.workers());
            synchronized (this) {
                if (state.phase() != Phase.SMOKE_TEST) {
                    b.close();
                    return;
                }
                batcher = b;
                metrics.queueDepth(b::queuedMentions);
                setState(Phase.READY, "ready");
            }
            metrics.ready(true);
            log(String.format("ready on port %d, %.1f s after start", port(),
                    (System.nanoTime() - startedNanos) / 1e9));
        } catch (Exception | Error e) {
            String message = "loading the model failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            setState(Phase.FAILED, message);
            log(message);
            done.completeExceptionally(e);
        }
    }

    /** A load (or smoke query) that hangs must end the pod, as a hung download would keep it unready forever. */
    private void loadTimedOut() {
        String message = String.format("the model was not loaded and smoke-tested within %.1f s (--load-timeout-s)",
                config.loadTimeout().toMillis() / 1000.0);
        synchronized (this) {
            Phase phase = state.phase();
            if (phase != Phase.LOADING && phase != Phase.SMOKE_TEST) {
                return;
            }
            state = new State(Phase.FAILED, message);
        }
        log(message);
        done.completeExceptionally(new TimeoutException(message));
    }

    private synchronized void setState(Phase phase, String message) {
        if (state.phase() != Phase.DRAINING && state.phase() != Phase.STOPPED && state.phase() != Phase.FAILED) {
            state = new State(phase, message);
        }
    }

    private void unready(String message) {
        setState(Phase.UNREADY, message);
        log(message + "; staying live and unready");
    }

    // ---- health and metadata

    private void ready(RoutingContext ctx) {
        State s = state;
        json(ctx, s.phase() == Phase.READY ? 200 : 503, readiness(s));
    }

    private void modelReady(RoutingContext ctx) {
        checkModel(ctx);
        State s = state;
        Map<String, Object> body = readiness(s);
        body.put("name", config.modelName());
        json(ctx, s.phase() == Phase.READY ? 200 : 503, body);
    }

    private static Map<String, Object> readiness(State s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", s.phase() == Phase.READY);
        body.put("state", s.phase().name().toLowerCase());
        body.put("message", s.message());
        return body;
    }

    private void metadata(RoutingContext ctx) {
        checkModel(ctx);
        json(ctx, 200, OipV2.metadata(config.modelName(), info));
    }

    /** 404 unless the path names this server's model (and, when given, its version). */
    private void checkModel(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!config.modelName().equals(name)) {
            throw ApiError.notFound("unknown model '" + name + "'; this server serves '" + config.modelName() + "'");
        }
        String version = ctx.pathParam("version");
        Linker.Info i = info;
        if (version != null && (i == null || !i.modelVersion().equals(version))) {
            throw ApiError.notFound("model '" + name + "' has no version '" + version + "'"
                    + (i == null ? " (not loaded yet)" : "; it serves '" + i.modelVersion() + "'"));
        }
    }

    // ---- linking

    private void link(RoutingContext ctx) {
        requireJson(ctx);
        admit(ctx);
        LinkRequest request = LinkRequest.parseV1(ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes(),
                config);
        request.checkGroups(groups, i -> "inputs[" + i + "]");
        submit(ctx, request, response -> response);
    }

    private void infer(RoutingContext ctx) {
        checkModel(ctx);
        requireJson(ctx);
        admit(ctx);
        OipV2.Infer infer = OipV2.parseInfer(ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes(),
                config);
        infer.request().checkGroups(groups, i -> "inputs[0].data[" + i + "]");
        submit(ctx, infer.request(), response -> OipV2.response(config.modelName(), infer.id(), response));
    }

    /** 415 unless the body is declared JSON ({@code application/json} or {@code +json}); no Content-Type is read as JSON. */
    private static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        if (type == null) {
            return;
        }
        String mime = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json") && !mime.endsWith("+json")) {
            throw new ApiError(415, "unsupported_media_type", "content-type",
                    "Content-Type '" + type + "' is not JSON; send the body as application/json", 0);
        }
    }

    /** Refuses link work while not ready or draining, and counts what it admits as in flight. */
    private void admit(RoutingContext ctx) {
        State s = state;
        if (s.phase() == Phase.DRAINING || s.phase() == Phase.STOPPED) {
            ctx.response().putHeader("connection", "close");
            throw new ApiError(503, "shutting_down", null, "the server is shutting down; retry on another replica",
                    RETRY_AFTER_UNAVAILABLE_S);
        }
        if (s.phase() != Phase.READY) {
            throw new ApiError(503, "not_ready", null, "the model is not ready (" + s.phase().name().toLowerCase()
                    + ": " + s.message() + ")", RETRY_AFTER_UNAVAILABLE_S);
        }
        metrics.inflight().incrementAndGet();
        ctx.addEndHandler(v -> metrics.inflight().decrementAndGet());
    }

    private void submit(RoutingContext ctx, LinkRequest request, Function<LinkResponse, Object> render) {
        metrics.beams(request.options().beams());
        CompletableFuture<List<Linker.Result>> results;
        try {
            results = batcher.submit(request.queries(), request.options());
        } catch (MicroBatcher.Rejected e) {
            throw e.shuttingDown
                    ? new ApiError(503, "shutting_down", null, e.getMessage(), RETRY_AFTER_UNAVAILABLE_S)
                    : new ApiError(429, "overloaded", null, e.getMessage(), RETRY_AFTER_OVERLOADED_S);
        }
        Linker.Info i = info;
        Future.fromCompletionStage(results, ctx.vertx().getOrCreateContext()).onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, 200, render.apply(LinkResponse.of(i, request, ar.result())));
                return;
            }
            Throwable cause = ar.cause() instanceof CompletionException && ar.cause().getCause() != null
                    ? ar.cause().getCause() : ar.cause();
            if (cause instanceof IllegalArgumentException) {
                error(ctx, ApiError.badRequest(null, "the linker refused a mention: " + cause.getMessage()));
            } else {
                log("linker error: " + cause);
                error(ctx, new ApiError(500, "linker_error", null, "the linker failed: " + cause, 0));
            }
        });
    }

    // ---- answers

    private void failure(RoutingContext ctx) {
        Throwable f = ctx.failure();
        if (f instanceof ApiError e) {
            error(ctx, e);
        } else if (ctx.statusCode() == 413) {
            error(ctx, new ApiError(413, "body_too_large", "body", "request body larger than "
                    + config.maxBodyBytes() + " bytes; split the batch", 0));
        } else if (f == null && ctx.statusCode() > 0) {
            error(ctx, new ApiError(ctx.statusCode(), "http_error",
                    null, "HTTP " + ctx.statusCode() + " for " + ctx.request().method() + " " + ctx.request().path(), 0));
        } else {
            log("internal error on " + ctx.request().path() + ": " + f);
            error(ctx, new ApiError(500, "internal", null, "internal error: " + f, 0));
        }
    }

    private void error(RoutingContext ctx, ApiError e) {
        metrics.error(e.type);
        if (e.retryAfterSeconds > 0) {
            ctx.response().putHeader("retry-after", Integer.toString(e.retryAfterSeconds));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("type", e.type);
        if (e.field != null) {
            body.put("field", e.field);
        }
        json(ctx, e.status, body);
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(Buffer.buffer(bytes));
    }

    // ---- shutdown

    /**
     * Graceful stop: refuse new link work (503, readiness false), let queued and in-flight requests
     * finish within the drain timeout, then close the port, the linker and the metrics.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state.phase() == Phase.DRAINING || state.phase() == Phase.STOPPED) {
                return;
            }
            state = new State(Phase.DRAINING, "shutting down");
        }
        metrics.ready(false);
        log("shutting down: refusing new requests, finishing " + metrics.inflight().get() + " in flight");
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        try {
            MicroBatcher b = batcher;
            if (b != null && !b.drain(config.drainTimeout())) {
                log("the linker did not finish within " + config.drainTimeout().toSeconds() + " s; stopping anyway");
            }
            // Answers are written on the event loop after the batch completes; wait for them to leave.
            while (metrics.inflight().get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log("closing the port: " + e);
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log("closing the event loops: " + e);
            }
            Linker l;
            synchronized (this) {
                l = linker;
            }
            if (l != null) {
                l.close();
            }
            metrics.close();
            state = new State(Phase.STOPPED, "stopped");
            log("stopped");
            done.complete(null);
        }
    }

    private void log(String line) {
        log.println("serve: " + line);
        log.flush();
    }
}
