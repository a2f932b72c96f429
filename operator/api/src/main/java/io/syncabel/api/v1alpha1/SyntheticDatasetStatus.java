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
public class SyntheticDatasetStatus extends StageStatus {
    @JsonPropertyDescription("Examples written so far.")
    private Long examples;
    @JsonPropertyDescription("Concepts selected.")
    private Long concepts;
    @JsonPropertyDescription("Concepts with examples.")
    private Long conceptsGenerated;
    @JsonPropertyDescription("Concepts that failed after all retries.")
    private Long conceptsFailed;
    @JsonPropertyDescription("Failed concepts per reason.")
    private Map<String, Long> failuresByReason;
    @JsonPropertyDescription("Shards published, as done/total.")
    private String shardsDone;
    @JsonPropertyDescription("LLM tokens used (prompt + completion).")
    private Long tokensUsed;
}
