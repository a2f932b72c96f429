package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest under examples/ must be accepted by the CRD schema exactly as the API server would
 * (and with no field it would silently prune), and must read into the Java model without loss.
 */
class ExampleManifestsTest {

    static final Map<String, Class<? extends HasMetadata>> KINDS = CrdFiles.KINDS.stream()
            .collect(Collectors.toMap(HasMetadata::getKind, k -> k));

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.walk(CrdFiles.repoRoot().resolve("examples"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
            assertThat(yamls).isNotEmpty();
            return yamls.stream();
        }
    }

    static JsonNode read(Path file) {
        try {
            return CrdFiles.YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CRD's openAPIV3Schema, made strict: objects without declared extra fields reject unknown ones. */
    static JsonSchema schemaOf(Class<? extends HasMetadata> kind) {
        JsonNode schema = CrdStructureTest.version(kind).path("schema").path("openAPIV3Schema").deepCopy();
        forbidUnknownFields(schema);
        ObjectNode root = (ObjectNode) schema;
        root.with("properties").putObject("apiVersion").put("const", ApiGroup.API_VERSION);
        root.with("properties").putObject("kind").put("const", HasMetadata.getKind(kind));
        root.with("properties").putObject("metadata").put("type", "object");
        root.putArray("required").add("apiVersion").add("kind").add("metadata").add("spec");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    private static void forbidUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            boolean openObject = object.has("additionalProperties") || object.has("x-kubernetes-preserve-unknown-fields")
                    || object.has("x-kubernetes-int-or-string");
            if (object.has("properties") && !openObject) {
                object.put("additionalProperties", false);
            }
            object.elements().forEachRemaining(ExampleManifestsTest::forbidUnknownFields);
        } else if (node != null && node.isArray()) {
            node.forEach(ExampleManifestsTest::forbidUnknownFields);
        }
    }

    static Set<ValidationMessage> validate(JsonNode manifest) {
        Class<? extends HasMetadata> kind = KINDS.get(manifest.path("kind").asText());
        assertThat(kind).as("kind %s is one of the five", manifest.path("kind").asText()).isNotNull();
        return schemaOf(kind).validate(manifest);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleValidatesAgainstItsCrdSchema(Path file) {
        assertThat(validate(read(file))).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleRoundTripsThroughTheJavaModel(Path file) {
        JsonNode manifest = read(file);
        Class<? extends HasMetadata> kind = KINDS.get(manifest.path("kind").asText());
        HasMetadata first = Serialization.unmarshal(Serialization.asYaml(manifest), kind);
        String yaml = Serialization.asYaml(first);
        HasMetadata second = Serialization.unmarshal(yaml, kind);
        assertThat(second).isEqualTo(first);
        JsonNode written = CrdFiles.YAML.valueToTree(second);
        assertThat(written.equals(SAME_SCALAR, manifest))
                .as("nothing dropped by the model:%n%s%nvs%n%s", written, manifest).isTrue();
    }

    /** 42 and 42L, or a quantity written 1 and read back "1", are the same value to the API server. */
    private static final java.util.Comparator<JsonNode> SAME_SCALAR = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        if (a.isValueNode() && b.isValueNode()) {
            return a.asText().compareTo(b.asText());
        }
        return a.equals(b) ? 0 : 1;
    };

    @Test
    void quickstartHasOneManifestPerKindFormingAPipeline() throws IOException {
        try (Stream<Path> files = Files.list(CrdFiles.repoRoot().resolve("examples/quickstart"))) {
            Set<String> kinds = files.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> read(p).path("kind").asText()).collect(Collectors.toSet());
            assertThat(kinds).containsExactlyInAnyOrderElementsOf(KINDS.keySet());
        }
    }

    @Test
    void schemaRejectsWhatTheApiServerWould() throws IOException {
        JsonNode good = read(CrdFiles.repoRoot().resolve("examples/quickstart/01-knowledgebase.yaml"));

        ObjectNode badFormat = good.deepCopy();
        ((ObjectNode) badFormat.path("spec").path("sources").get(0)).put("format", "csv");
        assertThat(messages(badFormat)).anyMatch(m -> m.contains("format"));

        ObjectNode badUri = good.deepCopy();
        ((ObjectNode) badUri.path("spec").path("sources").get(0)).put("uri", "ftp://example.org/medic.txt");
        assertThat(messages(badUri)).anyMatch(m -> m.contains("uri"));

        ObjectNode noSources = good.deepCopy();
        ((ObjectNode) noSources.path("spec")).remove("sources");
        assertThat(messages(noSources)).anyMatch(m -> m.contains("sources"));

        ObjectNode typo = good.deepCopy();
        ((ObjectNode) typo.path("spec")).put("defaultGroupp", "DISO");
        assertThat(messages(typo)).anyMatch(m -> m.contains("defaultGroupp"));

        JsonNode training = read(CrdFiles.repoRoot().resolve("examples/quickstart/03-trainingrun.yaml"));
        ObjectNode negativeEpochs = training.deepCopy();
        ((ObjectNode) negativeEpochs.path("spec").path("hyperparameters")).put("epochs", 0);
        assertThat(messages(negativeEpochs)).anyMatch(m -> m.contains("epochs"));

        JsonNode pretrained = read(CrdFiles.repoRoot().resolve("examples/gpu/trainingrun-pretrained.yaml"));
        assertThat(validate(pretrained)).isEmpty();
        for (String digest : List.of("3f1c8e0d", "sha256:" + "A".repeat(64), "md5:" + "a".repeat(64), "sha256:" + "a".repeat(65))) {
            ObjectNode badDigest = pretrained.deepCopy();
            ((ObjectNode) badDigest.path("spec").path("model").path("pretrained")).put("digest", digest);
            assertThat(messages(badDigest)).as(digest).anyMatch(m -> m.contains("digest"));
        }
        ObjectNode noUri = pretrained.deepCopy();
        ((ObjectNode) noUri.path("spec").path("model").path("pretrained")).remove("uri");
        assertThat(messages(noUri)).anyMatch(m -> m.contains("uri"));
        ObjectNode noDigest = pretrained.deepCopy();
        ((ObjectNode) noDigest.path("spec").path("model").path("pretrained")).remove("digest");
        assertThat(validate(noDigest)).as("the digest is optional").isEmpty();
    }

    private static Set<String> messages(JsonNode manifest) {
        return validate(manifest).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }
}
