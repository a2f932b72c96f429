package io.syncabel.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.syncabel.api.v1alpha1.Kinds;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.KnowledgeBaseSpec;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

/** The packaged wiring: Quarkus starts the operator with the configured settings, health says so. */
@QuarkusTest
@WithKubernetesTestServer(setup = OperatorAppTest.Crds.class)
class OperatorAppTest {
    @Inject
    KubernetesClient client;

    @Inject
    OperatorSettings settings;

    @Inject
    @Readiness
    OperatorHealth health;

    public static class Crds implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            for (var kind : Kinds.ALL) {
                String file = "/META-INF/fabric8/" + io.fabric8.kubernetes.api.model.HasMetadata.getFullResourceName(kind) + "-v1.yml";
                try (InputStream in = OperatorAppTest.class.getResourceAsStream(file)) {
                    server.getClient().apiextensions().v1().customResourceDefinitions().load(in).create();
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    @Test
    void theOperatorStartsHealthyAndRendersJobsFromItsConfiguration() {
        await().atMost(Duration.ofSeconds(20)).until(() -> health.call().getStatus() == HealthCheckResponse.Status.UP);

        KnowledgeBaseSpec.Source source = new KnowledgeBaseSpec.Source();
        source.setUri("file:data/medic-slice.txt");
        source.setFormat(KnowledgeBaseSpec.Format.DNORM);
        KnowledgeBaseSpec spec = new KnowledgeBaseSpec();
        spec.setSources(List.of(source));
        KnowledgeBase kb = new KnowledgeBase();
        kb.setMetadata(new ObjectMetaBuilder().withName("app-kb").withNamespace("test").build());
        kb.setSpec(spec);
        client.resource(kb).create();

        await().atMost(Duration.ofSeconds(20)).until(() -> client.batch().v1().jobs().inNamespace("test").withLabel("syncabel.io/name", "app-kb")
                .list().getItems().size() == 1);
        Job job = client.batch().v1().jobs().inNamespace("test").withLabel("syncabel.io/name", "app-kb").list().getItems().get(0);
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.test/syncabel/runtime:test");
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("SYNCABEL_OUTPUT_URI").getValue()).matches("s3://test-bucket/test/knowledgebases/app-kb/[0-9a-f]{12}/");
        assertThat(env.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("store-credentials");
        // syncabel.store.reader-secret-name reaches the settings, and only linkers read with it
        assertThat(settings.store().readerSecretName()).contains("store-reader");
        assertThat(settings.readOnlyStore().store().secretName()).contains("store-reader");
    }

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URI metrics;

    /** JOSDK's Micrometer metrics and syncabel_runs_total, as Prometheus scrapes them. */
    @Test
    void metricsShowJosdkReconcilesAndEndedRuns() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> health.call().getStatus() == HealthCheckResponse.Status.UP);
        KnowledgeBaseSpec.Source source = new KnowledgeBaseSpec.Source();
        source.setUri("file:data/medic-slice.txt");
        source.setFormat(KnowledgeBaseSpec.Format.DNORM);
        KnowledgeBaseSpec spec = new KnowledgeBaseSpec();
        spec.setSources(List.of(source));
        KnowledgeBase kb = new KnowledgeBase();
        kb.setMetadata(new ObjectMetaBuilder().withName("metrics-kb").withNamespace("test").build());
        kb.setSpec(spec);
        client.resource(kb).create();
        // the Job's name carries the run key (docs/operator.md): find it by the resource's label
        var labelled = client.batch().v1().jobs().inNamespace("test").withLabel("syncabel.io/name", "metrics-kb");
        await().atMost(Duration.ofSeconds(20)).until(() -> labelled.list().getItems().size() == 1);
        var jobs = client.batch().v1().jobs().inNamespace("test").withName(labelled.list().getItems().get(0).getMetadata().getName());
        jobs.editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(1)
                    .addNewCondition().withType("Complete").withStatus("True").endCondition().build());
            return j;
        });

        var http = java.net.http.HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String body = http.send(java.net.http.HttpRequest.newBuilder(metrics).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("syncabel_runs_total{kind=\"KnowledgeBase\",outcome=\"succeeded\"} 1.0");
            assertThat(body).containsPattern("reconciliations_started_total\\{[^}]*controller_name=\"knowledgebasereconciler\"");
            assertThat(body).contains("reconciliations_execution_duration_seconds_count{");
        });
    }
}
