package io.syncabel.operator.reconcile;

import static io.syncabel.operator.reconcile.MockCluster.NS;
import static io.syncabel.operator.reconcile.MockCluster.eventually;
import static io.syncabel.operator.reconcile.MockCluster.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.ArtifactCleanupJob;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.status.StatusAggregator;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * artifactPolicy: Delete on the mock server: the stage stops before its prefix is deleted, the cleanup
 * Job survives foreground deletion (no owner reference), and artifacts another resource uses are kept.
 */
@EnableKubernetesMockClient(crud = true)
class SafeDeletionTest {
    static KubernetesClient client;
    static Operator operator;
    /** A short progress interval: deletion re-checks running pods and artifact users at this pace. */
    static final OperatorSettings SETTINGS = OperatorSettings.defaults().withProgressInterval(Duration.ofMillis(300));

    @BeforeAll
    static void start() throws Exception {
        client = MockCluster.patient(client);
        MockCluster.registerCrds(client);
        operator = MockCluster.start(client, SETTINGS);
    }

    @AfterAll
    static void stop() {
        operator.stop();
        client.close();
    }


    static <T extends CustomResource<?, ? extends StageStatus>> T get(Class<T> kind, String name) {
        return client.resources(kind).inNamespace(NS).withName(name).get();
    }

    static Optional<String> ready(CustomResource<?, ? extends StageStatus> resource) {
        return Optional.ofNullable(resource).map(CustomResource::getStatus)
                .flatMap(s -> StatusAggregator.condition(s, Conditions.READY)).map(c -> c.getReason() + ": " + c.getMessage());
    }

