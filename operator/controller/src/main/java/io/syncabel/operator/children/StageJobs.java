package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.syncabel.api.v1alpha1.common.JobStageSpec;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.operator.OperatorSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The shape every stage Job shares; the per-kind classes add what is theirs. */
public final class StageJobs {
    /** Job defaults reported in docs/operator.md (the operator never writes them into spec). */
    public static final int DEFAULT_BACKOFF_LIMIT = 2;
    public static final int DEFAULT_TTL_SECONDS = 86400;
    /** The runtime's "bad input" exit code: retrying cannot help. */
    public static final int EXIT_BAD_INPUT = 2;

    private StageJobs() {
    }

    /** Name of the Job of one run: {@code <name>-<suffix>-<runKey>-<execution hash>} ({@link StageRun#jobKey}). */
    public static String name(CustomResource<?, ?> owner, String suffix, StageRun run) {
        return Names.child(owner.getMetadata().getName(), suffix + "-" + run.jobKey());
    }

    /**
     * @param spec the Job settings of the stage (null: the defaults)
     */
    public static JobBuilder job(OperatorSettings settings, CustomResource<?, ?> owner, JobStageSpec spec, String suffix,
            List<String> args, StageRun run, List<EnvVar> extraEnv) {
        Optional<JobStageSpec> stage = Optional.ofNullable(spec);
        Scheduling scheduling = stage.map(JobStageSpec::getScheduling).orElse(null);
        Map<String, String> labels = Labels.of(owner, Labels.ROLE_RUN);
        Optional<String> queue = Optional.ofNullable(scheduling).map(Scheduling::getQueueName)
                .or(() -> settings.podDefaults().queueName());
        queue.ifPresent(q -> labels.put(Labels.KUEUE_QUEUE, q));
        Map<String, String> podLabels = Labels.of(owner, Labels.ROLE_RUN);

        Container container = RuntimePod.container(settings, owner, args, run, stage.map(JobStageSpec::getResources).orElse(null))
                .addAllToEnv(extraEnv).build();
        return new JobBuilder()
                .withNewMetadata()
                    .withName(name(owner, suffix, run))
                    .withNamespace(owner.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(RuntimePod.ownerReference(owner))
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(stage.map(JobStageSpec::getBackoffLimit).orElse(DEFAULT_BACKOFF_LIMIT))
                    .withActiveDeadlineSeconds(stage.map(JobStageSpec::getActiveDeadlineSeconds).orElse(null))
                    .withTtlSecondsAfterFinished(stage.map(JobStageSpec::getTtlSecondsAfterFinished).orElse(DEFAULT_TTL_SECONDS))
                    // Kueue admits a queued Job by unsuspending it; the operator leaves suspend of a queued Job to Kueue.
                    .withSuspend(queue.isPresent() || stage.map(JobStageSpec::getSuspend).orElse(false))
                    .withNewPodFailurePolicy().withRules(badInputFailsJob(), disruptionIsIgnored()).endPodFailurePolicy()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(podLabels).endMetadata()
                        .withSpec(RuntimePod.podSpec(settings, scheduling, "Never", stage.map(JobStageSpec::getResources).orElse(null))
                                .withContainers(container).build())
                    .endTemplate()
                .endSpec();
    }

    static PodFailurePolicyRule badInputFailsJob() {
        return new PodFailurePolicyRuleBuilder().withAction("FailJob")
                .withNewOnExitCodes().withContainerName(RuntimePod.CONTAINER).withOperator("In").withValues(EXIT_BAD_INPUT).endOnExitCodes()
                .build();
    }

    /** Preemption and node drains do not count against the retries. */
    static PodFailurePolicyRule disruptionIsIgnored() {
        return new PodFailurePolicyRuleBuilder().withAction("Ignore")
                .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition()
                .build();
    }
}
