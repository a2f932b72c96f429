package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Where the pods of a stage may run: GPU node pools, taints, priorities and Kueue queues. */
@Data
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Scheduling {
    @JsonPropertyDescription("Node labels the pod must match, e.g. nvidia.com/gpu.present: \"true\".")
    @Size(max = Bounds.SETTINGS)
    private Map<String, @Size(max = Bounds.TEXT) String> nodeSelector;

    @JsonPropertyDescription("Tolerations, e.g. for tainted GPU nodes.")
    @Size(max = Bounds.SETTINGS)
    private List<Toleration> tolerations;

    @JsonPropertyDescription("Pod affinity and anti-affinity.")
    private Affinity affinity;

    @JsonPropertyDescription("PriorityClass of the pods.")
    @Size(max = Bounds.NAME)
    private String priorityClassName;

    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Kueue LocalQueue: sets kueue.x-k8s.io/queue-name and creates the Job suspended for Kueue to admit.")
    @Size(max = Bounds.NAME)
    private String queueName;
}
