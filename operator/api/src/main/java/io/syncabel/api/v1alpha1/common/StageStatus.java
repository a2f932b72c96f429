package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * Status fields shared by all five kinds. Conditions are the one truth ("Ready" on every kind,
 * "Succeeded"/"Failed" semantics carried in Ready's reason for job-like kinds); printer columns
 * read them, no phase is stored beside them.
 */
@Data
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class StageStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Conditions in the metav1 shape: Ready (all kinds), Paused.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Where this resource's output artifact is (its manifest.json lies under it).")
    private String outputUri;

    @JsonPropertyDescription("The inputs (URI + digest) the output was made from.")
    private List<ArtifactInput> inputs;

    @JsonPropertyDescription("The syncabel.io/rerun annotation value the current run was started for (batch kinds).")
    private String rerun;

    @JsonPropertyDescription("Key of the current run (batch kinds), the last segment of outputUri: a hash of the result-affecting spec,"
            + " the inputs' digests (their URIs where a digest is unknown), the resource's UID and the rerun value.")
    private String runKey;

    @JsonPropertyDescription("sha256 of the file list of the output's manifest.json, read when the run succeeded (batch kinds);"
            + " dependents key their runs on it, so an upstream rerun that publishes the same files reruns nothing downstream.")
    private String outputDigest;

    @JsonPropertyDescription("Live progress of the current run, e.g. \"shard 3/8, 41%\".")
    private String progress;

    @JsonPropertyDescription("Estimated completion time of the current run (RFC 3339).")
    private String estimatedCompletionTime;

    @JsonPropertyDescription("When the current run started (RFC 3339).")
    private String startTime;

    @JsonPropertyDescription("When the current run finished (RFC 3339).")
    private String completionTime;
}
