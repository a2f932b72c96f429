package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.syncabel.api.v1alpha1.common.Bounds;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.api.v1alpha1.common.Uris;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.trainingRunRef) != has(self.modelUri)", message = "give exactly one of trainingRunRef and modelUri")
public class LinkerDeploymentSpec {
    @JsonPropertyDescription("The TrainingRun whose model is served.")
    private LocalObjectRef trainingRunRef;

    @Pattern(Uris.INPUT)
    @JsonPropertyDescription("A model artifact URI, instead of trainingRunRef.")
    @Size(max = Bounds.URI)
    private String modelUri;

    @Min(0)
    @JsonPropertyDescription("Replicas (default 1); ignored while autoscaling is set.")
    private Integer replicas;

    @JsonPropertyDescription("Container resources.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Node selection, tolerations, affinity, priority class.")
    private Scheduling scheduling;

    @JsonPropertyDescription("Decoding defaults; each request may override them.")
    private Decoding decoding;

    @JsonPropertyDescription("The Service in front of the pods.")
    private ServiceSpec service;

    @JsonPropertyDescription("HorizontalPodAutoscaler bounds; absent means a fixed replica count.")
    private Autoscaling autoscaling;

    @JsonPropertyDescription("RollingUpdate (default) or Recreate (for GPU-scarce clusters: no surge pod).")
    private Rollout rollout;

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Decoding {
        @Min(1)
        @Max(64)
        @JsonPropertyDescription("Beam width (default 5).")
        private Integer beams;
        @Min(1)
        @JsonPropertyDescription("Candidates returned per mention (default: beams).")
        private Integer topK;
        @JsonPropertyDescription("Constrain generation to KB names with the trie (default true).")
        private Boolean constrained;
        @Min(1)
        @JsonPropertyDescription("Maximum concurrent requests merged into one model batch (default 32).")
        private Integer maxBatchSize;
        @Min(0)
        @JsonPropertyDescription("Longest wait for a batch to fill, in milliseconds (default 5).")
        private Integer maxBatchDelayMs;
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServiceSpec {
        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Service port (default 8080).")
        private Integer port;
        @JsonPropertyDescription("ClusterIP (default), NodePort or LoadBalancer.")
        private ServiceType type;
    }

    public enum ServiceType {
        @JsonProperty("ClusterIP") CLUSTER_IP,
        @JsonProperty("NodePort") NODE_PORT,
        @JsonProperty("LoadBalancer") LOAD_BALANCER
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas", message = "minReplicas must not exceed maxReplicas")
    public static class Autoscaling {
        @Min(1)
        private Integer minReplicas;
        @Min(1)
        @io.fabric8.generator.annotation.Required
        private Integer maxReplicas;
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Target average CPU utilisation in percent (default 70).")
        private Integer targetCpuUtilizationPercentage;
    }

    public enum Rollout {
        @JsonProperty("RollingUpdate") ROLLING_UPDATE,
        @JsonProperty("Recreate") RECREATE
    }
}
