package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.operator.OperatorSettings;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One run of a stage: which generation, which inputs, where the output goes. The run key is the
 * generation, plus a digest of the input URIs when the stage reads other resources' outputs, so an
 * upstream change gives a new run (new Job, new output prefix) while an operator restart computes
 * the same key and finds the Job it already made.
 *
 * @param runKey    {@code <generation>} or {@code <generation>-<inputs digest>}
 * @param outputUri {@code <storeRoot>/<namespace>/<plural>/<name>/<runKey>/}
 * @param inputEnv  SYNCABEL_INPUT_* (and SYNCABEL_LINKER_URL) variables, in a stable order
 * @param inputs    lineage recorded in status.inputs
 */
public record StageRun(String runKey, String outputUri, Map<String, String> inputEnv, List<ArtifactInput> inputs) {

    /** Annotation verb: a new value starts a new run of the same spec under a fresh prefix ({@code kubectl annotate --overwrite}). */
    public static final String RERUN_ANNOTATION = "syncabel.io/rerun";

    public static StageRun of(OperatorSettings settings, HasMetadata owner, Map<String, String> inputEnv, List<ArtifactInput> inputs) {
        String key = String.valueOf(owner.getMetadata().getGeneration());
        String joined = inputEnv.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                .collect(Collectors.joining("\n"));
        String rerun = rerun(owner);
        if (rerun != null) {
            joined = joined + "\n" + RERUN_ANNOTATION + "=" + rerun;
        }
        if (!joined.isEmpty()) {
            key = key + "-" + Names.sha256Hex(joined).substring(0, 8);
        }
        return new StageRun(key, prefix(settings, owner) + key + "/", inputEnv, inputs);
    }

    /** The {@value #RERUN_ANNOTATION} value, or null. */
    public static String rerun(HasMetadata owner) {
        var annotations = owner.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(RERUN_ANNOTATION);
        return value == null || value.isBlank() ? null : value;
    }

    /** Everything this resource ever wrote: {@code <storeRoot>/<namespace>/<plural>/<name>/}. */
    public static String prefix(OperatorSettings settings, HasMetadata owner) {
        return settings.storeRoot() + "/" + owner.getMetadata().getNamespace() + "/" + owner.getPlural() + "/"
                + owner.getMetadata().getName() + "/";
    }
}
