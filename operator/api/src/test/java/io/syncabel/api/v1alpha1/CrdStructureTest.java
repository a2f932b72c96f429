package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Reads the committed CRD YAML the way the API server and kubectl will. */
class CrdStructureTest {

    static final Map<Class<?>, String> SHORT_NAMES = Map.of(
            KnowledgeBase.class, "kb", SyntheticDataset.class, "synth", TrainingRun.class, "tr",
            LinkerDeployment.class, "linker", Evaluation.class, "eval");

    static JsonNode version(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        JsonNode versions = CrdFiles.committedTree(kind).path("spec").path("versions");
        assertThat(versions).hasSize(1);
        return versions.get(0);
    }

    static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(field == null ? n.asText() : n.get(field).asText()));
        return out;
    }

    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void isNamespacedWithShortNameCategoryAndStatusSubresource(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        JsonNode spec = CrdFiles.committedTree(kind).path("spec");
        assertThat(spec.path("group").asText()).isEqualTo("syncabel.io");
        assertThat(spec.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(names(spec.path("names").path("shortNames"), null)).containsExactly(SHORT_NAMES.get(kind));
        assertThat(names(spec.path("names").path("categories"), null)).containsExactly("syncabel");
        JsonNode v = version(kind);
        assertThat(v.path("name").asText()).isEqualTo("v1alpha1");
        assertThat(v.path("served").asBoolean()).isTrue();
        assertThat(v.path("storage").asBoolean()).isTrue();
        assertThat(v.path("subresources").has("status")).as("status subresource").isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void specIsRequiredAndConditionsAreAMapKeyedByType(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        JsonNode schema = version(kind).path("schema").path("openAPIV3Schema");
        assertThat(names(schema.path("required"), null)).contains("spec");
        JsonNode conditions = schema.path("properties").path("status").path("properties").path("conditions");
        assertThat(conditions.path("x-kubernetes-list-type").asText()).isEqualTo("map");
        assertThat(names(conditions.path("x-kubernetes-list-map-keys"), null)).containsExactly("type");
        JsonNode item = conditions.path("items");
        assertThat(names(item.path("required"), null)).contains("type", "status", "reason", "message", "lastTransitionTime");
        assertThat(names(item.path("properties").path("status").path("enum"), null)).containsExactly("True", "False", "Unknown");
        assertThat(item.path("properties").path("message").path("maxLength").asInt()).isEqualTo(32768);
    }

    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void printerColumnsAnswerDoneWhereWhyNotInDeclaredOrder(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        JsonNode columns = version(kind).path("additionalPrinterColumns");
        List<String> names = names(columns, "name");
        assertThat(names.get(0)).isEqualTo("Ready");
        assertThat(names.get(1)).isEqualTo("Reason");
        assertThat(names.get(names.size() - 1)).isEqualTo("Age");
        assertThat(names).contains("Message");
        assertThat(columns.get(0).path("jsonPath").asText())
                .isEqualTo(".status.conditions[?(@.type==\"Ready\")].status");
    }

    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void statusCarriesConditionsInTheMetav1Shape(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        JsonNode status = version(kind).path("schema").path("openAPIV3Schema").path("properties").path("status");
        JsonNode condition = status.path("properties").path("conditions").path("items").path("properties");
        assertThat(names(fieldNames(condition), null)).contains(
                "type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
        assertThat(status.path("properties").has("observedGeneration")).isTrue();
        assertThat(status.path("properties").has("outputUri")).isTrue();
    }

    @Test
    void requiredFieldsAndValidationRulesAreInTheSchema() {
        assertThat(names(specOf(KnowledgeBase.class).path("required"), null)).containsExactly("sources");
        assertThat(names(specOf(SyntheticDataset.class).path("required"), null))
                .containsExactlyInAnyOrder("knowledgeBaseRef", "generator");
        assertThat(names(specOf(TrainingRun.class).path("required"), null)).containsExactly("knowledgeBaseRef");
        assertThat(names(specOf(Evaluation.class).path("required"), null)).containsExactly("testCorpus");
        assertThat(specOf(LinkerDeployment.class).path("x-kubernetes-validations").get(0).path("rule").asText())
                .isEqualTo("has(self.trainingRunRef) != has(self.modelUri)");
        JsonNode source = specOf(KnowledgeBase.class).path("properties").path("sources").path("items");
        assertThat(names(source.path("properties").path("format").path("enum"), null))
                .containsExactlyInAnyOrder("umls-rrf", "tsv", "dnorm", "ctd", "obo");
        assertThat(source.path("properties").path("uri").path("pattern").asText()).startsWith("^(s3://");
        JsonNode pretrained = specOf(TrainingRun.class).path("properties").path("model").path("properties").path("pretrained");
        assertThat(names(pretrained.path("required"), null)).as("uri, when the block is given").containsExactly("uri");
        assertThat(pretrained.path("properties").path("uri").path("pattern").asText()).startsWith("^(s3://");
        assertThat(pretrained.path("properties").path("digest").path("pattern").asText()).isEqualTo("^sha256:[0-9a-f]{64}$");
    }

    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void noSchemaDefaultsThatTheApiServerWouldInject(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        assertThat(CrdFiles.committedTree(kind).findValues("default"))
                .as("defaults live in code and are reported in status (Argo CD would see drift)")
                .isEmpty();
    }

    /**
     * Every string and list of a spec is bounded (maxLength / maxItems, maxProperties for maps): the API
     * server's CEL cost estimator needs the bounds, and an unbounded field lets one object grow without limit.
     * Kubernetes' own types embedded in a spec (resources, affinity, tolerations' items, a SecretKeySelector)
     * keep the schema Kubernetes gives them.
     */
    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void everySpecStringAndListIsBounded(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        List<String> unbounded = new ArrayList<>();
        unbounded(".spec", specOf(kind), unbounded);
        assertThat(unbounded).as("unbounded spec fields of %s", kind.getSimpleName()).isEmpty();
    }

    static final java.util.Set<String> KUBERNETES_TYPES = java.util.Set.of("resources", "affinity", "apiKeySecretRef");

    private static void unbounded(String path, JsonNode schema, List<String> out) {
        String type = schema.path("type").asText();
        if (type.equals("string") && !schema.has("enum") && !schema.has("maxLength")) {
            out.add(path + " (maxLength)");
        }
        if (type.equals("array") && !schema.has("maxItems")) {
            out.add(path + " (maxItems)");
        }
        if (type.equals("object") && schema.has("additionalProperties") && !schema.has("maxProperties")) {
            out.add(path + " (maxProperties)");
        }
        schema.path("properties").fields().forEachRemaining(p -> {
            if (!KUBERNETES_TYPES.contains(p.getKey())) {
                unbounded(path + "." + p.getKey(), p.getValue(), out);
            }
        });
        if (schema.has("items") && !path.endsWith(".tolerations")) {
            unbounded(path + "[]", schema.get("items"), out);
        }
        if (schema.path("additionalProperties").isObject()) {
            unbounded(path + "{}", schema.get("additionalProperties"), out);
        }
    }

    static JsonNode specOf(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind) {
        return version(kind).path("schema").path("openAPIV3Schema").path("properties").path("spec");
    }

    private static JsonNode fieldNames(JsonNode object) {
        var array = CrdFiles.YAML.createArrayNode();
        object.fieldNames().forEachRemaining(array::add);
        return array;
    }
}
