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
public class EvaluationStatus extends StageStatus {
    @JsonPropertyDescription("Deduplicated gold mentions scored.")
    private Long mentions;
    @JsonPropertyDescription("Recall@1 in percent.")
    private Double recallAt1;
    @JsonPropertyDescription("Lower bound of the 95% bootstrap interval of Recall@1.")
    private Double ciLow;
    @JsonPropertyDescription("Upper bound of the 95% bootstrap interval of Recall@1.")
    private Double ciHigh;
    @JsonPropertyDescription("Recall@k per k, in percent (keys are k).")
    private Map<String, Double> recallAtK;
    @JsonPropertyDescription("Recall@1 on mentions whose gold concept is seen / unseen in training.")
    private Double recallAt1Seen;
    private Double recallAt1Unseen;
    @JsonPropertyDescription("Recall@1 on mentions whose text is / is not one of the linker's training mentions (BioSyn's split).")
    private Double recallAt1InDictionary;
    private Double recallAt1NotInDictionary;
}
