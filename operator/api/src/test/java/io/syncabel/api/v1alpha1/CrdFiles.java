package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The committed CRDs under crds/: what the fabric8 generator wrote into target/classes, with the
 * printer columns put back in the order they are declared on the class (the generator sorts them
 * by name, and kubectl prints them in CRD order).
 */
final class CrdFiles {
    static final List<Class<? extends CustomResource<?, ?>>> KINDS = Kinds.ALL;

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private static final String HEADER = """
            # Generated from operator/api by the fabric8 CRD generator. Do not edit by hand:
            # ./mvnw -pl operator/api verify -Dcrds.update=true
            """;

    private CrdFiles() {
    }

    static Path repoRoot() {
        String root = System.getProperty("syncabel.repo.root");
        return root != null ? Path.of(root) : Path.of("../..").toAbsolutePath().normalize();
    }

    static String fileName(Class<? extends HasMetadata> kind) {
        return HasMetadata.getPlural(kind) + "." + HasMetadata.getGroup(kind) + "-v1.yml";
    }

    static Path committed(Class<? extends HasMetadata> kind) {
        return repoRoot().resolve("crds").resolve(fileName(kind));
    }

    /**
     * status.conditions as Kubernetes declares metav1.Condition: a map keyed by type (so server-side
     * apply merges one condition, not the list) with the same required fields and bounds. The
     * generator has no annotation for list types, so they are added here, to the committed CRDs.
     */
    static void asMetav1Conditions(ObjectNode conditions) {
        conditions.put("x-kubernetes-list-type", "map");
        conditions.putArray("x-kubernetes-list-map-keys").add("type");
        ObjectNode item = (ObjectNode) conditions.get("items");
        ObjectNode properties = (ObjectNode) item.get("properties");
        ((ObjectNode) properties.get("type")).put("maxLength", 316)
                .put("pattern", "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$");
        ObjectNode status = (ObjectNode) properties.get("status");
        status.putArray("enum").add("True").add("False").add("Unknown");
        ((ObjectNode) properties.get("reason")).put("maxLength", 1024).put("minLength", 1)
                .put("pattern", "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
        ((ObjectNode) properties.get("message")).put("maxLength", 32768);
        ((ObjectNode) properties.get("lastTransitionTime")).put("format", "date-time");
        ((ObjectNode) properties.get("observedGeneration")).put("minimum", 0).put("format", "int64");
        ArrayNode required = item.putArray("required");
        List.of("type", "status", "lastTransitionTime", "reason", "message").forEach(required::add);
    }

    /** The CRD as it must be committed: generated schema, declared column order. */
    static String expected(Class<? extends HasMetadata> kind) {
        String resource = "/META-INF/fabric8/" + fileName(kind);
        try (var in = CrdFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing: the crd-generator-maven-plugin did not run");
            }
            ObjectNode crd = (ObjectNode) YAML.readTree(in);
            List<String> order = new ArrayList<>();
            for (AdditionalPrinterColumn c : kind.getAnnotationsByType(AdditionalPrinterColumn.class)) {
                order.add(c.name());
            }
            for (JsonNode version : crd.path("spec").path("versions")) {
                ArrayNode columns = (ArrayNode) version.get("additionalPrinterColumns");
                List<JsonNode> sorted = new ArrayList<>();
                columns.forEach(sorted::add);
                sorted.sort(Comparator.comparingInt(c -> order.indexOf(c.get("name").asText())));
                columns.removeAll();
                columns.addAll(sorted);
            }
            for (JsonNode version : crd.path("spec").path("versions")) {
                JsonNode conditions = version.path("schema").path("openAPIV3Schema").path("properties").path("status")
                        .path("properties").path("conditions");
                if (conditions instanceof ObjectNode list) {
                    asMetav1Conditions(list);
                }
            }
            return HEADER + YAML.writeValueAsString(crd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> committedAsMap(Class<? extends HasMetadata> kind) {
        try {
            return YAML.readValue(committed(kind).toFile(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode committedTree(Class<? extends HasMetadata> kind) {
        try {
            return YAML.readTree(Files.readString(committed(kind)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
