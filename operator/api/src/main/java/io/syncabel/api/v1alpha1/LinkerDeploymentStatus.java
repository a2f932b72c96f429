package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.syncabel.api.v1alpha1.common.StageStatus;
import lombok.Data;
import lombok.EqualsAndHashCode;
import lombok.NoArgsConstructor;

@Data
@EqualsAndHashCode(callSuper = true)
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinkerDeploymentStatus extends StageStatus {
    @JsonPropertyDescription("In-cluster URL of the linker Service.")
    private String url;
    @JsonPropertyDescription("Model artifact being served.")
    private String modelUri;
    @JsonPropertyDescription("Desired replicas.")
    private Integer replicas;
    @JsonPropertyDescription("Replicas passing readiness (model and trie loaded, smoke query answered).")
    private Integer readyReplicas;
    @JsonPropertyDescription("Version of the KB behind the model.")
    private String kbVersion;
}
