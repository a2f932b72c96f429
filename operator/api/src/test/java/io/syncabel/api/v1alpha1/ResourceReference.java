package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * docs/resources.md, rendered from the committed CRDs so the field reference can never drift from
 * the schema the API server enforces.
 */
final class ResourceReference {
    /** Kubernetes types documented upstream: shown as one row, not expanded. */
    private static final Set<String> UPSTREAM = Set.of("resources", "affinity", "tolerations", "apiKeySecretRef");

    private ResourceReference() {
    }

    static String render() {
        StringBuilder md = new StringBuilder("""
                # The five resources, field by field

                Generated from `crds/` (`./mvnw -pl operator/api verify -Dcrds.update=true`); do not edit.
                All kinds are `syncabel.io/v1alpha1` and namespaced. Fields without a stated default are
                optional; defaults are applied by the runtime and reported in status, never written into
                the spec. Ready-to-apply manifests: [examples/](../examples/).

                """);
        for (var kind : Kinds.ALL) {
            JsonNode crd = CrdFiles.committedTree(kind);
            JsonNode schema = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
            md.append("## ").append(HasMetadata.getKind(kind))
                    .append(" (`").append(crd.path("spec").path("names").path("shortNames").get(0).asText()).append("`)\n\n");
            List<String> examples = examplesOf(HasMetadata.getKind(kind));
            if (!examples.isEmpty()) {
                md.append("Examples: ").append(String.join(", ", examples)).append(".\n\n");
            }
            for (String part : List.of("spec", "status")) {
                md.append("### ").append(part).append("\n\n| field | type | rules | description |\n|---|---|---|---|\n");
                List<String> rows = new ArrayList<>();
                walk(schema.path("properties").path(part), part, rows);
                rows.forEach(md::append);
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** Links to the manifests under examples/ of this kind, so each field can be seen in use. */
    private static List<String> examplesOf(String kind) {
        try {
            Path root = CrdFiles.repoRoot();
            return ExampleManifestsTest.examples().filter(p -> kind.equals(ExampleManifestsTest.read(p).path("kind").asText()))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .map(file -> "[" + file.substring("examples/".length()) + "](../" + file + ")").toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(JsonNode node, String path, List<String> rows) {
        for (JsonNode rule : node.path("x-kubernetes-validations")) {
            rows.add(row(path, "rule", "`" + rule.path("rule").asText() + "`", rule.path("message").asText()));
        }
        JsonNode properties = node.path("properties");
        List<String> required = new ArrayList<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        properties.fieldNames().forEachRemaining(name -> {
            JsonNode field = properties.get(name);
            String fieldPath = path + "." + name;
            String type = field.path("type").asText("int-or-string");
            JsonNode inner = field;
            if ("array".equals(type)) {
                inner = field.path("items");
                type = "[]" + inner.path("type").asText("int-or-string");
            } else if ("object".equals(type) && field.has("additionalProperties")) {
                type = "map[string]" + field.path("additionalProperties").path("type").asText("int-or-string");
            }
            rows.add(row(fieldPath, type, rules(field, inner, required.contains(name)), field.path("description").asText("")));
            if (!UPSTREAM.contains(name) && !"conditions".equals(name) && inner.has("properties")) {
                walk(inner, fieldPath + ("array".equals(field.path("type").asText()) ? "[]" : ""), rows);
            }
        });
    }

    private static String rules(JsonNode field, JsonNode inner, boolean required) {
        List<String> rules = new ArrayList<>();
        if (required) {
            rules.add("required");
        }
        if (inner.has("enum")) {
            List<String> values = new ArrayList<>();
            inner.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
            rules.add("one of " + String.join(", ", values));
        }
        if (field.has("minimum")) {
            rules.add("≥ " + field.path("minimum").asLong());
        }
        if (field.has("maximum")) {
            rules.add("≤ " + (field.path("maximum").asDouble() % 1 == 0 ? String.valueOf(field.path("maximum").asLong())
                    : field.path("maximum").asText()));
        }
        if (field.has("minItems")) {
            rules.add("at least " + field.path("minItems").asInt());
        }
        if (inner.has("pattern")) {
            rules.add("matches `" + inner.path("pattern").asText().replace("|", "\\|") + "`");
        }
        return String.join("; ", rules);
    }

    private static String row(String path, String type, String rules, String description) {
        return "| `" + path + "` | " + type + " | " + rules + " | " + description.replace("|", "\\|").replace("\n", " ") + " |\n";
    }
}
