package io.syncabel.runtime.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.cli.Env;
import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.model.pretrained.DenseArtifact;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs a {@link Pipeline} in this process the way the operator runs it in a cluster: every stage is the same
 * runtime command with the same pod contract (docs/architecture.md) — the resource as JSON, the input and output
 * URIs as environment — and a folder (or an S3 bucket) as the artifact store. The output prefix of a stage is a
 * digest of its resource and its inputs, so running again skips what is already built, and an edited manifest
 * (or a rebuilt upstream) gets a fresh prefix.
 */
public final class LocalRun {
    static final KubernetesSerialization K8S = new KubernetesSerialization();

    /** What happened to one stage. */
    public enum State { SUCCEEDED, SKIPPED, FAILED, NOT_RUN, READY }

    /**
     * @param outputUri where the stage's artifact is (for a LinkerDeployment: the model it would serve)
     * @param summary   the stage's one-line summary (termination message), or the published manifest's counts
     */
    public record Outcome(Pipeline.Stage stage, State state, String outputUri, Map<String, Object> summary,
            int exitCode, Duration took, String message) {
    }

    /**
     * @param storeRoot where artifacts go: a file: or s3:// prefix ending in '/'
     * @param namespace the namespace segment of every output prefix (as in a cluster)
     * @param baseEnv   environment every stage inherits (store credentials, LLM keys)
     */
    public record Options(String storeRoot, String namespace, Map<String, String> baseEnv) {
    }

    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;

