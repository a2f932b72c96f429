package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every x-kubernetes-validations rule of the committed CRDs, compiled and run with CEL-Java the way
 * the API server would, since the fabric8 mock server runs none of them: a rule that does not
 * compile, does not return a bool, or has no example it accepts and one it rejects fails here.
 * {@code self} is the object at the rule's place in the schema, as a map (the API server types it
 * from the schema; a rule written for a list or a scalar fails to compile against a map).
 */
class CelRulesTest {
    /** A rule at one place in one CRD. */
    record Rule(String kind, String path, String rule, String message) {
    }

    /** `self` values, as YAML, that a rule must accept and reject. Keyed by the rule's text. */
    record Examples(List<String> accepted, List<String> rejected) {
    }

    static final Map<String, Examples> EXAMPLES = Map.of(
            "[has(self.linkerRef), has(self.trainingRunRef)].filter(x, x).size() == 1", new Examples(
                    List.of("{linkerRef: {name: l}, testCorpus: {uri: 's3://b/t', format: pubtator}}",
                            "{trainingRunRef: {name: t}}"),
                    List.of("{linkerRef: {name: l}, trainingRunRef: {name: t}}", "{testCorpus: {uri: 's3://b/t', format: pubtator}}")),
            "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas", new Examples(
                    List.of("{maxReplicas: 3}", "{minReplicas: 2, maxReplicas: 2}"),
                    List.of("{minReplicas: 4, maxReplicas: 3}")),
            "has(self.trainingRunRef) != has(self.modelUri)", new Examples(
                    List.of("{trainingRunRef: {name: t}}", "{modelUri: 's3://b/m/'}"),
                    List.of("{}", "{trainingRunRef: {name: t}, modelUri: 's3://b/m/'}")),
            "self.type != 'llm' || has(self.llm)", new Examples(
                    List.of("{type: template}", "{type: llm, llm: {endpoint: 'http://vllm:8000/v1', model: m}}"),
                    List.of("{type: llm}")),
            "self.mode != 'groups' || (has(self.groups) && size(self.groups) > 0)", new Examples(
                    List.of("{mode: all}", "{mode: groups, groups: [DISO]}"),
                    List.of("{mode: groups}", "{mode: groups, groups: []}")),
            "self.mode != 'sample' || has(self.sampleSize)", new Examples(
                    List.of("{mode: sample, sampleSize: 10}", "{mode: all}"),
                    List.of("{mode: sample}")),
            "self.mode != 'unseen' || has(self.seenIn)", new Examples(
                    List.of("{mode: unseen, seenIn: {uri: 's3://b/c', format: pubtator}}", "{mode: sample, sampleSize: 1}"),
                    List.of("{mode: unseen}")),
            "!has(self.dense) || self.dense || !has(self.densePretrained)", new Examples(
                    List.of("{}", "{dense: false}", "{dense: true, densePretrained: {uri: 's3://m/sapbert/'}}"),
                    List.of("{dense: false, densePretrained: {uri: 's3://m/sapbert/'}}")),
            "has(self.corpora) || has(self.syntheticDatasetRefs)", new Examples(
                    List.of("{knowledgeBaseRef: {name: kb}, corpora: [{uri: 's3://b/c', format: pubtator}]}",
                            "{knowledgeBaseRef: {name: kb}, syntheticDatasetRefs: [{name: s}]}"),
                    List.of("{knowledgeBaseRef: {name: kb}}")));

