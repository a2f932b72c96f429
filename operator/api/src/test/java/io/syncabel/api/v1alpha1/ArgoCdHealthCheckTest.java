package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @org.junit.jupiter.api.Test
    void argocdConfigMapPatchEmbedsExactlyHealthLua() throws IOException {
        JsonNode patch = CrdFiles.YAML.readTree(ARGOCD.resolve("argocd-cm.yaml").toFile());
        assertThat(patch.path("data").path("resource.customizations.health.syncabel.io_*").asText())
                .isEqualTo(Files.readString(ARGOCD.resolve("health.lua")));
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
