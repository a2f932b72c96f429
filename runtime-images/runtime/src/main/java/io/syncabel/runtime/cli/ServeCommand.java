package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.serve.LinkerLoader;
import io.syncabel.runtime.serve.LinkerServer;
import io.syncabel.runtime.serve.ServeConfig;
import io.syncabel.runtime.serve.SmokeQuery;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `syncabel serve`: the LinkerDeployment pod's process. The model URI comes from --model or, in a
 * pod, from SYNCABEL_INPUT_MODEL; the served name and the decoding and batching defaults from flags,
 * else from the LinkerDeployment in SYNCABEL_RESOURCE (metadata.name, spec.decoding), else built-in
 * defaults. Runs until SIGTERM, which drains in-flight requests before the JVM exits.
 */
@Command(name = "serve", description = "Serve a trained model over HTTP: POST /v1/link, KServe Open Inference "
        + "Protocol v2 (/v2/...), Prometheus /metrics. See docs/linker-api.md.")
final class ServeCommand implements Callable<Integer>, ModelStage {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "URI",
            description = "Model artifact (s3://... or file:...); default: $SYNCABEL_INPUT_MODEL.")
    String model;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Name under /v2/models/; default: the LinkerDeployment's name from $SYNCABEL_RESOURCE, else 'syncabel'.")
    String modelName;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-batch-size",
            description = "Most mentions in one model call (default: spec.decoding.maxBatchSize, else 32).")
    Integer maxBatchSize;

    @Option(names = "--max-batch-delay-ms",
            description = "Longest a mention waits for batch-mates; 0 sends what is queued at once "
                    + "(default: spec.decoding.maxBatchDelayMs, else 5).")
    Integer maxBatchDelayMs;

    @Option(names = "--beams", description = "Beams for requests that do not say (default: spec.decoding.beams, else 5).")
    Integer beams;

    @Option(names = "--top-k", description = "Candidates per mention for requests that do not say "
            + "(default: spec.decoding.topK, else beams).")
    Integer topK;

    @Option(names = "--constrained", arity = "1", paramLabel = "true|false",
            description = "Constrain to KB names for requests that do not say (default: spec.decoding.constrained, else true).")
    Boolean constrained;

    @Option(names = "--queue-size", defaultValue = "1024",
            description = "Mentions that may wait for the model; more get 429 + Retry-After (default: ${DEFAULT-VALUE}).")
    int queueSize;

    @Option(names = "--workers", defaultValue = "1",
            description = "Threads calling the model concurrently (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Request body limit (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--max-mentions", defaultValue = "256", description = "Mentions per request (default: ${DEFAULT-VALUE}).")
    int maxMentions;

    @Option(names = "--max-text-chars", defaultValue = "10000",
            description = "Characters per input text (default: ${DEFAULT-VALUE}).")
    int maxTextChars;

    @Option(names = "--max-beams", defaultValue = "20", description = "Largest beams a request may ask for (default: ${DEFAULT-VALUE}).")
    int maxBeams;

    @Option(names = "--smoke-query", paramLabel = "MARKED",
            description = "Marked sentence linked before ready, e.g. '[asthma]{Disorders}'; default: the model's first KB name.")
    String smokeQuery;

    @Option(names = "--smoke-code", paramLabel = "CODE",
            description = "Code the smoke query must return; default: any known code (with --smoke-query).")
    String smokeCode;

    @Option(names = "--drain-timeout-s", defaultValue = "30",
            description = "On SIGTERM, how long in-flight requests may take to finish (default: ${DEFAULT-VALUE}).")
    int drainTimeoutS;

    @Option(names = "--load-timeout-s", defaultValue = "1800",
            description = "Load plus smoke query must finish within this, else exit 1 so the pod restarts; 0 = no limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int loadTimeoutS;

    /** How a model URI becomes a loader; the installed providers unless a test says otherwise. */
    Function<String, Optional<LinkerLoader>> loaders = LinkerLoader::installedFor;

    /** The pod contract's environment; a test may replace it. */
    Function<String, String> env;

    ServeCommand() {
        this(Env.system());
    }

    ServeCommand(Env env) {
        this.env = env;
    }

    /** Why no loader opens the model: most often a local path that holds no model artifact. */
    static UserError noLoader(String model) {
        if (!model.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !model.startsWith("file:")) {
            java.nio.file.Path path = java.nio.file.Path.of(model);
            if (!java.nio.file.Files.exists(path)) {
                return new UserError(model + ": no such folder; --model takes a model artifact, the --out of `syncabel train`");
            }
            return new UserError(model + ": not a model artifact (no manifest.json in it); --model takes the --out of "
                    + "`syncabel train`");
        }
        return new UserError("no linker loader in this build can open " + model + " (" + LinkerLoader.installed().size()
                + " installed); a model-backed loader registers a LinkerLoader.Provider");
    }

    @Override
    public Integer call() throws Exception {
        if (model == null || model.isBlank()) {
            model = env.apply("SYNCABEL_INPUT_MODEL");
        }
        if (model == null || model.isBlank()) {
            throw new UserError("no model: pass --model URI or set SYNCABEL_INPUT_MODEL");
        }
        LinkerLoader loader = loaders.apply(model).orElseThrow(() -> noLoader(model));
        ServeConfig config = config();
        LinkerServer server;
        try {
            server = LinkerServer.start(config, loader, model, spec.commandLine().getErr());
        } catch (UncheckedIOException e) {
            throw new UserError(e.getCause().getMessage(), e);
        }
        Thread hook = new Thread(server::close, "syncabel-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.done().get();
            return 0;
        } catch (ExecutionException e) {
            String reason = server.state().message();
            server.close();
            if (e.getCause() instanceof UserError user) {
                throw user;
            }
            spec.commandLine().getErr().println("error: " + reason);
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Already running the hook: nothing to remove.
            }
        }
    }

    private SmokeQuery smoke() {
        if (smokeQuery == null) {
            if (smokeCode != null) {
                throw new UserError("--smoke-code needs --smoke-query");
            }
            return null;
        }
        try {
            return new SmokeQuery(smokeQuery, smokeCode);
        } catch (IllegalArgumentException e) {
            throw new UserError("--smoke-query: " + e.getMessage(), e);
        }
    }

    /** Flags first, then the LinkerDeployment (SYNCABEL_RESOURCE), then built-in defaults. */
    ServeConfig config() {
        JsonNode resource = resource();
        JsonNode decoding = resource.path("spec").path("decoding");
        int b = pick(beams, decoding, "beams", 5);
        try {
            Linker.Options options = new Linker.Options(b, pick(topK, decoding, "topK", b),
                    constrained != null ? constrained : decoding.path("constrained").asBoolean(true));
            return new ServeConfig(host, port, name(resource), pick(maxBatchSize, decoding, "maxBatchSize", 32),
                    pick(maxBatchDelayMs, decoding, "maxBatchDelayMs", 5), queueSize, workers, maxBodyBytes,
                    maxMentions, maxTextChars, maxBeams, smoke(), Duration.ofSeconds(drainTimeoutS), options,
                    Duration.ofSeconds(loadTimeoutS));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private static int pick(Integer flag, JsonNode decoding, String field, int fallback) {
        if (flag != null) {
            return flag;
        }
        JsonNode v = decoding.path(field);
        return v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : fallback;
    }

    private String name(JsonNode resource) {
        if (modelName != null) {
            return modelName;
        }
        JsonNode name = resource.path("metadata").path("name");
        return name.isTextual() && !name.asText().isBlank() ? name.asText() : "syncabel";
    }

    private JsonNode resource() {
        String json = env.apply("SYNCABEL_RESOURCE");
        if (json == null || json.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new UserError("SYNCABEL_RESOURCE is not the resource JSON: " + e.getMessage(), e);
        }
    }
}
