package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.syncabel.operator.OperatorSettings;
import java.util.List;
import java.util.Map;

/**
 * artifactPolicy: Delete → on deletion, a Job running {@code syncabel store delete --prefix <uri>}
 * over everything the resource wrote (all generations); the finalizer is removed once it succeeds.
 *
 * <p>The Job has no owner reference: the garbage collector must not take it while its resource is
 * being deleted (under foreground deletion, Argo CD's default, a dependent with blockOwnerDeletion is
 * deleted as soon as it is created, so the cleanup would never run). The operator finds it by its
 * labels and by the {@link #OWNER_UID} annotation, which tells it from the Job of an earlier resource
 * of the same name, and deletes it once it succeeded; a failed one is left for its logs until
 * ttlSecondsAfterFinished.
 */
public final class ArtifactCleanupJob {
    public static final String SUFFIX = "cleanup";
    /** The uid of the resource whose artifacts the Job deletes. */
    public static final String OWNER_UID = "syncabel.io/owner-uid";

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
                    .withAnnotations(owner.getMetadata().getUid() == null ? Map.of() : Map.of(OWNER_UID, owner.getMetadata().getUid()))
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

    /** Whether {@code job} is the cleanup of {@code owner} (same uid), not of an earlier resource of that name. */
    public static boolean belongsTo(Job job, HasMetadata owner) {
        var annotations = job.getMetadata().getAnnotations();
        return annotations != null && owner.getMetadata().getUid() != null && owner.getMetadata().getUid().equals(annotations.get(OWNER_UID));
    }
}
