package io.syncabel.operator.reconcile;

import static io.syncabel.operator.reconcile.MockCluster.NS;
import static io.syncabel.operator.reconcile.MockCluster.eventually;
import static io.syncabel.operator.reconcile.MockCluster.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.status.StatusAggregator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch kinds against the fabric8 mock server: one operator for the class, one set of names per test. */
@EnableKubernetesMockClient(crud = true)
class ReconcileOnMockServerTest {
    static KubernetesClient client;
    static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
    static Operator operator;
    static final OperatorSettings SETTINGS = OperatorSettings.defaults();

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

    /** A user's change, as kubectl edit makes it (retried on 409 like kubectl): {@link MockCluster#edit}. */
    static <T extends CustomResource<?, ?>> void edit(Class<T> kind, String name, java.util.function.Consumer<T> change) {
        MockCluster.edit(client, kind, NS, name, change);
    }

    static String ready(CustomResource<?, ? extends StageStatus> resource) {
        if (resource == null || resource.getStatus() == null) {
            return null;
        }
        return StatusAggregator.condition(resource.getStatus(), Conditions.READY).map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
    }

    static Map<String, String> env(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    static Job onlyJob(String owner) {
        eventually().until(() -> jobs(client, owner).size() == 1);
        return jobs(client, owner).get(0);
    }

    @Test
    void aKnowledgeBaseRunsAsAJobAndReportsItsCounts() {
        client.resource(Fixtures.kb("kb-a")).create();
        Job job = onlyJob("kb-a");
        assertThat(job.getMetadata().getName()).matches("kb-a-kb-[0-9a-f]{12}-[0-9a-f]{5}");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo("kb-a"));
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly("kb", "build");
        assertThat(env(job).get("SYNCABEL_OUTPUT_URI")).matches("s3://syncabel/test/knowledgebases/kb-a/[0-9a-f]{12}/");
        eventually().until(() -> "False/Pending".equals(ready(get(KnowledgeBase.class, "kb-a"))));

        MockCluster.succeed(client, job, "{\"concepts\":413,\"names\":2100,\"kbVersion\":\"2012-07-06\"}");
        eventually().until(() -> {
            KnowledgeBase kb = get(KnowledgeBase.class, "kb-a");
            return "True/Succeeded".equals(ready(kb)) && Long.valueOf(2100).equals(kb.getStatus().getNames());
        });
        KnowledgeBase kb = get(KnowledgeBase.class, "kb-a");
        assertThat(kb.getStatus().getConcepts()).isEqualTo(413L);
        eventually().until(() -> eventReasons("kb-a").containsAll(List.of("RunCreated", "RunSucceeded")));
        assertThat(kb.getStatus().getObservedGeneration()).isEqualTo(1L);
        assertThat(kb.getStatus().getOutputUri()).isEqualTo(env(job).get("SYNCABEL_OUTPUT_URI"))
                .isEqualTo("s3://syncabel/test/knowledgebases/kb-a/" + kb.getStatus().getRunKey() + "/");
        assertThat(kb.getStatus().getCompletionTime()).isEqualTo("2026-11-27T10:05:00Z");
        assertThat(kb.getSpec().getArtifactPolicy()).as("spec untouched").isNull();
        assertThat(kb.getMetadata().getFinalizers()).as("Retain needs no finalizer").isEmpty();

        // a reconcile that sees nothing new writes nothing (an unrelated pod event triggers one)
        String version = kb.getMetadata().getResourceVersion();
        client.pods().resource(MockCluster.podOf(job, "unrelated").editMetadata().removeFromLabels(io.syncabel.operator.children.Labels.JOB_NAME)
                .endMetadata().build()).create();
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5))
                .until(() -> version.equals(get(KnowledgeBase.class, "kb-a").getMetadata().getResourceVersion()));

        // artifactPolicy changes what happens on deletion, not the result: a finalizer, no rerun
        edit(KnowledgeBase.class, "kb-a", r -> r.getSpec().setArtifactPolicy(ArtifactPolicy.DELETE));
        eventually().until(() -> get(KnowledgeBase.class, "kb-a").getMetadata().getFinalizers().contains(StageReconciler.FINALIZER)
                && Long.valueOf(2).equals(get(KnowledgeBase.class, "kb-a").getStatus().getObservedGeneration()));
        assertThat(jobs(client, "kb-a")).hasSize(1);
        assertThat(ready(get(KnowledgeBase.class, "kb-a"))).isEqualTo("True/Succeeded");
        assertThat(get(KnowledgeBase.class, "kb-a").getStatus().getConcepts()).isEqualTo(413L);

        // ttlSecondsAfterFinished removes the finished Job: the result stands, nothing reruns
        client.resource(job).delete();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> jobs(client, "kb-a").isEmpty());
        assertThat(ready(get(KnowledgeBase.class, "kb-a"))).isEqualTo("True/Succeeded");
    }

    @Test
    void dependentsWaitForTheirInputsAndRerunWhenAnUpstreamSpecChanges() {
        client.resource(Fixtures.synth("sd-b", "kb-b")).create();
        eventually().until(() -> "False/WaitingKnowledgeBase".equals(ready(get(SyntheticDataset.class, "sd-b"))));
        assertThat(jobs(client, "sd-b")).isEmpty();

        client.resource(Fixtures.kb("kb-b")).create();
        MockCluster.succeed(client, onlyJob("kb-b"), "{\"concepts\":1}");
        Job synth = onlyJob("sd-b");
        assertThat(synth.getSpec().getCompletions()).isEqualTo(2);
        String kbOutput = get(KnowledgeBase.class, "kb-b").getStatus().getOutputUri();
        assertThat(env(synth)).containsEntry("SYNCABEL_INPUT_KNOWLEDGE_BASE", kbOutput);
        assertThat(env(synth).get("SYNCABEL_OUTPUT_URI")).matches("s3://syncabel/test/syntheticdatasets/sd-b/[0-9a-f]{12}/");
        eventually().until(() -> get(SyntheticDataset.class, "sd-b").getStatus().getInputs() != null);
        assertThat(get(SyntheticDataset.class, "sd-b").getStatus().getInputs()).singleElement()
                .satisfies(i -> assertThat(i.getUri()).isEqualTo(kbOutput));

        // a new KB generation: the dataset waits again, then gets a new Job reading the new output
        edit(KnowledgeBase.class, "kb-b", kb -> kb.getSpec().setDefaultGroup("CHEM"));
        eventually().until(() -> jobs(client, "kb-b").size() == 2);
        eventually().until(() -> "False/WaitingKnowledgeBase".equals(ready(get(SyntheticDataset.class, "sd-b"))));
        Job kb2 = jobs(client, "kb-b").stream().filter(j -> !env(j).get("SYNCABEL_OUTPUT_URI").equals(kbOutput)).findFirst().orElseThrow();
        MockCluster.succeed(client, kb2, "{\"concepts\":2}");
        eventually().until(() -> jobs(client, "sd-b").stream()
                .anyMatch(j -> env(j).get("SYNCABEL_INPUT_KNOWLEDGE_BASE").equals(env(kb2).get("SYNCABEL_OUTPUT_URI"))));
        eventually().until(() -> jobs(client, "sd-b").size() == 1);
        assertThat(jobs(client, "sd-b").get(0).getMetadata().getName()).as("the superseded run was stopped")
                .isNotEqualTo(synth.getMetadata().getName());
        eventually().until(() -> eventReasons("sd-b").containsAll(List.of("RunCreated", "RunSuperseded")));
    }

    @Test
    void theRerunAnnotationStartsANewRunOfTheSameSpecUnderAFreshPrefix() {
        client.resource(Fixtures.kb("kb-rr")).create();
        MockCluster.succeed(client, onlyJob("kb-rr"), "{\"concepts\":1}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(KnowledgeBase.class, "kb-rr"))));
        String firstOutput = get(KnowledgeBase.class, "kb-rr").getStatus().getOutputUri();

        client.resources(KnowledgeBase.class).inNamespace(NS).withName("kb-rr")
                .edit(kb -> annotate(kb, "1"));
        eventually().until(() -> jobs(client, "kb-rr").size() == 2
                && "False/Pending".equals(ready(get(KnowledgeBase.class, "kb-rr"))));
        KnowledgeBase kb = get(KnowledgeBase.class, "kb-rr");
        assertThat(kb.getMetadata().getGeneration()).as("no spec change").isEqualTo(1L);
        assertThat(kb.getStatus().getRerun()).isEqualTo("1");
        assertThat(kb.getStatus().getOutputUri()).isNotEqualTo(firstOutput).startsWith("s3://syncabel/test/knowledgebases/kb-rr/");
        assertThat(kb.getStatus().getConcepts()).as("the new run's figures start afresh").isNull();
        Job second = jobs(client, "kb-rr").stream().filter(j -> !env(j).get("SYNCABEL_OUTPUT_URI").equals(firstOutput)).findFirst().orElseThrow();
        MockCluster.succeed(client, second, "{\"concepts\":2}");
        eventually().until(() -> Long.valueOf(2).equals(get(KnowledgeBase.class, "kb-rr").getStatus().getConcepts()));
        assertThat(jobs(client, "kb-rr")).hasSize(2);
    }

    static KnowledgeBase annotate(KnowledgeBase kb, String rerun) {
        kb.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(io.syncabel.operator.children.StageRun.RERUN_ANNOTATION, rerun)));
        return kb;
    }

    @Test
    void aFailedJobIsReportedWithItsCause() {
        client.resource(Fixtures.kb("kb-c")).create();
        Job job = onlyJob("kb-c");
        client.pods().resource(MockCluster.podOf(job, "x").withNewStatus().withPhase("Failed").addNewContainerStatus().withName("runtime")
                .withNewState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endState()
                .endContainerStatus().endStatus().build()).create();
        MockCluster.updateJobStatus(client, job, j -> j.editOrNewStatus().withFailed(1).addNewCondition().withType("Failed").withStatus("True")
                .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit").endCondition().endStatus());
        eventually().until(() -> "False/Failed".equals(ready(get(KnowledgeBase.class, "kb-c"))));
        String message = StatusAggregator.condition(get(KnowledgeBase.class, "kb-c").getStatus(), Conditions.READY).orElseThrow().getMessage();
        assertThat(message).contains("BackoffLimitExceeded", "OOMKilled");
        eventually().until(() -> eventReasons("kb-c").contains("RunFailed"));
        var failed = client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "kb-c".equals(e.getInvolvedObject().getName()) && "RunFailed".equals(e.getReason())).toList();
        assertThat(failed).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("KnowledgeBase");
            assertThat(e.getMessage()).contains("BackoffLimitExceeded");
        });
    }

    /** The reasons of the Events about a resource, oldest first (as kubectl describe lists them). */
    static List<String> eventReasons(String name) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .map(io.fabric8.kubernetes.api.model.Event::getReason).toList();
    }

    @Test
    void aPausedResourceIsLeftAlone() {
        KnowledgeBase kb = Fixtures.kb("kb-d");
        kb.getMetadata().setAnnotations(Map.of(StageReconciler.PAUSED_ANNOTATION, "true"));
        client.resource(kb).create();
        eventually().until(() -> get(KnowledgeBase.class, "kb-d").getStatus() != null
                && StatusAggregator.condition(get(KnowledgeBase.class, "kb-d").getStatus(), Conditions.PAUSED).isPresent());
        assertThat(jobs(client, "kb-d")).isEmpty();

        edit(KnowledgeBase.class, "kb-d", r -> r.getMetadata().setAnnotations(Map.of()));
        onlyJob("kb-d");
        eventually().until(() -> StatusAggregator.condition(get(KnowledgeBase.class, "kb-d").getStatus(), Conditions.PAUSED).isEmpty());
    }

    @Test
    void artifactPolicyDeleteAddsAFinalizerAndDeletesThroughACleanupJob() {
        KnowledgeBase kb = Fixtures.kb("kb-e");
        kb.getSpec().setArtifactPolicy(ArtifactPolicy.DELETE);
        client.resource(kb).create();
        eventually().until(() -> get(KnowledgeBase.class, "kb-e").getMetadata().getFinalizers().contains(StageReconciler.FINALIZER));
        onlyJob("kb-e");

        client.resource(get(KnowledgeBase.class, "kb-e")).delete();
        eventually().until(() -> jobs(client, "kb-e").stream().anyMatch(j -> j.getMetadata().getName().equals("kb-e-cleanup")));
        Job cleanup = jobs(client, "kb-e").stream().filter(j -> j.getMetadata().getName().equals("kb-e-cleanup")).findFirst().orElseThrow();
        assertThat(cleanup.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("store", "delete", "--prefix", "s3://syncabel/test/knowledgebases/kb-e/");
        assertThat(get(KnowledgeBase.class, "kb-e")).as("kept until the artifacts are gone").isNotNull();

        MockCluster.succeed(client, cleanup, "{}");
        eventually().until(() -> {
            KnowledgeBase gone = get(KnowledgeBase.class, "kb-e");
            return gone == null || !gone.getMetadata().getFinalizers().contains(StageReconciler.FINALIZER);
        });
    }

    @Test
    void aTrainingRunWaitsForEveryDatasetAndRecordsItsLineage() {
        TrainingRun queued = Fixtures.training("tr-f", "kb-f", "sd-f");
        Scheduling scheduling = new Scheduling();
        scheduling.setQueueName("gpu-queue");
        scheduling.setNodeSelector(Map.of("nvidia.com/gpu.present", "true"));
        queued.getSpec().setScheduling(scheduling);
        queued.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("nvidia.com/gpu", new Quantity("1")).build());
        client.resource(queued).create();
        eventually().until(() -> "False/WaitingKnowledgeBase".equals(ready(get(TrainingRun.class, "tr-f"))));
        client.resource(Fixtures.kb("kb-f")).create();
        MockCluster.succeed(client, onlyJob("kb-f"), "{}");
        eventually().until(() -> "False/WaitingSyntheticDataset".equals(ready(get(TrainingRun.class, "tr-f"))));
        client.resource(Fixtures.synth("sd-f", "kb-f")).create();
        MockCluster.succeed(client, onlyJob("sd-f"), "{\"examples\":7}");
        Job training = onlyJob("tr-f");
        assertThat(env(training)).containsKeys("SYNCABEL_INPUT_KNOWLEDGE_BASE", "SYNCABEL_INPUT_SYNTHETIC_DATASETS");
        assertThat(env(training).get("SYNCABEL_INPUT_SYNTHETIC_DATASETS")).startsWith("s3://syncabel/test/syntheticdatasets/sd-f/");
        assertThat(training.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "gpu-queue");
        assertThat(training.getSpec().getSuspend()).isTrue();
        assertThat(training.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(training.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()).containsKey("nvidia.com/gpu");
        eventually().until(() -> "False/Queued".equals(ready(get(TrainingRun.class, "tr-f"))));
        // Kueue admits it
        client.batch().v1().jobs().inNamespace(NS).withName(training.getMetadata().getName()).edit(j -> {
            j.getSpec().setSuspend(false);
            return j;
        });
        MockCluster.succeed(client, training, "{\"epoch\":10,\"loss\":0.5,\"devRecallAt1\":81.5}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(TrainingRun.class, "tr-f"))));
        TrainingRun tr = get(TrainingRun.class, "tr-f");
        assertThat(tr.getStatus().getDevRecallAt1()).isEqualTo(81.5);
        assertThat(tr.getStatus().getInputs()).extracting(i -> i.getKind()).containsExactly("KnowledgeBase", "SyntheticDataset");
        assertThat(get(SyntheticDataset.class, "sd-f").getStatus().getExamples()).isEqualTo(7L);

        Evaluation evaluation = Fixtures.evaluationOfLinker("ev-f", "unused");
        evaluation.getSpec().setLinkerRef(null);
        evaluation.getSpec().setTrainingRunRef(new LocalObjectRef("tr-f"));
        client.resource(evaluation).create();
        assertThat(env(onlyJob("ev-f"))).containsEntry("SYNCABEL_INPUT_MODEL", tr.getStatus().getOutputUri())
                .doesNotContainKey("SYNCABEL_LINKER_URL");
    }

    @Test
    void anOperatorRestartCreatesNoDuplicateJobAndKeepsStatus() {
        client.resource(Fixtures.kb("kb-g")).create();
        Job job = onlyJob("kb-g");
        eventually().until(() -> ready(get(KnowledgeBase.class, "kb-g")) != null);
        operator.stop();
        operator = MockCluster.start(client, SETTINGS);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> jobs(client, "kb-g").size() == 1);
        assertThat(jobs(client, "kb-g").get(0).getMetadata().getUid()).isEqualTo(job.getMetadata().getUid());
        MockCluster.succeed(client, job, "{\"concepts\":5}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(KnowledgeBase.class, "kb-g"))));
        assertThat(jobs(client, "kb-g")).hasSize(1);
        assertThat(List.of(get(KnowledgeBase.class, "kb-g").getStatus().getConcepts())).containsExactly(5L);
    }

    @Test
    void aJobWhosePodsAreRefusedShowsFailedCreateFromItsEvents() {
        // the Job's name follows from the resource's UID: made paused, so its name is known before its Job exists
        KnowledgeBase paused = Fixtures.kb("kb-pss");
        paused.getMetadata().setAnnotations(Map.of(StageReconciler.PAUSED_ANNOTATION, "true"));
        client.resource(paused).create();
        // unpaused only once the paused reconcile has written its status, as aPausedResourceIsLeftAlone does: in one CI
        // run an unpause 3 ms before that write was followed by no reconcile at all on the CRUD mock
        eventually().until(() -> get(KnowledgeBase.class, "kb-pss").getStatus() != null
                && StatusAggregator.condition(get(KnowledgeBase.class, "kb-pss").getStatus(), Conditions.PAUSED).isPresent());
        KnowledgeBase created = get(KnowledgeBase.class, "kb-pss");
        String jobName = io.syncabel.operator.children.KnowledgeBaseJob.desired(SETTINGS, created,
                io.syncabel.operator.children.StageRun.of(SETTINGS, created, Map.of(), List.of())).getMetadata().getName();
        // the Job controller's Event about the Job, as the API server answers the operator's field selector
        // (the CRUD mock stores Events but filters only on metadata fields)
        var event = new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                .withName(jobName + ".1").withNamespace(NS).endMetadata().withType("Warning").withReason("FailedCreate")
                .withMessage("Error creating: pods \"" + jobName + "-abcde\" is forbidden: violates PodSecurity \"restricted:latest\"")
                .withNewInvolvedObject().withKind("Job").withName(jobName).withNamespace(NS).endInvolvedObject().build();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/events?fieldSelector="
                + java.net.URLEncoder.encode("involvedObject.kind=Job,involvedObject.name=" + jobName, java.nio.charset.StandardCharsets.UTF_8))
                .andReturn(200, new io.fabric8.kubernetes.api.model.EventListBuilder().withItems(event).build()).always();
        edit(KnowledgeBase.class, "kb-pss", r -> r.getMetadata().setAnnotations(Map.of()));
        eventually().until(() -> "False/FailedCreate".equals(ready(get(KnowledgeBase.class, "kb-pss"))));
        assertThat(onlyJob("kb-pss").getMetadata().getName()).isEqualTo(jobName);
        assertThat(StatusAggregator.condition(get(KnowledgeBase.class, "kb-pss").getStatus(), Conditions.READY).orElseThrow().getMessage())
                .startsWith("Job " + jobName + " cannot create its pods: ").contains("PodSecurity");
    }

    @Test
    void aResourceWithALongNameFindsItsPodsAndOneWithoutSpecIsReportedNotThrown() {
        String name = "kb-" + "x".repeat(70);
        client.resource(Fixtures.kb(name)).create();
        Job job = onlyJob(name);
        String nameLabel = job.getSpec().getTemplate().getMetadata().getLabels().get(io.syncabel.operator.children.Labels.NAME);
        assertThat(nameLabel).hasSizeLessThanOrEqualTo(63);
        client.pods().resource(MockCluster.podOf(job, "p").withNewStatus().withPhase("Pending").addNewContainerStatus().withName("runtime")
                .withNewState().withNewWaiting().withReason("InvalidImageName").withMessage("bad ref").endWaiting().endState()
                .endContainerStatus().endStatus().build()).create();
        eventually().until(() -> "False/InvalidImageName".equals(ready(get(KnowledgeBase.class, name))));

        KnowledgeBase bare = Fixtures.kb("kb-bare");
        bare.setSpec(null);
        client.resource(bare).create();
        eventually().until(() -> "False/InvalidSpec".equals(ready(get(KnowledgeBase.class, "kb-bare"))));
    }

    @Test
    void aLinkerIsReadyOnlyWhenRolledOutAndNoPodCrashesAndEvaluationsWaitForIt() {
        client.resource(Fixtures.linker("ld-w", "tr-missing")).create();
        eventually().until(() -> "False/WaitingTrainingRun".equals(ready(get(LinkerDeployment.class, "ld-w"))));

        client.resource(Fixtures.evaluationOfLinker("ev-h", "ld-h")).create();
        eventually().until(() -> "False/WaitingLinkerDeployment".equals(ready(get(Evaluation.class, "ev-h"))));
        LinkerDeployment ld = Fixtures.linker("ld-h", null);
        ld.getSpec().setTrainingRunRef(null);
        ld.getSpec().setModelUri("s3://models/medic/");
        ld.getSpec().setRollout(LinkerDeploymentSpec.Rollout.RECREATE);
        client.resource(ld).create();

        var deployments = client.apps().deployments().inNamespace(NS);
        eventually().until(() -> deployments.withName("ld-h-linker").get() != null && client.services().inNamespace(NS).withName("ld-h-linker").get() != null);
        Deployment deployment = deployments.withName("ld-h-linker").get();
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        eventually().until(() -> "False/Pending".equals(ready(get(LinkerDeployment.class, "ld-h"))));
        assertThat(get(LinkerDeployment.class, "ld-h").getStatus().getUrl()).isEqualTo("http://ld-h-linker.test.svc:8080");

        deployments.resource(new DeploymentBuilder(deployment).withNewStatus().withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).endStatus().build()).updateStatus();
        eventually().until(() -> "True/Succeeded".equals(ready(get(LinkerDeployment.class, "ld-h"))));
        Job evaluation = onlyJob("ev-h");
        assertThat(env(evaluation)).containsEntry("SYNCABEL_LINKER_URL", "http://ld-h-linker.test.svc:8080")
                .containsEntry("SYNCABEL_INPUT_MODEL", "s3://models/medic/");
        assertThat(evaluation.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly("evaluate");

        Map<String, String> podLabels = new java.util.HashMap<>(deployment.getSpec().getTemplate().getMetadata().getLabels());
        client.pods().resource(new PodBuilder().withNewMetadata().withName("ld-h-linker-abc").withNamespace(NS).withLabels(podLabels).endMetadata()
                .withNewStatus().addNewContainerStatus().withName("runtime").withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                .withMessage("back-off restarting failed container").endWaiting().endState().endContainerStatus().endStatus().build()).create();
        eventually().until(() -> "False/CrashLoopBackOff".equals(ready(get(LinkerDeployment.class, "ld-h"))));

        // autoscaling on: an HPA appears and owns the replica count; off: it goes
        var autoscaling = new LinkerDeploymentSpec.Autoscaling();
        autoscaling.setMaxReplicas(3);
        edit(LinkerDeployment.class, "ld-h", r -> r.getSpec().setAutoscaling(autoscaling));
        var hpas = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS);
        eventually().until(() -> hpas.withName("ld-h-linker").get() != null);
        assertThat(hpas.withName("ld-h-linker").get().getSpec().getMaxReplicas()).isEqualTo(3);
        edit(LinkerDeployment.class, "ld-h", r -> {
            r.getSpec().setAutoscaling(null);
            r.getSpec().setReplicas(2);
        });
        eventually().until(() -> hpas.withName("ld-h-linker").get() == null
                && Integer.valueOf(2).equals(deployments.withName("ld-h-linker").get().getSpec().getReplicas()));

        // the ReplicaSet cannot create pods: the Deployment's ReplicaFailure says why
        Deployment live = deployments.withName("ld-h-linker").get();
        deployments.resource(new DeploymentBuilder(live).editStatus().addNewCondition().withType("ReplicaFailure").withStatus("True")
                .withReason("FailedCreate").withMessage("pods \"ld-h-linker-x\" is forbidden: exceeded quota").endCondition().endStatus()
                .build()).updateStatus();
        eventually().until(() -> "False/FailedCreate".equals(ready(get(LinkerDeployment.class, "ld-h"))));
    }

    @Test
    void scalingALinkerOrChangingItsServiceRollsNoPods() {
        LinkerDeployment ld = Fixtures.linker("ld-r", null);
        ld.getSpec().setTrainingRunRef(null);
        ld.getSpec().setModelUri("s3://models/medic/");
        client.resource(ld).create();
        var deployments = client.apps().deployments().inNamespace(NS);
        // the first reconcile has written its status: an edit in the middle of it could be taken for its own write
        eventually().until(() -> deployments.withName("ld-r-linker").get() != null && ready(get(LinkerDeployment.class, "ld-r")) != null);
        var template = deployments.withName("ld-r-linker").get().getSpec().getTemplate();

        edit(LinkerDeployment.class, "ld-r", r -> {
            r.getSpec().setReplicas(3);
            var service = new LinkerDeploymentSpec.ServiceSpec();
            service.setType(LinkerDeploymentSpec.ServiceType.NODE_PORT);
            r.getSpec().setService(service);
        });
        eventually().until(() -> Integer.valueOf(3).equals(deployments.withName("ld-r-linker").get().getSpec().getReplicas())
                && "NodePort".equals(client.services().inNamespace(NS).withName("ld-r-linker").get().getSpec().getType()));
        assertThat(deployments.withName("ld-r-linker").get().getSpec().getTemplate()).as("same pod template: no rollout")
                .isEqualTo(template);
    }

    @Test
    void whatOthersChangeOnALinkersChildrenIsPutBack() {
        LinkerDeployment ld = Fixtures.linker("ld-d", null);
        ld.getSpec().setTrainingRunRef(null);
        ld.getSpec().setModelUri("s3://models/medic/");
        ld.getSpec().setReplicas(2);
        client.resource(ld).create();
        var deployments = client.apps().deployments().inNamespace(NS);
        var services = client.services().inNamespace(NS);
        eventually().until(() -> deployments.withName("ld-d-linker").get() != null && services.withName("ld-d-linker").get() != null
                && ready(get(LinkerDeployment.class, "ld-d")) != null);
        var template = deployments.withName("ld-d-linker").get().getSpec().getTemplate();

        // kubectl scale without autoscaling: the spec's replica count comes back
        deployments.withName("ld-d-linker").edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(5).endSpec().build());
        eventually().until(() -> Integer.valueOf(2).equals(deployments.withName("ld-d-linker").get().getSpec().getReplicas()));
        assertThat(deployments.withName("ld-d-linker").get().getSpec().getTemplate()).as("no rollout").isEqualTo(template);

        // a deleted Service is made again, an edited port put back
        String uid = services.withName("ld-d-linker").get().getMetadata().getUid();
        services.withName("ld-d-linker").delete();
        eventually().until(() -> services.withName("ld-d-linker").get() != null
                && !uid.equals(services.withName("ld-d-linker").get().getMetadata().getUid()));
        services.withName("ld-d-linker").edit(svc -> new ServiceBuilder(svc).editSpec().editFirstPort().withPort(9999).endPort().endSpec().build());
        eventually().until(() -> Integer.valueOf(8080).equals(services.withName("ld-d-linker").get().getSpec().getPorts().get(0).getPort()));
        assertThat(deployments.withName("ld-d-linker").get().getSpec().getTemplate()).as("no rollout").isEqualTo(template);
    }

    @Test
    void withAutoscalingTheHpaExistsAndOwnsTheReplicaCount() {
        LinkerDeployment ld = Fixtures.linker("ld-a", null);
        ld.getSpec().setTrainingRunRef(null);
        ld.getSpec().setModelUri("s3://models/medic/");
        var autoscaling = new LinkerDeploymentSpec.Autoscaling();
        autoscaling.setMaxReplicas(4);
        ld.getSpec().setAutoscaling(autoscaling);
        client.resource(ld).create();
        var deployments = client.apps().deployments().inNamespace(NS);
        var hpas = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS);
        eventually().until(() -> deployments.withName("ld-a-linker").get() != null && hpas.withName("ld-a-linker").get() != null
                && ready(get(LinkerDeployment.class, "ld-a")) != null);
        assertThat(hpas.withName("ld-a-linker").get().getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("ld-a"));
        var template = deployments.withName("ld-a-linker").get().getSpec().getTemplate();

        // the HPA scales the Deployment: the operator leaves that count alone, also across later reconciles
        deployments.withName("ld-a-linker").edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(3).endSpec().build());
        eventually().until(() -> Integer.valueOf(3).equals(get(LinkerDeployment.class, "ld-a").getStatus().getReplicas()));
        edit(LinkerDeployment.class, "ld-a", r -> {
            var service = new LinkerDeploymentSpec.ServiceSpec();
            service.setType(LinkerDeploymentSpec.ServiceType.NODE_PORT);
            r.getSpec().setService(service);
        });
        eventually().until(() -> "NodePort".equals(client.services().inNamespace(NS).withName("ld-a-linker").get().getSpec().getType()));
        assertThat(deployments.withName("ld-a-linker").get().getSpec().getReplicas()).isEqualTo(3);

        // a deleted HPA comes back while autoscaling is on; turned off, it goes and the spec's count returns
        String uid = hpas.withName("ld-a-linker").get().getMetadata().getUid();
        hpas.withName("ld-a-linker").delete();
        eventually().until(() -> hpas.withName("ld-a-linker").get() != null
                && !uid.equals(hpas.withName("ld-a-linker").get().getMetadata().getUid()));
        edit(LinkerDeployment.class, "ld-a", r -> {
            r.getSpec().setAutoscaling(null);
            r.getSpec().setReplicas(1);
        });
        eventually().until(() -> hpas.withName("ld-a-linker").get() == null
                && Integer.valueOf(1).equals(deployments.withName("ld-a-linker").get().getSpec().getReplicas()));
        assertThat(deployments.withName("ld-a-linker").get().getSpec().getTemplate()).as("no rollout").isEqualTo(template);
    }

    @Test
    void suspendingAndResumingKeepsTheSameJob() {
        client.resource(Fixtures.kb("kb-s")).create();
        MockCluster.succeed(client, onlyJob("kb-s"), "{}");
        client.resource(Fixtures.synth("sd-s", "kb-s")).create();
        Job job = onlyJob("sd-s");
        assertThat(job.getSpec().getSuspend()).isFalse();

        edit(SyntheticDataset.class, "sd-s", sd -> sd.getSpec().setSuspend(true));
        eventually().until(() -> Boolean.TRUE.equals(jobs(client, "sd-s").get(0).getSpec().getSuspend()));
        eventually().until(() -> "False/Queued".equals(ready(get(SyntheticDataset.class, "sd-s"))));
        assertThat(get(SyntheticDataset.class, "sd-s").getStatus().getObservedGeneration()).isEqualTo(2L);

        edit(SyntheticDataset.class, "sd-s", sd -> sd.getSpec().setSuspend(false));
        eventually().until(() -> Boolean.FALSE.equals(jobs(client, "sd-s").get(0).getSpec().getSuspend()));
        assertThat(jobs(client, "sd-s")).singleElement().satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(job.getMetadata().getUid()));
        assertThat(get(SyntheticDataset.class, "sd-s").getStatus().getOutputUri()).isEqualTo(env(job).get("SYNCABEL_OUTPUT_URI"));
    }
}
