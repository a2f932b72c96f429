package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.Kinds;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.children.LinkerServerDeployment;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD fixtures (argocd/testdata/*.yaml) are what the operator writes: each test drives the real
 * reconcilers on the mock server into one scenario (its own namespace, named like the file), reads the
 * resource back as Argo CD would and compares it with the committed file. argocd/health_test.yaml says which
 * health Argo CD derives from each, and ArgoCdHealthCheckTest (operator/api) checks that with health.lua.
 * A change of the operator's status (a message, a reason, a field) thus fails here until the fixtures are
 * regenerated ({@link #UPDATE}) and health_test.yaml reviewed.
 *
 * <p>What varies between runs is made fixed: the operator's clock ({@link #NOW}, so lastTransitionTime and
 * ETAs), the Job timestamps the test writes as the Job controller, and run keys (they hash the resource's
 * UID) replaced by {@link #RUN_KEY} wherever they appear (runKey, output URIs, Job and pod names). Metadata the
 * API server assigns (uid, resourceVersion, creationTimestamp, managedFields) is left out.
 */
@EnableKubernetesMockClient(crud = true)
class ArgoCdFixturesTest {
    static final Path TESTDATA = EndToEnd.REPO.resolve("argocd/testdata");
    static final String UPDATE = "regenerate with ./mvnw -pl operator/controller test -Dtest=ArgoCdFixturesTest -Dargocd.update=true,"
            + " then check argocd/health_test.yaml with ./mvnw -pl operator/api test -Dtest=ArgoCdHealthCheckTest";
    /** The operator's clock: 30 minutes after the Jobs started. */
    static final Instant NOW = Instant.parse("2026-11-27T10:30:00Z");
    static final String JOB_START = "2026-11-27T10:00:00Z";
    static final String RUN_KEY = "<runKey>";
    static final String API_VERSION = "syncabel.io/v1alpha1";
    static final java.util.regex.Pattern TIMESTAMP = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}([Tt ].*)?");
    /**
     * Block style, no line folding, quotes only where YAML needs them and around timestamps, which a YAML 1.1
     * reader would otherwise take for dates (kubectl quotes them too).
     */
    static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .stringQuotingChecker(new StringQuotingChecker.Default() {
                @Override
                public boolean needToQuoteValue(String value) {
                    return super.needToQuoteValue(value) || TIMESTAMP.matcher(value).matches();
                }
            })
            .build());

    /** Every file in argocd/testdata, each made by the test of the same name. */
    static final List<String> FIXTURES = List.of("kb-no-status", "kb-succeeded", "kb-stale-generation", "synth-running", "tr-waiting",
            "tr-oomkilled", "tr-queued", "tr-suspended", "linker-paused", "linker-crashloop", "eval-succeeded");

    static KubernetesClient client;
    static Operator operator;

    @BeforeAll
    static void start() throws Exception {
        client = MockCluster.patient(client);
        MockCluster.registerCrds(client);
        // a store holding no progress.json nor manifest.json: status shows no output digests
        operator = MockCluster.start(client, OperatorSettings.defaults(), uri -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        operator.stop();
        client.close();
    }

    @Test
    void noFixtureIsWrittenByHand() throws IOException {
        try (var files = Files.list(TESTDATA)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(FIXTURES.stream().map(f -> f + ".yaml").toList());
        }
    }

    // ---- the scenarios, one per fixture ----

    @Test
    void kbNoStatus() throws IOException {
        // the API server's answer to the create: what Argo CD sees before the operator's first reconcile
        GenericKubernetesResource created = apply("kb-no-status", MEDIC);
        matchesFixture("kb-no-status", "A KnowledgeBase just applied: the operator has not reported yet.", created);
    }

    @Test
    void kbSucceeded() throws IOException {
        succeededKnowledgeBase("kb-succeeded");
        matchesFixture("kb-succeeded", "A KnowledgeBase whose Job succeeded.", get("kb-succeeded", KnowledgeBase.class, "medic"));
    }

    @Test
    void kbStaleGeneration() throws IOException {
        succeededKnowledgeBase("kb-stale-generation");
        // the answer to the user's edit: the new generation with the status of the previous one, what Argo CD
        // sees until the operator's next status write
        GenericKubernetesResource edited = edit("kb-stale-generation", KnowledgeBase.class, "medic",
                r -> field(r, "spec").put("defaultGroup", "DISO"));
        matchesFixture("kb-stale-generation", "A KnowledgeBase edited after it succeeded, before the operator saw the edit.", edited);
    }

    @Test
    void synthRunning() throws IOException {
        String ns = "synth-running";
        succeededKnowledgeBase(ns);
        apply(ns, """
                kind: SyntheticDataset
                metadata: {name: medic-synth}
                spec:
                  knowledgeBaseRef: {name: medic}
                  generator: {type: template}
                  shards: 8
                """);
        Job job = onlyJob(ns, SyntheticDataset.class, "medic-synth");
        // the Job controller's part: 3 of 8 shards done, the fourth running
        client.pods().resource(MockCluster.podOf(job, "3-q8r2v").withNewStatus().withPhase("Running").endStatus().build()).create();
        MockCluster.updateJobStatus(client, job, j -> j.editOrNewStatus().withStartTime(JOB_START).withActive(1).withSucceeded(3).endStatus());
        awaitReady(ns, SyntheticDataset.class, "medic-synth", "False/Running");
        eventually().until(() -> "3/8".equals(status(get(ns, SyntheticDataset.class, "medic-synth")).path("shardsDone").asText()));
        settled(ns, SyntheticDataset.class, "medic-synth");
        matchesFixture(ns, "A SyntheticDataset with 3 of its 8 shards published.", get(ns, SyntheticDataset.class, "medic-synth"));
    }

    @Test
    void trWaiting() throws IOException {
        String ns = "tr-waiting";
        succeededKnowledgeBase(ns);
        apply(ns, """
                kind: SyntheticDataset
                metadata: {name: medic-synth}
                spec:
                  knowledgeBaseRef: {name: medic}
                  generator: {type: template}
                """);
        awaitReady(ns, SyntheticDataset.class, "medic-synth", "False/Pending");
        apply(ns, """
                kind: TrainingRun
                metadata: {name: model}
                spec:
                  knowledgeBaseRef: {name: medic}
                  syntheticDatasetRefs: [{name: medic-synth}]
                """);
        awaitReady(ns, TrainingRun.class, "model", "False/WaitingSyntheticDataset");
        matchesFixture(ns, "A TrainingRun waiting for its SyntheticDataset.", get(ns, TrainingRun.class, "model"));
    }

    @Test
    void trOomKilled() throws IOException {
        String ns = "tr-oomkilled";
        succeededKnowledgeBase(ns);
        applyTrainingRun(ns, "resources: {limits: {memory: 4Gi}}");
        Job job = onlyJob(ns, TrainingRun.class, "model");
        // the first pod was killed for memory; the Job controller has not made the next one yet
        client.pods().resource(MockCluster.podOf(job, "k5w9z").withNewStatus().withPhase("Failed").addNewContainerStatus()
                .withName("runtime").withNewState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endState()
                .endContainerStatus().endStatus().build()).create();
        MockCluster.updateJobStatus(client, job, j -> j.editOrNewStatus().withStartTime(JOB_START).withActive(0).withFailed(1).endStatus());
        awaitReady(ns, TrainingRun.class, "model", "False/OOMKilled");
        matchesFixture(ns, "A TrainingRun whose pod was OOMKilled.", get(ns, TrainingRun.class, "model"));
    }

    @Test
    void trQueued() throws IOException {
        String ns = "tr-queued";
        succeededKnowledgeBase(ns);
        applyTrainingRun(ns, "scheduling: {queueName: gpu-queue}");
        // the Job is created suspended for Kueue, which has not admitted it
        assertThat(onlyJob(ns, TrainingRun.class, "model").getSpec().getSuspend()).isTrue();
        awaitReady(ns, TrainingRun.class, "model", "False/Queued");
        matchesFixture(ns, "A TrainingRun waiting for Kueue to admit its Job.", get(ns, TrainingRun.class, "model"));
    }

    @Test
    void trSuspended() throws IOException {
        String ns = "tr-suspended";
        succeededKnowledgeBase(ns);
        applyTrainingRun(ns, "suspend: true");
        assertThat(onlyJob(ns, TrainingRun.class, "model").getSpec().getSuspend()).isTrue();
        awaitReady(ns, TrainingRun.class, "model", "False/Queued");
        matchesFixture(ns, "A TrainingRun suspended by spec.suspend.", get(ns, TrainingRun.class, "model"));
    }

    @Test
    void linkerPaused() throws IOException {
        String ns = "linker-paused";
        servingLinker(ns);
        edit(ns, LinkerDeployment.class, "medic", r -> r.getMetadata().setAnnotations(Map.of(StageReconciler.PAUSED_ANNOTATION, "true")));
        eventually().until(() -> status(get(ns, LinkerDeployment.class, "medic")).path("conditions").size() == 2);
        settled(ns, LinkerDeployment.class, "medic");
        matchesFixture(ns, "A serving LinkerDeployment, then paused with the syncabel.io/paused annotation.",
                get(ns, LinkerDeployment.class, "medic"));
    }

    @Test
    void linkerCrashLoop() throws IOException {
        String ns = "linker-crashloop";
        apply(ns, LINKER);
        Deployment deployment = awaitDeployment(ns);
        // the ReplicaSet's pod, restarting: what the kubelet reports after a few failed starts
        Map<String, String> labels = new HashMap<>(deployment.getSpec().getTemplate().getMetadata().getLabels());
        client.pods().resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("medic-linker-7c9f8d6b5-x2k4q")
                .withNamespace(ns).withLabels(labels).endMetadata().withNewStatus().withPhase("Running").addNewContainerStatus()
                .withName("runtime").withRestartCount(4)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                .withMessage("back-off 1m20s restarting failed container=runtime pod=medic-linker-7c9f8d6b5-x2k4q_" + ns)
                .endWaiting().endState()
                .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated().endLastState()
                .endContainerStatus().endStatus().build()).create();
        awaitReady(ns, LinkerDeployment.class, "medic", "False/CrashLoopBackOff");
        matchesFixture(ns, "A LinkerDeployment whose pod is crash-looping.", get(ns, LinkerDeployment.class, "medic"));
    }

    @Test
    void evalSucceeded() throws IOException {
        String ns = "eval-succeeded";
        succeededKnowledgeBase(ns);
        applyTrainingRun(ns, "");
        MockCluster.succeed(client, onlyJob(ns, TrainingRun.class, "model"), "{\"epoch\":10,\"loss\":0.41,\"devRecallAt1\":86.9}");
        awaitReady(ns, TrainingRun.class, "model", "True/Succeeded");
        apply(ns, """
                kind: Evaluation
                metadata: {name: eval}
                spec:
                  trainingRunRef: {name: model}
                  testCorpus: {uri: "s3://data/test.pubtator", format: pubtator}
                """);
        MockCluster.succeed(client, onlyJob(ns, Evaluation.class, "eval"),
                "{\"mentions\":960,\"recallAt1\":87.4,\"ciLow\":85.2,\"ciHigh\":89.5}");
        awaitReady(ns, Evaluation.class, "eval", "True/Succeeded");
        matchesFixture(ns, "An Evaluation whose Job succeeded.", get(ns, Evaluation.class, "eval"));
    }

    // ---- shared steps ----

    static final String MEDIC = """
            kind: KnowledgeBase
            metadata: {name: medic}
            spec:
              sources: [{uri: "s3://data/medic.txt", format: dnorm}]
            """;

    static final String LINKER = """
            kind: LinkerDeployment
            metadata: {name: medic}
            spec:
              modelUri: s3://models/medic/
            """;

    /** The KnowledgeBase medic in {@code ns}, its Job succeeded with the counts of the full MEDIC vocabulary. */
    static void succeededKnowledgeBase(String ns) {
        apply(ns, MEDIC);
        MockCluster.succeed(client, onlyJob(ns, KnowledgeBase.class, "medic"), "{\"concepts\":11915,\"names\":75892}");
        awaitReady(ns, KnowledgeBase.class, "medic", "True/Succeeded");
    }

    /** The LinkerDeployment medic in {@code ns}, its Deployment rolled out (the Deployment controller's part). */
    static void servingLinker(String ns) {
        apply(ns, LINKER);
        Deployment deployment = awaitDeployment(ns);
        client.apps().deployments().resource(new DeploymentBuilder(deployment).withNewStatus()
                .withObservedGeneration(deployment.getMetadata().getGeneration()).withReplicas(1).withUpdatedReplicas(1)
                .withReadyReplicas(1).withAvailableReplicas(1).endStatus().build()).updateStatus();
        awaitReady(ns, LinkerDeployment.class, "medic", "True/Succeeded");
    }

    static Deployment awaitDeployment(String ns) {
        var deployments = client.apps().deployments().inNamespace(ns);
        String name = LinkerServerDeployment.name(client.resources(LinkerDeployment.class).inNamespace(ns).withName("medic").get());
        eventually().until(() -> deployments.withName(name).get() != null);
        return deployments.withName(name).get();
    }

    /** The TrainingRun "model" of the KB "medic" on one PubTator corpus, with one more spec field ({@code extra}, or none). */
    static void applyTrainingRun(String ns, String extra) {
        apply(ns, """
                kind: TrainingRun
                metadata: {name: model}
                spec:
                  knowledgeBaseRef: {name: medic}
                  corpora: [{uri: "s3://data/train.pubtator", format: pubtator}]
                """ + (extra.isEmpty() ? "" : "  " + extra + "\n"));
    }

    /** {@code kubectl apply} of a manifest (apiVersion and namespace added): the API server's answer. */
    static GenericKubernetesResource apply(String ns, String manifest) {
        GenericKubernetesResource resource = client.getKubernetesSerialization().unmarshal("apiVersion: " + API_VERSION + "\n" + manifest,
                GenericKubernetesResource.class);
        resource.getMetadata().setNamespace(ns);
        return generic(Kinds.byKind(resource.getKind()).orElseThrow()).inNamespace(ns).resource(resource).create();
    }

    /** A user's edit as kubectl makes it, retried on 409 as kubectl would: the API server's answer. */
    static GenericKubernetesResource edit(String ns, Class<? extends HasMetadata> kind, String name,
            java.util.function.Consumer<GenericKubernetesResource> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return resource(ns, kind, name).edit(r -> {
                    change.accept(r);
                    return r;
                });
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    static Resource<GenericKubernetesResource> resource(String ns, Class<? extends HasMetadata> kind, String name) {
        return generic(kind).inNamespace(ns).withName(name);
    }

    /** Resolved from the kind's class, so the client needs no API discovery. */
    static io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource, io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> generic(Class<? extends HasMetadata> kind) {
        return client.genericKubernetesResources(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.fromResourceType(kind));
    }

    static GenericKubernetesResource get(String ns, Class<? extends HasMetadata> kind, String name) {
        return resource(ns, kind, name).get();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> field(GenericKubernetesResource r, String name) {
        return (Map<String, Object>) r.getAdditionalProperties().get(name);
    }

    static JsonNode status(GenericKubernetesResource r) {
        return r == null ? YAML.createObjectNode() : YAML.valueToTree(Optional.ofNullable(field(r, "status")).orElse(Map.of()));
    }

    /** The stage's run Job, once the operator made it. */
    static Job onlyJob(String ns, Class<? extends HasMetadata> kind, String name) {
        var jobs = client.batch().v1().jobs().inNamespace(ns).withLabel(Labels.KIND, HasMetadata.getKind(kind))
                .withLabel(Labels.NAME, Labels.value(name)).withLabel(Labels.ROLE, Labels.ROLE_RUN);
        eventually().until(() -> jobs.list().getItems().size() == 1);
        return jobs.list().getItems().get(0);
    }

    /**
     * Until Ready shows {@code statusAndReason} and no status write followed for a second: a reconcile that
     * saw an informer cache lagging behind (an upstream's status) is followed by one that did not.
     */
    static void awaitReady(String ns, Class<? extends HasMetadata> kind, String name, String statusAndReason) {
        eventually().until(() -> {
            for (JsonNode c : status(get(ns, kind, name)).path("conditions")) {
                if ("Ready".equals(c.path("type").asText())) {
                    return statusAndReason.equals(c.path("status").asText() + "/" + c.path("reason").asText());
                }
            }
            return false;
        });
        settled(ns, kind, name);
    }

    /** Until the resource has not changed for a second. */
    static void settled(String ns, Class<? extends HasMetadata> kind, String name) {
        var last = new Object() {
            String version = "";
            Instant since = Instant.now();
        };
        eventually().until(() -> {
            String version = get(ns, kind, name).getMetadata().getResourceVersion();
            if (!version.equals(last.version)) {
                last.version = version;
                last.since = Instant.now();
            }
            return Duration.between(last.since, Instant.now()).compareTo(Duration.ofSeconds(1)) >= 0;
        });
    }

    static ConditionFactory eventually() {
        return MockCluster.eventually(Duration.ofSeconds(30));
    }

    // ---- the fixture ----

    /** Equal to argocd/testdata/{@code name}.yaml, or written there under {@code -Dargocd.update=true}. */
    static void matchesFixture(String name, String scenario, GenericKubernetesResource live) throws IOException {
        String expected = "# " + scenario + "\n"
                + "# Read back from the mock API server by ArgoCdFixturesTest (operator/controller), the real reconcilers running;\n"
                + "# do not edit: regenerate with -Dargocd.update=true.\n"
                + YAML.writeValueAsString(asArgoCdSeesIt(live, runKeys(live)));
        assertThat(FIXTURES).contains(name);
        Path file = TESTDATA.resolve(name + ".yaml");
        if (Boolean.getBoolean("argocd.update")) {
            Files.writeString(file, expected);
        }
        assertThat(Files.exists(file) ? Files.readString(file) : "").as("argocd/testdata/%s.yaml is not what the operator writes; %s", name, UPDATE)
                .isEqualTo(expected);
    }

    /**
     * The resource without what the API server assigns per object (uid, resourceVersion, creationTimestamp,
     * managedFields), and with {@code runKeys} replaced by {@link #RUN_KEY}. The operator's own order (of
     * conditions, of fields) is kept.
     */
    static ObjectNode asArgoCdSeesIt(GenericKubernetesResource live, Set<String> runKeys) {
        ObjectNode tree = YAML.valueToTree(live);
        ObjectNode metadata = (ObjectNode) tree.get("metadata");
        ObjectNode kept = YAML.createObjectNode();
        for (String field : List.of("name", "namespace", "generation", "labels", "annotations", "finalizers")) {
            if (metadata.hasNonNull(field)) {
                kept.set(field, metadata.get(field));
            }
        }
        ObjectNode out = YAML.createObjectNode();
        out.set("apiVersion", tree.get("apiVersion"));
        out.set("kind", tree.get("kind"));
        out.set("metadata", kept);
        tree.fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return (ObjectNode) replaceText(out, s -> {
            for (String key : runKeys) {
                s = s.replace(key, RUN_KEY);
            }
            return s;
        });
    }

    static JsonNode replaceText(JsonNode node, UnaryOperator<String> change) {
        if (node.isTextual()) {
            return TextNode.valueOf(change.apply(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = YAML.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), replaceText(e.getValue(), change)));
            return copy;
        }
        if (node.isArray()) {
            var copy = YAML.createArrayNode();
            node.forEach(item -> copy.add(replaceText(item, change)));
            return copy;
        }
        return node;
    }

    /** The run keys in the resource's namespace: its own (also when already superseded) and its inputs'. */
    static Set<String> runKeys(GenericKubernetesResource live) {
        Set<String> keys = new TreeSet<>();
        String ns = live.getMetadata().getNamespace();
        Optional.ofNullable(status(live).path("runKey").textValue()).ifPresent(keys::add);
        for (var kind : Kinds.ALL) {
            for (GenericKubernetesResource r : generic(kind).inNamespace(ns).list().getItems()) {
                Optional.ofNullable(status(r).path("runKey").textValue()).ifPresent(keys::add);
            }
        }
        return keys;
    }
}
