package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.operator.OperatorSettings;
import java.util.List;

/** KnowledgeBase → a Job running {@code syncabel kb build}, with the spec's Job settings (resources, scheduling, limits). */
public final class KnowledgeBaseJob {
    public static final String SUFFIX = "kb";

    private KnowledgeBaseJob() {
    }

    public static Job desired(OperatorSettings settings, KnowledgeBase kb, StageRun run) {
        return StageJobs.job(settings, kb, kb.getSpec(), SUFFIX, List.of("kb", "build"), run, List.of()).build();
    }
}
