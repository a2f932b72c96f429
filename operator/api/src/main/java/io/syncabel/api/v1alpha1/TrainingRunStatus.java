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
public class TrainingRunStatus extends StageStatus {
    @JsonPropertyDescription("Current (or last) epoch.")
    private Integer epoch;
    @JsonPropertyDescription("Optimiser steps done.")
    private Long step;
    @JsonPropertyDescription("Latest training loss.")
    private Double loss;
    @JsonPropertyDescription("Dev Recall@1 (percent) of the best checkpoint.")
    private Double devRecallAt1;
    @JsonPropertyDescription("Trainable parameters.")
    private Long parameters;
    @JsonPropertyDescription("Training examples (human + synthetic).")
    private Long examples;
}
