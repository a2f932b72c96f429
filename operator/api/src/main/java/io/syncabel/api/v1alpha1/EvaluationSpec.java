package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.syncabel.api.v1alpha1.common.Bounds;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.api.v1alpha1.common.JobStageSpec;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import java.util.List;
import lombok.Data;
import lombok.EqualsAndHashCode;
import lombok.NoArgsConstructor;

@Data
@EqualsAndHashCode(callSuper = true)
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.linkerRef), has(self.trainingRunRef)].filter(x, x).size() == 1",
        message = "give exactly one of linkerRef and trainingRunRef")
public class EvaluationSpec extends JobStageSpec {
    @JsonPropertyDescription("Evaluate the model a LinkerDeployment serves (through its in-cluster URL).")
    private LocalObjectRef linkerRef;

    @JsonPropertyDescription("Evaluate a TrainingRun's model directly, in the evaluation pod.")
    private LocalObjectRef trainingRunRef;

    @io.fabric8.generator.annotation.Required
    @JsonPropertyDescription("The annotated test corpus.")
    private CorpusSource testCorpus;

    @JsonPropertyDescription("Corpora whose gold codes count as seen (default: the TrainingRun's train corpora).")
    @Size(max = Bounds.INPUTS)
    private List<CorpusSource> seenCorpora;

    @JsonPropertyDescription("Which figures are computed.")
    private Metrics metrics;

    @JsonPropertyDescription("LLM-as-a-judge for errors; absent means no judging.")
    private LlmEndpoint judge;

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Metrics {
        @JsonPropertyDescription("k values of Recall@k (default [1, 5]).")
        @Size(max = Bounds.SETTINGS)
        private List<Integer> k;
        @Min(1)
        @JsonPropertyDescription("Beams when the model is run (default 5).")
        private Integer beams;
        @Min(0)
        @JsonPropertyDescription("Document-level bootstrap resamples for 95% intervals (default 1000; 0 turns them off).")
        private Integer bootstrapResamples;
        @JsonPropertyDescription("Seed of the bootstrap (default 42).")
        private Long seed;
    }
}