    public LocalRun(Options options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Runs the stages in order; a failed stage stops its dependents, the others still run. */
    public List<Outcome> run(Pipeline pipeline) {
        Map<String, Outcome> done = new LinkedHashMap<>();
        int i = 0;
        for (Pipeline.Stage stage : pipeline.stages()) {
            i++;
            out.printf("[%d/%d] %s%n", i, pipeline.stages().size(), stage.key());
            out.flush();
            Optional<String> blocked = stage.references().stream()
                    .filter(ref -> done.get(ref).state() == State.FAILED || done.get(ref).state() == State.NOT_RUN)
                    .findFirst();
            Outcome outcome = blocked.isPresent()
                    ? new Outcome(stage, State.NOT_RUN, null, Map.of(), 0, Duration.ZERO, "waiting for " + blocked.get() + ", which did not succeed")
                    : runStage(stage, done);
            done.put(stage.key(), outcome);
            out.println("      " + statusLine(outcome));
            out.flush();
        }
        return List.copyOf(done.values());
    }

    private Outcome runStage(Pipeline.Stage stage, Map<String, Outcome> done) {
        long start = System.nanoTime();
        HasMetadata resource = stage.resource();
        Map<String, String> inputs = inputs(resource, done);
        String resourceJson = resourceJson(stage);
        String outputUri = outputUri(stage, resourceJson, inputs);
        try (ArtifactStore store = Stores.forUri(outputUri, env(Map.of()))) {
            if (resource instanceof LinkerDeployment) {
                // A long-running server is not a batch stage: locally the model is checked and the command shown.
                String model = inputs.get("SYNCABEL_INPUT_MODEL");
                if (store.manifest(model).isEmpty()) {
                    return failed(stage, model, 2, start, model + " is not a published model");
                }
                return new Outcome(stage, State.READY, model, Map.of(), 0, since(start), "serve it with: " + serveCommand(model));
            }
            Optional<Map<String, Object>> published = published(store, resource, outputUri);
            if (published.isPresent()) {
                return new Outcome(stage, State.SKIPPED, outputUri, published.get(), 0, since(start), "already built");
            }
            Map<String, String> contract = new TreeMap<>(inputs);
            contract.put("SYNCABEL_RESOURCE", resourceJson);
            contract.put("SYNCABEL_OUTPUT_URI", outputUri);
            List<String> args = args(resource);
            int shards = resource instanceof SyntheticDataset s ? shards(s) : 1;
            Map<String, Object> summary = Map.of();
            for (int shard = 0; shard < shards; shard++) {
                if (resource instanceof SyntheticDataset) {
                    contract.put("SYNCABEL_SHARDS", String.valueOf(shards));
                    contract.put("JOB_COMPLETION_INDEX", String.valueOf(shard));
                }
                Path terminationLog = Files.createTempFile("syncabel-termination", ".log");
                try {
                    contract.put("SYNCABEL_TERMINATION_LOG", terminationLog.toString());
                    var cli = SyncabelCli.commandLine(Env.of(env(contract)));
                    ErrorCapture log = new ErrorCapture(err);
                    cli.setOut(err); // the stage's own summary line goes to the log stream; the run prints its status
                    cli.setErr(new PrintWriter(log, true));
                    int code = cli.execute(args.toArray(String[]::new));
                    String message = Files.readString(terminationLog, StandardCharsets.UTF_8).strip();
                    if (message.isEmpty() && log.lastError() != null) {
                        message = log.lastError(); // what the pod's FallbackToLogsOnError would show
                    }
                    if (code != 0) {
                        return failed(stage, outputUri, code, start, "syncabel " + String.join(" ", args) + " exited with "
                                + code + (message.isEmpty() ? "" : ": " + message));
                    }
                    summary = parseSummary(message);
                } finally {
                    Files.deleteIfExists(terminationLog);
                }
            }
            return new Outcome(stage, State.SUCCEEDED, outputUri, summary, 0, since(start), null);
        } catch (IOException | RuntimeException e) {
            return failed(stage, outputUri, 1, start, e.getMessage());
        }
    }

    private Outcome failed(Pipeline.Stage stage, String outputUri, int code, long start, String message) {
        return new Outcome(stage, State.FAILED, outputUri, Map.of(), code, since(start), message);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private Map<String, String> env(Map<String, String> contract) {
        Map<String, String> env = new TreeMap<>(options.baseEnv());
        env.putAll(contract);
        return env;
    }

    /** The runtime command of each kind, as the operator's Jobs run it. */
    static List<String> args(HasMetadata resource) {
        return switch (resource.getKind()) {
            case "KnowledgeBase" -> List.of("kb", "build");
            case "SyntheticDataset" -> List.of("synth", "generate");
            case "TrainingRun" -> List.of("train");
            case "Evaluation" -> List.of("evaluate");
            default -> throw new IllegalStateException("no command for " + resource.getKind());
        };
    }

    static int shards(SyntheticDataset s) {
        return s.getSpec() != null && s.getSpec().getShards() != null ? s.getSpec().getShards() : 1;
    }

    /** SYNCABEL_INPUT_* of a stage: the output URIs of what it references (the operator passes the same). */
    private static Map<String, String> inputs(HasMetadata resource, Map<String, Outcome> done) {
        Map<String, String> env = new TreeMap<>();
        if (resource instanceof SyntheticDataset s) {
            env.put("SYNCABEL_INPUT_KNOWLEDGE_BASE", output(done, "KnowledgeBase", s.getSpec().getKnowledgeBaseRef().getName()));
        } else if (resource instanceof TrainingRun t) {
            env.put("SYNCABEL_INPUT_KNOWLEDGE_BASE", output(done, "KnowledgeBase", t.getSpec().getKnowledgeBaseRef().getName()));
            if (t.getSpec().getSyntheticDatasetRefs() != null && !t.getSpec().getSyntheticDatasetRefs().isEmpty()) {
                List<String> uris = new ArrayList<>();
                t.getSpec().getSyntheticDatasetRefs().forEach(r -> uris.add(output(done, "SyntheticDataset", r.getName())));
                env.put("SYNCABEL_INPUT_SYNTHETIC_DATASETS", String.join(",", uris));
            }
        } else if (resource instanceof LinkerDeployment l) {
            env.put("SYNCABEL_INPUT_MODEL", l.getSpec().getTrainingRunRef() != null
                    ? output(done, "TrainingRun", l.getSpec().getTrainingRunRef().getName())
                    : l.getSpec().getModelUri());
        } else if (resource instanceof Evaluation e) {
            // Locally an Evaluation of a LinkerDeployment runs the model that deployment serves.
            env.put("SYNCABEL_INPUT_MODEL", e.getSpec().getTrainingRunRef() != null
                    ? output(done, "TrainingRun", e.getSpec().getTrainingRunRef().getName())
                    : output(done, "LinkerDeployment", e.getSpec().getLinkerRef().getName()));
        }
        return env;
    }

    private static String output(Map<String, Outcome> done, String kind, String name) {
        return done.get(Pipeline.key(kind, name)).outputUri();
    }

    /**
     * The resource as the runtime reads it (apiVersion, kind, metadata, spec), with relative file: URIs made
     * absolute against the manifest's folder: a manifest's data travels with it, wherever `run` is started from.
     */
    static String resourceJson(Pipeline.Stage stage) {
        HasMetadata r = stage.resource();
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("apiVersion", r.getApiVersion());
        node.put("kind", r.getKind());
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", r.getMetadata().getName());
        metadata.put("namespace", Optional.ofNullable(r.getMetadata().getNamespace()).orElse("default"));
        metadata.put("generation", Optional.ofNullable(r.getMetadata().getGeneration()).orElse(1L));
        JsonNode spec = Json.MAPPER.valueToTree(K8S.convertValue(((io.fabric8.kubernetes.client.CustomResource<?, ?>) r).getSpec(),
                Map.class));
        node.set("spec", absoluteFileUris(spec, stage.file().toAbsolutePath().getParent()));
        return node.toString();
    }

    /** Makes every relative {@code file:} string in the tree absolute against {@code base} (in place; returns the node). */
    public static JsonNode absoluteFileUris(JsonNode node, Path base) {
        if (node.isTextual()) {
            String s = node.asText();
            if (s.startsWith("file:") && !s.startsWith("file:/")) {
                return TextNode.valueOf("file:" + base.resolve(s.substring("file:".length())).normalize());
            }
            return node;
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                field.setValue(absoluteFileUris(field.getValue(), base));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, absoluteFileUris(node.get(i), base));
            }
        }
        return node;
    }

