package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.KnowledgeBaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator restarted while a stage runs: the same Job is found again, status carries on, nothing runs twice. */
@EnableKubernetesMockClient(crud = true)
class OperatorRestartTest {
    static KubernetesClient client;
    @TempDir
    static Path scratch;
    static EndToEnd cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new EndToEnd(client, scratch);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    void reportProgress(String outputUri, String json) throws Exception {
        Path dir = Path.of(outputUri.substring("file:".length()));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("progress.json"), json);
    }

    @Test
    void aRestartInTheMiddleOfARunMakesNoSecondJobAndLosesNoStatus() throws Exception {
        CountDownLatch running = cluster.kubelet.holdJobs();
        cluster.apply("01-knowledgebase.yaml", KnowledgeBase.class, "medic-restart");
        KnowledgeBase before = cluster.await(KnowledgeBase.class, "medic-restart", kb -> "False/Running".equals(EndToEnd.ready(kb)));
        String outputUri = before.getStatus().getOutputUri();
        Instant started = Instant.parse(before.getStatus().getStartTime());
        reportProgress(outputUri, "{\"done\":1,\"total\":4,\"message\":\"reading MEDIC\",\"updatedAt\":\"" + started.plusSeconds(30) + "\"}");
        KnowledgeBaseStatus seen = cluster.await(KnowledgeBase.class, "medic-restart",
                kb -> "1/4 (25%): reading MEDIC".equals(kb.getStatus().getProgress())).getStatus();
        assertThat(seen.getEstimatedCompletionTime()).as("a quarter in 30 s: the rest in 90 s more")
                .isEqualTo(started.plusSeconds(120).toString());

        cluster.stopOperator();
        reportProgress(outputUri, "{\"done\":2,\"total\":4,\"message\":\"cleaning names\",\"updatedAt\":\"" + started.plusSeconds(60) + "\"}");
        cluster.startOperator();

        KnowledgeBase after = cluster.await(KnowledgeBase.class, "medic-restart",
                kb -> "2/4 (50%): cleaning names".equals(kb.getStatus().getProgress()));
        assertThat(MockCluster.jobs(client, "medic-restart")).as("the restarted operator found its Job").hasSize(1);
        assertThat(EndToEnd.ready(after)).isEqualTo("False/Running");
        assertThat(after.getStatus().getOutputUri()).isEqualTo(outputUri);
        assertThat(after.getStatus().getStartTime()).isEqualTo(seen.getStartTime());
        assertThat(after.getStatus().getEstimatedCompletionTime()).as("the same pace").isEqualTo(started.plusSeconds(120).toString());
        assertThat(after.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
                .satisfies(c -> assertThat(c.getLastTransitionTime()).as("Ready did not flap").isEqualTo(
                        seen.getConditions().stream().filter(s -> s.getType().equals("Ready")).findFirst().orElseThrow().getLastTransitionTime()));

        running.countDown();
        KnowledgeBase done = cluster.awaitSucceeded(KnowledgeBase.class, "medic-restart", Duration.ofSeconds(60));
        assertThat(done.getStatus().getConcepts()).isEqualTo(413L);
        assertThat(done.getStatus().getProgress()).isNull();
        assertThat(MockCluster.jobs(client, "medic-restart")).hasSize(1);
        assertThat(client.pods().inNamespace(MockCluster.NS).withLabel("batch.kubernetes.io/job-name", MockCluster.jobs(client, "medic-restart").get(0).getMetadata().getName()).list().getItems())
                .as("the runtime ran once").hasSize(1);
    }
}
