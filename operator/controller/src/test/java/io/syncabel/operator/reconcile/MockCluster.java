package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.syncabel.api.v1alpha1.Kinds;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.store.StoreReader;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;

/**
 * The fabric8 mock server (CRUD mode) standing in for a cluster: the CRDs registered so status is a
 * subresource, an operator started as in production (minus SSA, which the mock lacks), and the
 * kubelet's and Job controller's part played by hand.
 */
final class MockCluster {
    static final String NS = "test";

    private MockCluster() {
    }

    /** Waits for what the operator does asynchronously: 20 s at most (a loaded CI box), polled every 100 ms. */
    static ConditionFactory eventually() {
        return eventually(Duration.ofSeconds(20));
    }

    static ConditionFactory eventually(Duration atMost) {
        return org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100));
    }

    /**
     * The injected mock client with longer timeouts: on a loaded machine the first requests (class
     * loading, JIT) can take longer than the 10 s default to get a connection.
     */
    static KubernetesClient patient(KubernetesClient client) {
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(
                client.getConfiguration()).withConnectionTimeout(120_000).withRequestTimeout(120_000).build()).build();
    }

    static void registerCrds(KubernetesClient client) throws Exception {
        for (var kind : Kinds.ALL) {
            String file = "/META-INF/fabric8/" + io.fabric8.kubernetes.api.model.HasMetadata.getFullResourceName(kind) + "-v1.yml";
            try (InputStream in = MockCluster.class.getResourceAsStream(file)) {
                client.apiextensions().v1().customResourceDefinitions().load(in).create();
            }
        }
    }

    /** An operator whose store holds no progress.json (the S3 root of {@link OperatorSettings#defaults()} is not reachable). */
    static Operator start(KubernetesClient client, OperatorSettings settings) {
        return start(client, settings, uri -> java.util.Optional.empty());
    }

    static Operator start(KubernetesClient client, OperatorSettings settings, StoreReader store) {
        return start(client, settings, store, java.time.Clock.systemUTC());
    }

    /** With {@code clock} for what the operator stamps itself: conditions' lastTransitionTime, ETAs. */
    static Operator start(KubernetesClient client, OperatorSettings settings, StoreReader store, java.time.Clock clock) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withReconciliationTerminationTimeout(java.time.Duration.ofSeconds(1)));
        operator.register(new KnowledgeBaseReconciler(settings, clock, store));
        operator.register(new SyntheticDatasetReconciler(settings, clock, store));
        operator.register(new TrainingRunReconciler(settings, clock, store));
        operator.register(new LinkerDeploymentReconciler(settings, clock));
        operator.register(new EvaluationReconciler(settings, clock, store));
        operator.start();
        return operator;
    }

    /**
     * A user's change, as kubectl edit makes it: a patch of the object as read. The mock checks its
     * resourceVersion, so an operator status write in between answers 409; kubectl would read and try again.
     */
    static <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> void edit(KubernetesClient client, Class<T> kind,
            String namespace, String name, java.util.function.Consumer<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(kind).inNamespace(namespace).withName(name).edit(r -> {
                    change.accept(r);
                    return r;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != java.net.HttpURLConnection.HTTP_CONFLICT || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    static List<Job> jobs(KubernetesClient client, String owner) {
        return client.batch().v1().jobs().inNamespace(NS).withLabel(Labels.NAME, Labels.value(owner)).list().getItems();
    }

    /** A pod of the Job, as the Job controller would create it (labels copied from the template). */
    static PodBuilder podOf(Job job, String suffix) {
        Map<String, String> labels = new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(Labels.JOB_NAME, job.getMetadata().getName());
        return new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-" + suffix)
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(labels).endMetadata();
    }

    /** The runtime finished with {@code summary} as its termination message, and the Job completed. */
    static void succeed(KubernetesClient client, Job job, String summary) {
        Pod pod = podOf(job, "ok").withNewStatus().withPhase("Succeeded").addNewContainerStatus().withName("runtime")
                .withNewState().withNewTerminated().withExitCode(0).withMessage(summary).endTerminated().endState()
                .endContainerStatus().endStatus().build();
        client.pods().resource(pod).create();
        Job done = new JobBuilder(client.batch().v1().jobs().resource(job).get()).editOrNewStatus()
                .withStartTime("2026-11-27T10:00:00Z").withCompletionTime("2026-11-27T10:05:00Z").withSucceeded(1).withActive(0)
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build();
        client.batch().v1().jobs().resource(done).updateStatus();
    }

    static void updateJobStatus(KubernetesClient client, Job job, java.util.function.UnaryOperator<JobBuilder> change) {
        Job live = client.batch().v1().jobs().resource(job).get();
        client.batch().v1().jobs().resource(change.apply(new JobBuilder(live)).build()).updateStatus();
    }
}
