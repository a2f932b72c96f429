package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.operator.OperatorSettings;
import java.util.List;

/** TrainingRun → a Job running {@code syncabel train} (GPU resources and placement from the spec). */
public final class TrainingRunJob {
    public static final String SUFFIX = "train";

    private TrainingRunJob() {
    }

    public static Job desired(OperatorSettings settings, TrainingRun tr, StageRun run) {
        return StageJobs.job(settings, tr, tr.getSpec(), SUFFIX, List.of("train"), run, List.of()).build();
    }
}