    /**
     * {@code <root><namespace>/<plural>/<name>/<12 hex of the resource, its inputs and the defaults from the environment
     * it depends on>/}.
     */
    String outputUri(Pipeline.Stage stage, String resourceJson, Map<String, String> inputs) {
        HasMetadata r = stage.resource();
        String namespace = Optional.ofNullable(r.getMetadata().getNamespace()).orElse(options.namespace());
        return options.storeRoot() + namespace + "/" + HasMetadata.getPlural(r.getClass()) + "/" + r.getMetadata().getName()
                + "/" + digest(resourceJson + "\n" + inputs + environmentDefaults(r)) + "/";
    }

    /**
     * A TrainingRun that names no dense encoder trains one from SYNCABEL_DENSE_ENCODER (`train`'s default), so another
     * default encoder must give another model, not the one built with the old; empty when the run does not use it
     * (and when it is unset, which keeps the prefixes of runs without one as they were).
     */
    String environmentDefaults(HasMetadata resource) {
        String encoder = options.baseEnv().get(DenseArtifact.DEFAULT_ENCODER_ENV);
        if (!(resource instanceof TrainingRun t) || encoder == null || encoder.isBlank()) {
            return "";
        }
        TrainingRunSpec.ModelSpec model = t.getSpec() == null ? null : t.getSpec().getModel();
        if (model != null && (Boolean.FALSE.equals(model.getDense()) || model.getDensePretrained() != null)) {
            return "";
        }
        return "\n" + DenseArtifact.DEFAULT_ENCODER_ENV + "=" + encoder;
    }

    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The counts of an already published output, or empty when the stage must run. */
    private static Optional<Map<String, Object>> published(ArtifactStore store, HasMetadata resource, String outputUri)
            throws IOException {
        if (resource instanceof SyntheticDataset s) {
            // one artifact per shard under shards/; complete when every shard is published
            long shardsDone = store.list(outputUri + "shards/").stream().filter(u -> u.endsWith("/" + Manifest.FILE_NAME)).count();
            return shardsDone >= shards(s) ? Optional.of(Map.of("shards", shardsDone)) : Optional.empty();
        }
        return store.manifest(outputUri).map(m -> m.counts() == null ? Map.<String, Object>of() : m.counts());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseSummary(String line) {
        if (line.isEmpty()) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(line, Map.class);
        } catch (IOException e) {
            return Map.of("message", line);
        }
    }

    static String serveCommand(String model) {
        return "./syncabel serve --model " + model;
    }

    /** One line per stage, as `kubectl get` would show the resource's Ready condition and headline figures. */
    static String statusLine(Outcome o) {
        String ready = switch (o.state()) {
            case SUCCEEDED, SKIPPED -> "Ready=True  Succeeded";
            case READY -> "Ready=True  Local";
            case FAILED -> "Ready=False Failed";
            case NOT_RUN -> "Ready=False Waiting";
        };
        StringBuilder line = new StringBuilder(ready);
        line.append(String.format(Locale.ROOT, "  %.1fs", o.took().toMillis() / 1000.0));
        if (o.state() == State.SKIPPED) {
            line.append("  (already built)");
        }
        o.summary().forEach((k, v) -> {
            if (!(v instanceof Map) && !(v instanceof List)) {
                line.append("  ").append(k).append('=').append(v);
            }
        });
        if (o.outputUri() != null) {
            line.append("\n      ").append(o.state() == State.READY ? "model: " : "output: ").append(o.outputUri());
        }
        if (o.message() != null && o.state() != State.SKIPPED) {
            line.append("\n      ").append(o.message());
        }
        return line.toString();
    }

    /** Forwards a stage's log and remembers its last "error: ..." line. */
    static final class ErrorCapture extends java.io.Writer {
        private final PrintWriter target;
        private final StringBuilder line = new StringBuilder();
        private String lastError;

        ErrorCapture(PrintWriter target) {
            this.target = target;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            target.write(buf, off, len);
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    if (line.toString().startsWith("error: ")) {
                        lastError = line.substring("error: ".length()).strip();
                    }
                    line.setLength(0);
                } else {
                    line.append(buf[i]);
                }
            }
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            flush();
        }

        String lastError() {
            return lastError;
        }
    }

    /** The user's error when the store root is not usable. */
    public static String storeRoot(String root) {
        if (!root.contains("://") && !root.startsWith("file:")) {
            root = "file:" + java.nio.file.Path.of(root).toAbsolutePath().normalize(); // a plain folder path
        }
        if (!root.startsWith("file:") && !root.startsWith("s3://")) {
            throw new UserError("--store " + root + ": expected a folder path, a file: or an s3:// URI");
        }
        return root.endsWith("/") ? root : root + "/";
    }
}
