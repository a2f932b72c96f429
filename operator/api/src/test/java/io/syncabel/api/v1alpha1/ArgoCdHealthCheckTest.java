package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.syncabel.api.v1alpha1.common.Conditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * argocd/health.lua against argocd/health_test.yaml, in Argo CD's own fixture format: each fixture is
 * a real manifest (checked against its CRD schema) and the health Argo CD must derive from it.
 */
class ArgoCdHealthCheckTest {
    static final Path ARGOCD = CrdFiles.repoRoot().resolve("argocd");

    static List<JsonNode> fixtures() throws IOException {
        List<JsonNode> tests = new ArrayList<>();
        CrdFiles.YAML.readTree(ARGOCD.resolve("health_test.yaml").toFile()).path("tests").forEach(tests::add);
        assertThat(tests).hasSizeGreaterThanOrEqualTo(10);
        return tests;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void healthMatchesTheFixture(JsonNode test) throws IOException {
        JsonNode manifest = CrdFiles.YAML.readTree(ARGOCD.resolve(test.path("inputPath").asText()).toFile());
        assertThat(ExampleManifestsTest.validate(manifest)).as("fixture is a valid manifest").isEmpty();

        Globals lua = JsePlatform.standardGlobals();
        lua.set("obj", toLua(manifest));
        LuaValue result = lua.load(Files.readString(ARGOCD.resolve("health.lua")), "health.lua").call();

        assertThat(result.get("status").tojstring()).isEqualTo(test.path("healthStatus").path("status").asText());
        assertThat(result.get("message").tojstring()).isEqualTo(test.path("healthStatus").path("message").asText());
    }

    static final String BEGIN = "-- BEGIN generated from io.syncabel.api.v1alpha1.common.Conditions";
    static final String END = "-- END generated";
    /** What a ConfigMap key may contain (Kubernetes validation): no "*", so one key per kind. */
    static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    static final String UPDATE = "run ./mvnw -pl operator/api test -Dtest=ArgoCdHealthCheckTest -Dargocd.update=true";

    /** The reason tables of health.lua, as the Java constants say them. */
    static String reasonTables() {
        return table("degradedReasons", Conditions.DEGRADED_REASONS) + table("suspendedReasons", Conditions.SUSPENDED_REASONS);
    }

    static String table(String name, java.util.Set<String> reasons) {
        StringBuilder lua = new StringBuilder("local " + name + " = {\n");
        new TreeSet<>(reasons).forEach(r -> lua.append("  ").append(r).append(" = true,\n"));
        return lua.append("}\n").toString();
    }

    /** health.lua with its generated block replaced by {@link #reasonTables()}. */
    static String expectedHealthLua(String current) {
        int begin = current.indexOf(BEGIN);
        int end = current.indexOf(END);
        assertThat(begin).as("health.lua has the generated block").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        int afterBegin = current.indexOf('\n', begin) + 1;
        return current.substring(0, afterBegin) + reasonTables() + current.substring(end);
    }

    /** The argocd-cm patch: health.lua under one valid key per kind. */
    static String expectedConfigMapPatch(String healthLua) {
        StringBuilder yaml = new StringBuilder("""
                # Registers health.lua for each syncabel.io kind. Apply as a patch to the argocd-cm ConfigMap of
                # your Argo CD installation:
                #   kubectl -n argocd patch configmap argocd-cm --patch-file argocd/argocd-cm.yaml
                # Generated from argocd/health.lua by ArgoCdHealthCheckTest (-Dargocd.update=true); do not edit.
                data:
                """);
        for (var kind : Kinds.ALL) {
            yaml.append("  resource.customizations.health.").append(HasMetadata.getGroup(kind)).append('_')
                    .append(HasMetadata.getKind(kind)).append(": |\n");
            healthLua.lines().forEach(line -> yaml.append(line.isEmpty() ? "" : "    " + line).append('\n'));
        }
        return yaml.toString();
    }

    @org.junit.jupiter.api.Test
    void healthLuaReasonsAreTheOperatorsConstants() throws IOException {
        Path file = ARGOCD.resolve("health.lua");
        String expected = expectedHealthLua(Files.readString(file));
        if (Boolean.getBoolean("argocd.update")) {
            Files.writeString(file, expected);
        }
        assertThat(Files.readString(file)).as("health.lua's reasons drifted from Conditions; %s", UPDATE).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void argocdConfigMapPatchRegistersHealthLuaUnderValidKeysForEveryKind() throws IOException {
        Path file = ARGOCD.resolve("argocd-cm.yaml");
        String expected = expectedConfigMapPatch(Files.readString(ARGOCD.resolve("health.lua")));
        if (Boolean.getBoolean("argocd.update")) {
            Files.writeString(file, expected);
        }
        assertThat(Files.readString(file)).as("%s is stale; %s", file, UPDATE).isEqualTo(expected);
        JsonNode data = CrdFiles.YAML.readTree(file.toFile()).path("data");
        List<String> keys = new ArrayList<>();
        data.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).hasSize(Kinds.ALL.size()).allSatisfy(k -> assertThat(k).matches(CONFIG_KEY));
        keys.forEach(k -> assertThat(data.path(k).asText()).isEqualTo(readLua()));
    }

    static String readLua() {
        try {
            return Files.readString(ARGOCD.resolve("health.lua"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("everyReason")
    void everyReasonTheOperatorEmitsHasAHealth(String reason, String health) {
        ObjectNode manifest = CrdFiles.YAML.createObjectNode();
        manifest.putObject("metadata").put("generation", 1);
        ObjectNode ready = manifest.putObject("status").putArray("conditions").addObject();
        ready.put("type", Conditions.READY).put("status", "False").put("reason", reason).put("message", "m").put("observedGeneration", 1);
        Globals lua = JsePlatform.standardGlobals();
        lua.set("obj", toLua(manifest));
        LuaValue result = lua.load(readLua(), "health.lua").call();
        assertThat(result.get("status").tojstring()).isEqualTo(health);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> everyReason() {
        return java.util.stream.Stream.of(
                Conditions.DEGRADED_REASONS.stream().map(r -> org.junit.jupiter.params.provider.Arguments.of(r, "Degraded")),
                Conditions.SUSPENDED_REASONS.stream().map(r -> org.junit.jupiter.params.provider.Arguments.of(r, "Suspended")),
                java.util.stream.Stream.of(Conditions.REASON_RUNNING, Conditions.REASON_PENDING, Conditions.REASON_DELETING,
                        Conditions.REASON_ARTIFACTS_IN_USE, Conditions.REASON_WAITING_PREFIX + "KnowledgeBase").map(r -> org.junit.jupiter.params.provider.Arguments.of(r, "Progressing")))
                .flatMap(x -> x);
    }

    /** JSON to Lua the way Argo CD converts objects: maps to tables, arrays to 1-based tables. */
    static LuaValue toLua(JsonNode node) {
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                table.set(field.getKey(), toLua(field.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, toLua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isIntegralNumber()) {
            return LuaValue.valueOf(node.longValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
    }
}
