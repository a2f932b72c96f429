package io.syncabel.operator.children;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.operator.OperatorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run of a stage: what it makes, from which inputs, where the output goes, and the Job that
 * executes it.
 *
 * <p>The run key is what the result depends on: a hash of the spec without its execution-only fields
 * ({@link #EXECUTION_ONLY}), the inputs (their digests; a URI where the upstream recorded none), the
 * resource's UID (a deleted and re-created resource never finds the artifacts of its predecessor)
 * and the {@value #RERUN_ANNOTATION} value. The job key adds a short hash of the execution-only fields,
 * so an edit of resources or deadlines gives a new Job writing to the same prefix, where the runtime
 * continues from the checkpoints and shards already published. An operator restart computes the same
 * keys and finds the Job it already made.
 *
 * @param runKey    hex hash, the last segment of the output prefix
 * @param outputUri {@code <storeRoot>/<namespace>/<plural>/<name>/<runKey>/}
 * @param inputEnv  SYNCABEL_INPUT_* (and SYNCABEL_LINKER_URL) variables, in a stable order
 * @param inputs    lineage recorded in status.inputs
 * @param jobKey    {@code <runKey>-<execution hash>}: the Job name's suffix
 */
public record StageRun(String runKey, String outputUri, Map<String, String> inputEnv, List<ArtifactInput> inputs, String jobKey) {

    /** Annotation verb: a new value starts a new run of the same spec under a fresh prefix ({@code kubectl annotate --overwrite}). */
    public static final String RERUN_ANNOTATION = "syncabel.io/rerun";

    /**
     * Spec fields (JSON pointers) that change how a run executes, never what it makes. An edit of them
     * keeps the run (same key, same prefix): a finished result stands, an unfinished run gets a new Job.
     */
    public static final List<String> EXECUTION_ONLY = List.of(
            "/resources", "/scheduling", "/backoffLimit", "/activeDeadlineSeconds", "/ttlSecondsAfterFinished", "/suspend",
            "/artifactPolicy",
            // SyntheticDataset: how many shards run at once and are retried, and how the LLM is called
            "/parallelism", "/backoffLimitPerIndex",
            "/generator/llm/apiKeySecretRef", "/generator/llm/concurrency", "/generator/llm/retries", "/generator/llm/requestTimeoutSeconds",
            // Evaluation: how the judge is called
            "/judge/apiKeySecretRef", "/judge/concurrency", "/judge/retries", "/judge/requestTimeoutSeconds");

    /** Execution-only fields applied to the live Job (suspend) or not the Job's at all: an edit re-creates nothing. */
    public static final List<String> IN_PLACE = List.of("/suspend", "/artifactPolicy", "/ttlSecondsAfterFinished");

    static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** A run without a Job of its own (the cleanup, a linker): the job key is the run key. */
    public StageRun(String runKey, String outputUri, Map<String, String> inputEnv, List<ArtifactInput> inputs) {
        this(runKey, outputUri, inputEnv, inputs, runKey);
    }

    public static StageRun of(OperatorSettings settings, CustomResource<?, ?> owner, Map<String, String> inputEnv, List<ArtifactInput> inputs) {
        JsonNode spec = owner.getSpec() == null ? JSON.convertValue(Map.of(), ObjectNode.class) : JSON.convertValue(owner.getSpec(), JsonNode.class);
        List<String> identity = new ArrayList<>();
        identity.add("uid=" + owner.getMetadata().getUid());
        identity.add("spec=" + canonical(without(spec, EXECUTION_ONLY)));
        for (ArtifactInput input : inputs) {
            identity.add("input=" + input.getKind() + "/" + input.getName() + "=" + (input.getDigest() != null ? input.getDigest() : input.getUri()));
        }
        // values that are not artifacts (a linker's URL) count as they are; artifact URIs count through their lineage digest
        inputEnv.entrySet().stream().filter(e -> !e.getKey().startsWith("SYNCABEL_INPUT_")).map(e -> "env=" + e.getKey() + "=" + e.getValue())
                .sorted().forEach(identity::add);
        String rerun = rerun(owner);
        if (rerun != null) {
            identity.add(RERUN_ANNOTATION + "=" + rerun);
        }
        String runKey = Names.sha256Hex(String.join("\n", identity)).substring(0, 12);
        String execution = Names.sha256Hex(canonical(without(spec, IN_PLACE))).substring(0, 5);
        return new StageRun(runKey, prefix(settings, owner) + runKey + "/", inputEnv, inputs, runKey + "-" + execution);
    }

    /** A copy of {@code spec} without the fields at {@code pointers}. */
    static JsonNode without(JsonNode spec, List<String> pointers) {
        JsonNode copy = spec.deepCopy();
        for (String pointer : pointers) {
            int slash = pointer.lastIndexOf('/');
            JsonNode parent = copy.at(pointer.substring(0, slash));
            if (parent instanceof ObjectNode object) {
                object.remove(pointer.substring(slash + 1));
            }
        }
        return copy;
    }

    /** JSON with object keys sorted at every level, so equal specs always hash alike. */
    static String canonical(JsonNode node) {
        return JSON.asJson(sorted(node));
    }

    static Object sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> fields = new TreeMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
            return fields;
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>();
            node.forEach(item -> items.add(sorted(item)));
            return items;
        }
        return node;
    }

    /** The {@value #RERUN_ANNOTATION} value, or null. */
    public static String rerun(HasMetadata owner) {
        var annotations = owner.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(RERUN_ANNOTATION);
        return value == null || value.isBlank() ? null : value;
    }

    /** Everything this resource ever wrote: {@code <storeRoot>/<namespace>/<plural>/<name>/}. */
    public static String prefix(OperatorSettings settings, HasMetadata owner) {
        return settings.store().root() + "/" + owner.getMetadata().getNamespace() + "/" + owner.getPlural() + "/"
                + owner.getMetadata().getName() + "/";
    }
}
