package io.syncabel.operator.reconcile;

import static io.syncabel.operator.reconcile.MockCluster.NS;
import static io.syncabel.operator.reconcile.MockCluster.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.operator.OperatorSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** syncabel_runs_total{kind,outcome}: one count per run that ends, by how it ended. */
@EnableKubernetesMockClient(crud = true)
class RunMetricsTest {
    static KubernetesClient client;
    static Operator operator;
    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        // Quarkus backs the global registry with the one /q/metrics shows (OperatorAppTest scrapes it)
        Metrics.addRegistry(METERS);
        client = MockCluster.patient(client);
        MockCluster.registerCrds(client);
        operator = MockCluster.start(client, OperatorSettings.defaults());
    }

    @AfterAll
    static void stop() {
        operator.stop();
        client.close();
        Metrics.removeRegistry(METERS);
    }

    static double runs(String kind, String outcome) {
        return Optional.ofNullable(METERS.find("syncabel.runs").tags("kind", kind, "outcome", outcome).counter()).map(Counter::count)
                .orElse(0.0);
    }

    static Job onlyJob(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> jobs(client, name).size() == 1);
        return jobs(client, name).get(0);
    }

    @Test
    void eachEndedRunIsCountedOnceByOutcome() {
        client.resource(Fixtures.kb("kb-m1")).create();
        MockCluster.succeed(client, onlyJob("kb-m1"), "{\"concepts\":1}");
        await().atMost(Duration.ofSeconds(20)).until(() -> runs("KnowledgeBase", "succeeded") == 1.0);

        client.resource(Fixtures.kb("kb-m2")).create();
        MockCluster.updateJobStatus(client, onlyJob("kb-m2"), j -> j.editOrNewStatus().withFailed(1).addNewCondition().withType("Failed")
                .withStatus("True").withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                .endCondition().endStatus());
        await().atMost(Duration.ofSeconds(20)).until(() -> runs("KnowledgeBase", "failed") == 1.0);

        // a spec change while the run is active: the old Job is stopped as superseded
        client.resource(Fixtures.kb("kb-m3")).create();
        onlyJob("kb-m3");
        // a user's edit, retried as kubectl would when it races the operator's own writes (409)
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> client.resources(KnowledgeBase.class).inNamespace(NS)
                .withName("kb-m3").edit(kb -> {
                    kb.getSpec().setDefaultGroup("CHEM");
                    return kb;
                }) != null);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs("KnowledgeBase", "superseded") == 1.0);

        // reconciles that see the same outcome again count nothing more
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> runs("KnowledgeBase", "succeeded") == 1.0
                && runs("KnowledgeBase", "failed") == 1.0);
    }
}
