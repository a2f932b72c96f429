package io.syncabel.operator.reconcile;

import static io.syncabel.operator.reconcile.MockCluster.NS;
import static io.syncabel.operator.reconcile.MockCluster.eventually;
import static io.syncabel.operator.reconcile.MockCluster.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.StageRun;
import io.syncabel.operator.status.StatusAggregator;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs that are stable and meaningful: the run key (execution-only edits keep the prefix, the UID and the
 * input digests count), finished dependents that keep their result while an upstream re-runs, and
 * spec.suspend of a Kueue-queued run. The store answers manifest.json as {@link #manifests} says.
 */
@EnableKubernetesMockClient(crud = true)
class RunIdentityOnMockServerTest {
    static KubernetesClient client;
    static Operator operator;
    static final OperatorSettings SETTINGS = OperatorSettings.defaults();
    /** manifest.json content per output prefix; a prefix not named has the same content as every other. */
    static final Map<String, String> manifests = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        client = MockCluster.patient(client);
        MockCluster.registerCrds(client);
        operator = MockCluster.start(client, SETTINGS, uri -> uri.endsWith("/manifest.json")
                ? Optional.of(manifests.getOrDefault(uri.substring(0, uri.length() - "manifest.json".length()), "{\"files\":[\"same\"]}"))
                : Optional.empty());
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

    /** {@code <status>/<reason>} of a condition, or null. */
    static String condition(CustomResource<?, ? extends StageStatus> resource, String type) {
        if (resource == null || resource.getStatus() == null) {
            return null;
        }
        return StatusAggregator.condition(resource.getStatus(), type).map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
    }

    static String ready(CustomResource<?, ? extends StageStatus> resource) {
        return condition(resource, Conditions.READY);
    }

    static String upstreamChanged(CustomResource<?, ? extends StageStatus> resource) {
        return condition(resource, Conditions.UPSTREAM_CHANGED);
    }

    static String output(Job job) {
        return ReconcileOnMockServerTest.env(job).get("SYNCABEL_OUTPUT_URI");
    }

    static Job onlyJob(String owner) {
        eventually().until(() -> jobs(client, owner).size() == 1);
        return jobs(client, owner).get(0);
    }

    static <T extends CustomResource<?, ?>> void rerun(Class<T> kind, String name, String value) {
        edit(kind, name, r -> r.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(StageRun.RERUN_ANNOTATION, value))));
    }

    @Test
    void anExecutionOnlyEditRestartsTheRunOnTheSamePrefixAndAFinishedRunIgnoresIt() {
        client.resource(Fixtures.kb("kb-x")).create();
        Job first = onlyJob("kb-x");
        String prefix = output(first);
        eventually().until(() -> get(KnowledgeBase.class, "kb-x").getStatus() != null
                && prefix.equals(get(KnowledgeBase.class, "kb-x").getStatus().getOutputUri()));

        // more memory and a deadline for the running build: a new Job on the same prefix, the old one stopped first
        edit(KnowledgeBase.class, "kb-x", kb -> {
            kb.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("16Gi")).build());
            kb.getSpec().setActiveDeadlineSeconds(3600L);
        });
        eventually().until(() -> {
            var now = jobs(client, "kb-x");
            return now.size() == 1 && !now.get(0).getMetadata().getName().equals(first.getMetadata().getName());
        });
        Job second = jobs(client, "kb-x").get(0);
        assertThat(output(second)).as("the same run: the runtime continues from what it published").isEqualTo(prefix);
        assertThat(second.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()).containsKey("memory");
        KnowledgeBase kb = get(KnowledgeBase.class, "kb-x");
        assertThat(kb.getStatus().getOutputUri()).isEqualTo(prefix);
        assertThat(prefix).endsWith("/" + kb.getStatus().getRunKey() + "/");

        MockCluster.succeed(client, second, "{\"concepts\":3}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(KnowledgeBase.class, "kb-x"))));
        assertThat(get(KnowledgeBase.class, "kb-x").getStatus().getOutputDigest()).as("read from the store when the run succeeded")
                .isEqualTo(io.syncabel.operator.children.Names.sha256Hex("[\"same\"]"));

        // a finished run: an execution-only edit reruns nothing
        edit(KnowledgeBase.class, "kb-x", r -> r.getSpec().setActiveDeadlineSeconds(60L));
        eventually().until(() -> Long.valueOf(3).equals(get(KnowledgeBase.class, "kb-x").getStatus().getObservedGeneration()));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(() -> jobs(client, "kb-x").size() == 1);
        assertThat(ready(get(KnowledgeBase.class, "kb-x"))).isEqualTo("True/Succeeded");
        assertThat(get(KnowledgeBase.class, "kb-x").getStatus().getConcepts()).isEqualTo(3L);

        // a result-affecting edit is a new run under a new prefix
        edit(KnowledgeBase.class, "kb-x", r -> r.getSpec().setDefaultGroup("CHEM"));
        eventually().until(() -> jobs(client, "kb-x").size() == 2);
        assertThat(jobs(client, "kb-x")).filteredOn(j -> !j.getMetadata().getName().equals(second.getMetadata().getName()))
                .singleElement().satisfies(j -> assertThat(output(j)).isNotEqualTo(prefix));
    }

    @Test
    void aResourceDeletedAndMadeAgainNeverTakesItsPredecessorsOutput() {
        client.resource(Fixtures.kb("kb-u")).create();
        Job first = onlyJob("kb-u");
        MockCluster.succeed(client, first, "{\"concepts\":1}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(KnowledgeBase.class, "kb-u"))));

        client.resource(get(KnowledgeBase.class, "kb-u")).delete();
        eventually().until(() -> get(KnowledgeBase.class, "kb-u") == null);
        client.resource(first).delete(); // the garbage collector's part: the mock has none
        eventually().until(() -> jobs(client, "kb-u").isEmpty());

        KnowledgeBase again = Fixtures.kb("kb-u");
        again.getSpec().setDefaultGroup("CHEM");
        client.resource(again).create();
        Job second = onlyJob("kb-u");
        assertThat(output(second)).as("another object of the same name: its own prefix").isNotEqualTo(output(first));
        eventually().until(() -> "False/Pending".equals(ready(get(KnowledgeBase.class, "kb-u"))));
        assertThat(get(KnowledgeBase.class, "kb-u").getStatus().getOutputUri()).isEqualTo(output(second));
    }

    @Test
    void anUpstreamRerunWithTheSameOutputRerunsNothingAndTheDependentKeepsItsResultMeanwhile() {
        client.resource(Fixtures.kb("kb-d")).create();
        MockCluster.succeed(client, onlyJob("kb-d"), "{\"concepts\":1}");
        client.resource(Fixtures.synth("sd-d", "kb-d")).create();
        Job synth = onlyJob("sd-d");
        MockCluster.succeed(client, synth, "{\"examples\":5}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(SyntheticDataset.class, "sd-d"))));
        String digest = get(KnowledgeBase.class, "kb-d").getStatus().getOutputDigest();
        assertThat(get(SyntheticDataset.class, "sd-d").getStatus().getInputs()).singleElement()
                .satisfies(i -> assertThat(i.getDigest()).isEqualTo(digest));

        rerun(KnowledgeBase.class, "kb-d", "1");
        eventually().until(() -> "False/Pending".equals(ready(get(KnowledgeBase.class, "kb-d"))));
        eventually().until(() -> "True/WaitingKnowledgeBase".equals(upstreamChanged(get(SyntheticDataset.class, "sd-d"))));
        assertThat(ready(get(SyntheticDataset.class, "sd-d"))).as("the finished dataset keeps its result").isEqualTo("True/Succeeded");
        assertThat(get(SyntheticDataset.class, "sd-d").getStatus().getExamples()).isEqualTo(5L);

        Job rebuilt = jobs(client, "kb-d").stream().filter(j -> !output(j).equals(get(SyntheticDataset.class, "sd-d").getStatus().getInputs()
                .get(0).getUri())).findFirst().orElseThrow();
        MockCluster.succeed(client, rebuilt, "{\"concepts\":1}");
        eventually().until(() -> "True/Succeeded".equals(ready(get(KnowledgeBase.class, "kb-d"))));
        eventually().until(() -> upstreamChanged(get(SyntheticDataset.class, "sd-d")) == null);
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(() -> jobs(client, "sd-d").size() == 1);
        assertThat(ready(get(SyntheticDataset.class, "sd-d"))).as("the same KB digest: the same run").isEqualTo("True/Succeeded");
        assertThat(output(jobs(client, "sd-d").get(0))).isEqualTo(output(synth));
    }

    @Test
    void aServingLinkerKeepsServingAndStaysReadyWhileItsTrainingRunRetrains() {
        client.resource(Fixtures.kb("kb-l")).create();
        MockCluster.succeed(client, onlyJob("kb-l"), "{\"concepts\":1}");
        client.resource(Fixtures.training("tr-l", "kb-l")).create();
        Job training = onlyJob("tr-l");
        manifests.put(output(training), "{\"files\":[\"model-1\"]}");
        MockCluster.succeed(client, training, "{\"epoch\":1}");
        client.resource(Fixtures.linker("ld-l", "tr-l")).create();
        var deployments = client.apps().deployments().inNamespace(NS);
        eventually().until(() -> deployments.withName("ld-l-linker").get() != null);
        Deployment deployment = deployments.withName("ld-l-linker").get();
        deployments.resource(new DeploymentBuilder(deployment).withNewStatus().withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).endStatus().build()).updateStatus();
        eventually().until(() -> "True/Succeeded".equals(ready(get(LinkerDeployment.class, "ld-l"))));
        var template = deployments.withName("ld-l-linker").get().getSpec().getTemplate();

        rerun(TrainingRun.class, "tr-l", "1");
        eventually().until(() -> "True/WaitingTrainingRun".equals(upstreamChanged(get(LinkerDeployment.class, "ld-l"))));
        assertThat(ready(get(LinkerDeployment.class, "ld-l"))).as("still serving the previous model").isEqualTo("True/Succeeded");
        assertThat(deployments.withName("ld-l-linker").get().getSpec().getTemplate()).isEqualTo(template);
        Condition changed = StatusAggregator.condition(get(LinkerDeployment.class, "ld-l").getStatus(), Conditions.UPSTREAM_CHANGED).orElseThrow();
        assertThat(changed.getMessage()).contains("TrainingRun tr-l");

        // the new model is there (another digest): the linker rolls to it and the condition goes
        Job retrained = jobs(client, "tr-l").stream().filter(j -> !output(j).equals(output(training))).findFirst().orElseThrow();
        manifests.put(output(retrained), "{\"files\":[\"model-2\"]}");
        MockCluster.succeed(client, retrained, "{\"epoch\":1}");
        eventually().until(() -> upstreamChanged(get(LinkerDeployment.class, "ld-l")) == null
                && output(retrained).equals(get(LinkerDeployment.class, "ld-l").getStatus().getModelUri()));
    }

    @Test
    void suspendHoldsAQueuedRunWithoutAJobAndResumingQueuesItOnTheSamePrefix() {
        KnowledgeBase queued = Fixtures.kb("kb-q");
        Scheduling scheduling = new Scheduling();
        scheduling.setQueueName("cpu-queue");
        queued.getSpec().setScheduling(scheduling);
        queued.getSpec().setSuspend(true);
        client.resource(queued).create();
        eventually().until(() -> "False/Queued".equals(ready(get(KnowledgeBase.class, "kb-q"))));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(() -> jobs(client, "kb-q").isEmpty());
        String prefix = get(KnowledgeBase.class, "kb-q").getStatus().getOutputUri();
        assertThat(prefix).isNotNull();

        edit(KnowledgeBase.class, "kb-q", kb -> kb.getSpec().setSuspend(false));
        Job job = onlyJob("kb-q");
        assertThat(job.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "cpu-queue");
        assertThat(job.getSpec().getSuspend()).as("created suspended, for Kueue to admit").isTrue();
        assertThat(output(job)).isEqualTo(prefix);
        // Kueue admits it
        client.batch().v1().jobs().inNamespace(NS).withName(job.getMetadata().getName()).edit(j -> {
            j.getSpec().setSuspend(false);
            return j;
        });
        eventually().until(() -> "False/Pending".equals(ready(get(KnowledgeBase.class, "kb-q"))));

        // Kueue would unsuspend an admitted Job that the operator suspended: the run is held by removing its Job
        edit(KnowledgeBase.class, "kb-q", kb -> kb.getSpec().setSuspend(true));
        eventually().until(() -> jobs(client, "kb-q").isEmpty());
        eventually().until(() -> "False/Queued".equals(ready(get(KnowledgeBase.class, "kb-q"))));
        assertThat(get(KnowledgeBase.class, "kb-q").getStatus().getOutputUri()).isEqualTo(prefix);

        edit(KnowledgeBase.class, "kb-q", kb -> kb.getSpec().setSuspend(false));
        Job resumed = onlyJob("kb-q");
        assertThat(output(resumed)).as("resumed on the same prefix, from what it published").isEqualTo(prefix);
        assertThat(resumed.getSpec().getSuspend()).isTrue();
    }
}
