package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.operator.OperatorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Evaluation → a Job running {@code syncabel evaluate} (against a linker URL or a model URI). */
public final class EvaluationJob {
    public static final String SUFFIX = "eval";

    private EvaluationJob() {
    }

    public static Job desired(OperatorSettings settings, Evaluation ev, StageRun run) {
        List<EnvVar> env = new ArrayList<>();
        Optional.ofNullable(ev.getSpec().getJudge()).map(LlmEndpoint::getApiKeySecretRef).ifPresent(ref -> env.add(RuntimePod.llmApiKey(ref)));
        return StageJobs.job(settings, ev, ev.getSpec(), SUFFIX, List.of("evaluate"), run, env).build();
    }
}