    static Optional<Job> job(String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(NS).withName(name).get());
    }

    /** The resource's stage Job (its name carries the run key): found by labels. */
    static Optional<Job> runJob(String name) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel(Labels.NAME, name).list().getItems().stream()
                .filter(j -> Labels.ROLE_RUN.equals(j.getMetadata().getLabels().get(Labels.ROLE))).findFirst();
    }

    static KnowledgeBase deletable(String name) {
        KnowledgeBase kb = Fixtures.kb(name);
        kb.getSpec().setArtifactPolicy(ArtifactPolicy.DELETE);
        return kb;
    }

    @Test
    void theRunningStageIsStoppedBeforeTheCleanupJobWhichHasNoOwnerToBeCollectedWith() {
        client.resource(deletable("kb-del")).create();
        eventually().until(() -> get(KnowledgeBase.class, "kb-del").hasFinalizer(StageReconciler.FINALIZER));
        Job run = eventually().until(() -> runJob("kb-del"), Optional::isPresent).orElseThrow();
        Pod pod = client.pods().resource(MockCluster.podOf(run, "a").withNewStatus().withPhase("Running").endStatus().build()).create();
        String uid = get(KnowledgeBase.class, "kb-del").getMetadata().getUid();

        client.resource(get(KnowledgeBase.class, "kb-del")).delete();
        eventually().until(() -> job(run.getMetadata().getName()).isEmpty());
        // the Job is gone but its pod still runs (it may still write under the prefix): no cleanup yet
        eventually().until(() -> ready(get(KnowledgeBase.class, "kb-del")).orElse("").startsWith("Deleting: stopping pod " + pod.getMetadata().getName()));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(() -> job("kb-del-cleanup").isEmpty());

        client.pods().resource(pod).edit(p -> {
            p.getStatus().setPhase("Failed");
            return p;
        });
        Job cleanup = eventually().until(() -> job("kb-del-cleanup"), Optional::isPresent).orElseThrow();
        assertThat(cleanup.getMetadata().getOwnerReferences()).as("no owner: foreground deletion must not collect it").isEmpty();
        assertThat(cleanup.getMetadata().getAnnotations()).containsEntry(ArtifactCleanupJob.OWNER_UID, uid);
        assertThat(cleanup.getMetadata().getLabels()).containsEntry(Labels.ROLE, Labels.ROLE_CLEANUP).containsEntry(Labels.NAME, "kb-del");
        eventually().until(() -> ready(get(KnowledgeBase.class, "kb-del")).orElse("").startsWith("Deleting: deleting artifacts under"));

        // found by its labels (it has no owner reference to be mapped by): its success lets the resource go, and it goes too
        MockCluster.succeed(client, cleanup, "{}");
        eventually().until(() -> get(KnowledgeBase.class, "kb-del") == null);
        eventually().until(() -> job("kb-del-cleanup").isEmpty());
    }

    @Test
    void aCleanupJobLeftByAnEarlierResourceOfTheSameNameDoesNotCount() {
        KnowledgeBase kb = deletable("kb-old");
        // the succeeded cleanup of a deleted kb-old whose finalizer was removed before its Job was
        Job stale = client.resource(ArtifactCleanupJob.desired(SETTINGS, withUid(Fixtures.kb("kb-old"), "0ld-uid"))).create();
        MockCluster.updateJobStatus(client, stale, j -> j.editOrNewStatus().withSucceeded(1)
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus());
        client.resource(kb).create();
        eventually().until(() -> get(KnowledgeBase.class, "kb-old").hasFinalizer(StageReconciler.FINALIZER));

        client.resource(get(KnowledgeBase.class, "kb-old")).delete();
        Job cleanup = eventually().until(() -> job("kb-old-cleanup").filter(j -> !"0ld-uid".equals(j.getMetadata().getAnnotations()
                .get(ArtifactCleanupJob.OWNER_UID))), Optional::isPresent).orElseThrow();
        assertThat(get(KnowledgeBase.class, "kb-old")).as("the stale Job's success deleted nothing of this one").isNotNull();
        MockCluster.succeed(client, cleanup, "{}");
        eventually().until(() -> get(KnowledgeBase.class, "kb-old") == null);
    }

    static KnowledgeBase withUid(KnowledgeBase kb, String uid) {
        kb.getMetadata().setUid(uid);
        return kb;
    }

    @Test
    void aModelALinkerServesIsKeptUntilTheLinkerIsGone() {
        TrainingRun tr = Fixtures.training("tr-used", "kb-missing");
        tr.getSpec().setArtifactPolicy(ArtifactPolicy.DELETE);
        client.resource(tr).create();
        eventually().until(() -> get(TrainingRun.class, "tr-used").hasFinalizer(StageReconciler.FINALIZER));
        client.resource(Fixtures.linker("ld-uses", "tr-used")).create();

        client.resource(get(TrainingRun.class, "tr-used")).delete();
        eventually().until(() -> ready(get(TrainingRun.class, "tr-used")).orElse("").startsWith("ArtifactsInUse: "));
        assertThat(ready(get(TrainingRun.class, "tr-used")).orElseThrow()).contains("LinkerDeployment/ld-uses");
        eventually().until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "tr-used".equals(e.getInvolvedObject().getName()) && "ArtifactsInUse".equals(e.getReason())
                        && "Warning".equals(e.getType())));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(() -> job("tr-used-cleanup").isEmpty());
        assertThat(get(TrainingRun.class, "tr-used").getMetadata().getFinalizers()).contains(StageReconciler.FINALIZER);
        long inUseEvents = client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "tr-used".equals(e.getInvolvedObject().getName()) && "ArtifactsInUse".equals(e.getReason())).count();
        assertThat(inUseEvents).as("one Event, not one per re-check").isEqualTo(1);

        client.resource(get(LinkerDeployment.class, "ld-uses")).delete();
        Job cleanup = eventually().until(() -> job("tr-used-cleanup"), Optional::isPresent).orElseThrow();
        MockCluster.succeed(client, cleanup, "{}");
        eventually().until(() -> get(TrainingRun.class, "tr-used") == null);
        assertThat(jobs(client, "tr-used")).isEmpty();
    }

    @Test
    void aLinkerGivenTheModelByUriAlsoKeepsIt() {
        TrainingRun tr = Fixtures.training("tr-uri", "kb-missing");
        tr.getSpec().setArtifactPolicy(ArtifactPolicy.DELETE);
        client.resource(tr).create();
        eventually().until(() -> get(TrainingRun.class, "tr-uri").hasFinalizer(StageReconciler.FINALIZER));
        LinkerDeployment ld = Fixtures.linker("ld-uri", null);
        ld.getSpec().setTrainingRunRef(null);
        ld.getSpec().setModelUri(io.syncabel.operator.children.StageRun.prefix(SETTINGS, get(TrainingRun.class, "tr-uri")) + "1-0a1b2c3d/");
        client.resource(ld).create();

        client.resource(get(TrainingRun.class, "tr-uri")).delete();
        eventually().until(() -> ready(get(TrainingRun.class, "tr-uri")).orElse("").contains("LinkerDeployment/ld-uri"));
        assertThat(job("tr-uri-cleanup")).isEmpty();
    }
}