    static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();
    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : CrdFiles.KINDS) {
            JsonNode schema = CrdStructureTest.version(kind).path("schema").path("openAPIV3Schema");
            collect(HasMetadata.getKind(kind), "", schema, rules);
        }
        return rules;
    }

    private static void collect(String kind, String path, JsonNode schema, List<Rule> out) {
        for (JsonNode v : schema.path("x-kubernetes-validations")) {
            out.add(new Rule(kind, path.isEmpty() ? "." : path, v.path("rule").asText(), v.path("message").asText()));
        }
        schema.path("properties").fields().forEachRemaining(p -> collect(kind, path + "." + p.getKey(), p.getValue(), out));
        if (schema.has("items")) {
            collect(kind, path + "[]", schema.get("items"), out);
        }
        if (schema.path("additionalProperties").isObject()) {
            collect(kind, path + "{}", schema.get("additionalProperties"), out);
        }
    }

    @Test
    void theCrdsHaveRulesAndEachIsExemplified() {
        List<Rule> rules = rules();
        assertThat(rules).as("the CRDs' CEL rules").hasSizeGreaterThanOrEqualTo(EXAMPLES.size());
        for (Rule rule : rules) {
            Examples examples = EXAMPLES.get(rule.rule());
            assertThat(examples).as("%s %s: rule `%s` has no examples in CelRulesTest.EXAMPLES", rule.kind(), rule.path(), rule.rule())
                    .isNotNull();
            assertThat(examples.accepted()).as("accepted examples of `%s`", rule.rule()).isNotEmpty();
            assertThat(examples.rejected()).as("rejected examples of `%s`", rule.rule()).isNotEmpty();
        }
        assertThat(rules).extracting(Rule::rule).as("examples of rules no CRD has any more").containsAll(EXAMPLES.keySet());
    }

    @Test
    void everyRuleCompilesToABoolAndJudgesItsExamples() throws Exception {
        for (Rule rule : rules()) {
            CelRuntime.Program program = RUNTIME.createProgram(compile(rule));
            Examples examples = EXAMPLES.get(rule.rule());
            if (examples == null) {
                continue; // reported by theCrdsHaveRulesAndEachIsExemplified
            }
            for (String accepted : examples.accepted()) {
                assertThat(eval(program, rule, accepted)).as("%s %s `%s` on %s", rule.kind(), rule.path(), rule.rule(), accepted).isTrue();
            }
            for (String rejected : examples.rejected()) {
                assertThat(eval(program, rule, rejected)).as("%s %s `%s` on %s", rule.kind(), rule.path(), rule.rule(), rejected).isFalse();
            }
        }
    }

    @Test
    void aBrokenRuleFailsToCompile() {
        // the check above would pass vacuously if compile() accepted anything
        Rule broken = new Rule("Test", ".spec", "has(self.a) && ", "broken");
        Rule notBool = new Rule("Test", ".spec", "self.a", "not a bool");
        Rule wrongShape = new Rule("Test", ".spec", "self.size() > 0 && self[0] == 1", "self is an object, not a list");
        for (Rule rule : List.of(broken, notBool, wrongShape)) {
            try {
                compile(rule);
                fail("`%s` compiled", rule.rule());
            } catch (AssertionError e) {
                assertThat(e).hasMessageContaining(rule.rule());
            }
        }
    }

    static CelAbstractSyntaxTree compile(Rule rule) {
        CelAbstractSyntaxTree ast;
        try {
            ast = COMPILER.compile(rule.rule()).getAst();
        } catch (CelValidationException e) {
            throw new AssertionError(rule.kind() + " " + rule.path() + ": rule `" + rule.rule() + "` does not compile: " + e.getMessage(), e);
        }
        if (!ast.getResultType().equals(SimpleType.BOOL)) {
            throw new AssertionError(rule.kind() + " " + rule.path() + ": rule `" + rule.rule() + "` returns " + ast.getResultType()
                    + ", not a bool");
        }
        return ast;
    }

    private static boolean eval(CelRuntime.Program program, Rule rule, String selfYaml) {
        try {
            Object self = celValue(CrdFiles.YAML.readValue(selfYaml, Object.class));
            Object result = program.eval(Map.of("self", self));
            assertThat(result).as("`%s` on %s", rule.rule(), selfYaml).isInstanceOf(Boolean.class);
            return (Boolean) result;
        } catch (CelEvaluationException | java.io.IOException e) {
            throw new AssertionError("`" + rule.rule() + "` on " + selfYaml + ": " + e.getMessage(), e);
        }
    }

    /** JSON numbers as the API server hands them to CEL: integers are int64, others double. */
    private static Object celValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, celValue(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(CelRulesTest::celValue).toList();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        return value;
    }
}
