package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.syncabel.api.v1alpha1.common.StageStatus;
import java.util.Map;
import lombok.Data;
import lombok.EqualsAndHashCode;
import lombok.NoArgsConstructor;

@Data
@EqualsAndHashCode(callSuper = true)
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KnowledgeBaseStatus extends StageStatus {
    @JsonPropertyDescription("Concepts in the built KB.")
    private Long concepts;
    @JsonPropertyDescription("Distinct (name, group) entries in the dictionary.")
    private Long names;
    @JsonPropertyDescription("Concepts per semantic group.")
    private Map<String, Long> conceptsPerGroup;
    @JsonPropertyDescription("Lines skipped in lenient mode.")
    private Long skippedLines;
    @JsonPropertyDescription("Terminology version recorded in the artifact.")
    private String kbVersion;
}
