package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import lombok.Data;
import lombok.NoArgsConstructor;

/** What every stage that runs as a batch Job shares: pod resources, scheduling and Job limits. */
@Data
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class JobStageSpec {
    @JsonPropertyDescription("Container resources, e.g. limits: {nvidia.com/gpu: 1, memory: 16Gi}.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Node selection, tolerations, affinity, priority class and Kueue queue.")
    private Scheduling scheduling;

    @Min(0)
    @JsonPropertyDescription("Pod retries before the Job fails (default 2).")
    private Integer backoffLimit;

    @Min(1)
    @JsonPropertyDescription("Wall-clock limit of the Job in seconds (default: none).")
    private Long activeDeadlineSeconds;

    @Min(0)
    @JsonPropertyDescription("Seconds a finished Job is kept before Kubernetes deletes it (default 86400); status keeps the results.")
    private Integer ttlSecondsAfterFinished;

    @JsonPropertyDescription("Create the Job suspended (or suspend a running one); resuming continues from published shards/checkpoints.")
    private Boolean suspend;

    @JsonPropertyDescription("Retain (default) or Delete the artifacts in the store when this resource is deleted.")
    private ArtifactPolicy artifactPolicy;
}
