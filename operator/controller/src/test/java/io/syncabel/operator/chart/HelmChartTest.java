package io.syncabel.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart as `helm lint` and `helm template` see it: valid, complete, least-privilege, secrets by reference. */
class HelmChartTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> render(String... sets) throws Exception {
        List<String> args = new ArrayList<>(List.of("template", "demo", Helm.CHART.toString(), "--namespace", "syncabel", "--include-crds"));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        String yaml = Helm.run(args.toArray(String[]::new));
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.has("kind")) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    @Test
    void lints() throws Exception {
        assertThat(Helm.run("lint", Helm.CHART.toString(), "--strict")).contains("0 chart(s) failed");
    }

    @Test
    void installsTheCrdsTheOperatorAndClusterWideRbacByDefault() throws Exception {
        List<JsonNode> docs = render();
        assertThat(ofKind(docs, "CustomResourceDefinition")).extracting(d -> d.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("knowledgebases.syncabel.io", "syntheticdatasets.syncabel.io",
                        "trainingruns.syncabel.io", "linkerdeployments.syncabel.io", "evaluations.syncabel.io");
        JsonNode deployment = ofKind(docs, "Deployment").get(0);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(ofKind(docs, "ClusterRole")).extracting(r -> r.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("syncabel-operator-syncabel", "syncabel-edit", "syncabel-view");
        assertThat(ofKind(docs, "Role")).extracting(r -> r.path("metadata").path("name").asText())
                .containsExactly("syncabel-operator-leader-election");
    }

    @Test
    void watchedNamespacesGetRolesInsteadOfAClusterRole() throws Exception {
        List<JsonNode> docs = render("operator.watchNamespaces={nlp,research}");
        assertThat(ofKind(docs, "ClusterRole")).extracting(r -> r.path("metadata").path("name").asText())
                .as("only the aggregated user roles").containsExactlyInAnyOrder("syncabel-edit", "syncabel-view");
        assertThat(ofKind(docs, "RoleBinding")).extracting(r -> r.path("metadata").path("namespace").asText())
                .contains("nlp", "research");
    }

    @Test
    void storeCredentialsAreOnlyEverReferencedNeverInlined() throws Exception {
        List<JsonNode> docs = render("minio.enabled=true");
        JsonNode minio = ofKind(docs, "Deployment").stream()
                .filter(d -> d.path("metadata").path("name").asText().endsWith("-minio")).findFirst().orElseThrow();
        JsonNode env = minio.path("spec").path("template").path("spec").path("containers").get(0).path("env");
        env.forEach(e -> assertThat(e.has("valueFrom")).as("env %s", e.path("name").asText()).isTrue());
        JsonNode operatorEnv = ofKind(docs, "Deployment").stream()
                .filter(d -> d.path("metadata").path("name").asText().equals("syncabel-operator")).findFirst().orElseThrow()
                .path("spec").path("template").path("spec").path("containers").get(0).path("env");
        // *_KEY_KEY variables only name keys inside the Secret; no credential value is ever inlined
        operatorEnv.forEach(e -> assertThat(e.path("name").asText().matches(".*(PASSWORD|SECRET_ACCESS_KEY)") && e.has("value"))
                .as("env %s", e.path("name").asText()).isFalse());
        assertThat(operatorEnv.toString()).contains("http://demo-minio.syncabel.svc:9000");
    }

    @Test
    void gpuImageQueueAndGpuPlacementReachTheOperatorAsItsProperties() throws Exception {
        List<JsonNode> docs = render("runtime.gpuImage=registry/runtime:1-cuda", "scheduling.defaultQueueName=batch",
                "scheduling.gpu.nodeSelector.gpu=true", "scheduling.gpu.tolerations[0].key=nvidia.com/gpu",
                "scheduling.gpu.tolerations[0].operator=Exists");
        JsonNode env = ofKind(docs, "Deployment").get(0).path("spec").path("template").path("spec").path("containers").get(0).path("env");
        java.util.Map<String, String> values = new java.util.HashMap<>();
        env.forEach(e -> values.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(values).containsEntry("SYNCABEL_RUNTIME_GPU_IMAGE", "registry/runtime:1-cuda")
                .containsEntry("SYNCABEL_SCHEDULING_DEFAULT_QUEUE_NAME", "batch")
                .containsEntry("SYNCABEL_SCHEDULING_GPU_NODE_SELECTOR", "gpu=true");
        var defaults = io.syncabel.operator.SettingsProducerAccess.podDefaults(values);
        assertThat(defaults.gpuTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(t.getOperator()).isEqualTo("Exists");
        });
        assertThat(render()).allSatisfy(d -> assertThat(d.toString()).doesNotContain("SYNCABEL_SCHEDULING"));
    }

    @Test
    void aPrivateStoreCaIsMountedIntoTheOperatorForItsOwnProgressReads() throws Exception {
        JsonNode pod = ofKind(render("store.caSecret=store-ca"), "Deployment").get(0).path("spec").path("template").path("spec");
        java.util.Map<String, String> values = new java.util.HashMap<>();
        pod.path("containers").get(0).path("env").forEach(e -> values.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(values).containsEntry("SYNCABEL_STORE_CA_SECRET_NAME", "store-ca")
                .containsEntry("SYNCABEL_STORE_CA_FILE", "/etc/syncabel/store-ca/ca.crt");
        assertThat(pod.path("containers").get(0).path("volumeMounts").toString())
                .contains("\"name\":\"store-ca\"").contains("\"mountPath\":\"/etc/syncabel/store-ca\"");
        assertThat(pod.path("volumes").toString()).contains("\"secretName\":\"store-ca\"").contains("\"key\":\"ca.crt\"");
        // without it, nothing of the kind
        assertThat(ofKind(render(), "Deployment").get(0).toString()).doesNotContain("store-ca").doesNotContain("SYNCABEL_STORE_CA_FILE");
    }

    @Test
    void linkersGetTheReadOnlyStoreSecretOnlyWhenOneIsGiven() throws Exception {
        JsonNode env = ofKind(render("store.readerCredentialsSecret=syncabel-store-reader"), "Deployment").get(0)
                .path("spec").path("template").path("spec").path("containers").get(0).path("env");
        java.util.Map<String, String> values = new java.util.HashMap<>();
        env.forEach(e -> values.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(values).containsEntry("SYNCABEL_STORE_READER_SECRET_NAME", "syncabel-store-reader")
                .containsEntry("SYNCABEL_STORE_SECRET_NAME", "syncabel-store");
        assertThat(ofKind(render(), "Deployment").get(0).toString()).doesNotContain("SYNCABEL_STORE_READER_SECRET_NAME");
    }

    @Test
    void chartCrdsAreTheGeneratedOnes() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(Helm.ROOT.resolve("crds"))) {
            for (java.nio.file.Path crd : files.toList()) {
                assertThat(Helm.CHART.resolve("crds").resolve(crd.getFileName())).as("chart copy of %s", crd)
                        .hasSameTextualContentAs(crd);
            }
        }
    }

    static java.util.Map<String, String> operatorEnv(List<JsonNode> docs) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        ofKind(docs, "Deployment").stream().filter(d -> d.path("metadata").path("name").asText().equals("syncabel-operator"))
                .findFirst().orElseThrow().path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .forEach(e -> values.put(e.path("name").asText(), e.path("value").asText()));
        return values;
    }

    @Test
    void valuesSchemaRejectsBadValues() throws Exception {
        assertThat(Helm.runFailing("template", "demo", Helm.CHART.toString(), "--set", "operator.replicas=abc"))
                .contains("/operator/replicas").contains("want integer");
        assertThat(Helm.runFailing("template", "demo", Helm.CHART.toString(), "--set", "operatr.replicas=1"))
                .contains("additional properties 'operatr' not allowed");
        assertThat(Helm.runFailing("lint", Helm.CHART.toString(), "--set", "inputs.allowedSchemes={ftp}"))
                .contains("/inputs/allowedSchemes/0");
        assertThat(Helm.runFailing("template", "demo", Helm.CHART.toString(), "--set", "minio.rootPassword=short"))
                .contains("/minio/rootPassword");
    }

    @Test
    void theMinioSecretIsTheSameOnEveryRender() throws Exception {
        String[] values = {"minio.enabled=true", "minio.rootPassword=correct-horse-battery"};
        assertThat(render(values)).as("Argo CD renders on every sync: a random value is drift").isEqualTo(render(values));
        JsonNode secret = ofKind(render(values), "Secret").get(0);
        assertThat(secret.path("stringData").path("secretKey").asText()).isEqualTo("correct-horse-battery");
        assertThat(secret.path("metadata").path("name").asText()).isEqualTo("syncabel-store");
        assertThat(ofKind(render("minio.enabled=true"), "Secret")).as("no password: MinIO reads the existing Secret").isEmpty();
        assertThat(Files.readString(Helm.CHART.resolve("templates/minio.yaml"))).doesNotContain("randAlpha").doesNotContain("lookup");
    }

    @Test
    void runtimePodsGetTheirOwnServiceAccountWithThePullSecrets() throws Exception {
        List<JsonNode> docs = render("operator.watchNamespaces={nlp}", "imagePullSecrets[0].name=regcred");
        JsonNode account = ofKind(docs, "ServiceAccount").stream()
                .filter(a -> a.path("metadata").path("name").asText().equals("syncabel-runtime")).findFirst().orElseThrow();
        assertThat(account.path("metadata").path("namespace").asText()).isEqualTo("nlp");
        assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(account.path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("regcred");
        assertThat(operatorEnv(docs)).containsEntry("SYNCABEL_RUNTIME_SERVICE_ACCOUNT", "syncabel-runtime");
        JsonNode operatorPod = ofKind(docs, "Deployment").get(0).path("spec").path("template").path("spec");
        assertThat(operatorPod.path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("regcred");
        // all namespaces: the chart cannot create it everywhere, so pods keep the namespace default account
        List<JsonNode> clusterWide = render();
        assertThat(ofKind(clusterWide, "ServiceAccount")).hasSize(1);
        assertThat(operatorEnv(clusterWide)).doesNotContainKey("SYNCABEL_RUNTIME_SERVICE_ACCOUNT");
        assertThat(operatorEnv(render("runtime.serviceAccount.create=false"))).containsEntry("SYNCABEL_RUNTIME_SERVICE_ACCOUNT", "syncabel-runtime");
    }

    @Test
    void theInputAllowListsReachTheOperatorInTheFormatItParses() throws Exception {
        var env = operatorEnv(render());
        var policy = io.syncabel.operator.InputPolicy.parse(java.util.Optional.of(env.get("SYNCABEL_INPUTS_ALLOWED_SCHEMES")),
                java.util.Optional.of(env.get("SYNCABEL_INPUTS_ALLOWED_SECRETS")));
        assertThat(policy.allowedSchemes()).containsExactlyInAnyOrder("s3", "https");
        assertThat(policy.allowsScheme("file:/etc/passwd")).isFalse();
        assertThat(policy.allowsSecret("llm-api")).isTrue();
        assertThat(policy.allowsSecret("syncabel-store")).isFalse();
        var open = operatorEnv(render("inputs.allowedSchemes=null", "inputs.allowedSecrets=null"));
        assertThat(io.syncabel.operator.InputPolicy.parse(java.util.Optional.ofNullable(open.get("SYNCABEL_INPUTS_ALLOWED_SCHEMES")),
                java.util.Optional.ofNullable(open.get("SYNCABEL_INPUTS_ALLOWED_SECRETS")))).isEqualTo(io.syncabel.operator.InputPolicy.ANY);
    }

    @Test
    void theKindsAggregateIntoTheDefaultAdminEditAndViewRoles() throws Exception {
        List<JsonNode> roles = ofKind(render(), "ClusterRole");
        JsonNode edit = roles.stream().filter(r -> r.path("metadata").path("name").asText().equals("syncabel-edit")).findFirst().orElseThrow();
        JsonNode view = roles.stream().filter(r -> r.path("metadata").path("name").asText().equals("syncabel-view")).findFirst().orElseThrow();
        assertThat(edit.path("metadata").path("labels").path("rbac.authorization.k8s.io/aggregate-to-admin").asText()).isEqualTo("true");
        assertThat(edit.path("metadata").path("labels").path("rbac.authorization.k8s.io/aggregate-to-edit").asText()).isEqualTo("true");
        assertThat(edit.path("rules").toString()).contains("trainingruns").contains("delete");
        assertThat(view.path("metadata").path("labels").path("rbac.authorization.k8s.io/aggregate-to-view").asText()).isEqualTo("true");
        assertThat(view.path("rules").get(0).path("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\"]");
        assertThat(ofKind(render("rbac.aggregateToDefaultRoles=false"), "ClusterRole")).singleElement()
                .satisfies(r -> assertThat(r.path("metadata").path("name").asText()).isEqualTo("syncabel-operator-syncabel"));
    }

    @Test
    void networkPoliciesAreOptionalAndAdmitOnlyTheirPeers() throws Exception {
        assertThat(ofKind(render("minio.enabled=true", "operator.watchNamespaces={nlp}"), "NetworkPolicy")).isEmpty();
        List<JsonNode> policies = ofKind(render("networkPolicy.enabled=true", "minio.enabled=true", "operator.watchNamespaces={nlp}"),
                "NetworkPolicy");
        JsonNode linkers = policies.stream().filter(p -> p.path("metadata").path("namespace").asText().equals("nlp")).findFirst().orElseThrow();
        assertThat(linkers.path("spec").path("podSelector").path("matchLabels").path("syncabel.io/kind").asText()).isEqualTo("LinkerDeployment");
        assertThat(linkers.path("spec").path("ingress").get(0).path("ports").get(0).path("port").asInt()).isEqualTo(8080);
        JsonNode store = policies.stream().filter(p -> p.path("metadata").path("name").asText().equals("demo-minio")).findFirst().orElseThrow();
        assertThat(store.path("spec").path("ingress").get(0).path("from").toString())
                .contains("\"app.kubernetes.io/part-of\":\"syncabel\"").contains("syncabel-operator");
    }

    @Test
    void theOperatorImageHonoursJavaOpts() throws Exception {
        assertThat(operatorEnv(render("operator.javaOpts=-XX:+ExitOnOutOfMemoryError"))).containsEntry("JAVA_OPTS", "-XX:+ExitOnOutOfMemoryError");
        String entrypoint = Files.readAllLines(Helm.ROOT.resolve("operator/controller/Dockerfile")).stream()
                .filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        // `java -jar` ignores JAVA_OPTS; only a shell puts the variables on java's command line
        assertThat(entrypoint).contains("exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar");
    }
}
