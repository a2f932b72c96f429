package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.syncabel.operator.OperatorSettings;
import java.util.List;
import java.util.Map;

/**
 * artifactPolicy: Delete → on deletion, a Job running {@code syncabel store delete --prefix <uri>}
 * over everything the resource wrote (all generations); the finalizer is removed once it succeeds.
 */
public final class ArtifactCleanupJob {
    public static final String SUFFIX = "cleanup";

    private ArtifactCleanupJob() {
    }

    public static Job desired(OperatorSettings settings, CustomResource<?, ?> owner) {
        String prefix = StageRun.prefix(settings, owner);
        Map<String, String> labels = Labels.of(owner, Labels.ROLE_CLEANUP);
        StageRun none = new StageRun("cleanup", null, Map.of(), List.of());
        return new JobBuilder()
                .withNewMetadata()
                    .withName(Names.child(owner.getMetadata().getName(), SUFFIX))
                    .withNamespace(owner.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(RuntimePod.ownerReference(owner))
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(StageJobs.DEFAULT_BACKOFF_LIMIT)
                    .withTtlSecondsAfterFinished(StageJobs.DEFAULT_TTL_SECONDS)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withSpec(RuntimePod.podSpec(settings, null, "Never")
                                .withContainers(RuntimePod.container(settings, owner, List.of("store", "delete", "--prefix", prefix), none, null).build())
                                .build())
                    .endTemplate()
                .endSpec()
                .build();
    }
}
