package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.syncabel.operator.OperatorSettings;

/**
 * SyntheticDataset → an Indexed Job running {@code syncabel synth generate}, one completion per
 * shard, each retried on its own (backoffLimitPerIndex). A rerun of the same run resumes: the
 * runtime skips shards already published under the output prefix.
 */
public final class SyntheticDatasetJob {
    public static final String SUFFIX = "synth";
    public static final int DEFAULT_BACKOFF_LIMIT_PER_INDEX = 2;

    private SyntheticDatasetJob() {
    }

    public static int shards(SyntheticDataset sd) {
        return Optional.ofNullable(sd.getSpec().getShards()).orElse(1);
    }

    public static Job desired(OperatorSettings settings, SyntheticDataset sd, StageRun run) {
        SyntheticDatasetSpec spec = sd.getSpec();
        int shards = shards(sd);
        List<EnvVar> env = new ArrayList<>();
        env.add(RuntimePod.plain("SYNCABEL_SHARDS", String.valueOf(shards)));
        Optional.ofNullable(spec.getGenerator()).map(SyntheticDatasetSpec.Generator::getLlm).map(LlmEndpoint::getApiKeySecretRef)
                .ifPresent(ref -> env.add(RuntimePod.llmApiKey(ref)));
        JobBuilder job = StageJobs.job(settings, sd, spec, SUFFIX, List.of("synth", "generate"), run, env);
        return job.editSpec()
                .withCompletionMode("Indexed")
                .withCompletions(shards)
                .withParallelism(Optional.ofNullable(spec.getParallelism()).orElse(shards))
                .withBackoffLimitPerIndex(Optional.ofNullable(spec.getBackoffLimitPerIndex()).orElse(DEFAULT_BACKOFF_LIMIT_PER_INDEX))
                // with per-index retries the Job-wide limit only applies when the spec sets one
                .withBackoffLimit(spec.getBackoffLimit())
                .endSpec()
                .build();
    }
}
