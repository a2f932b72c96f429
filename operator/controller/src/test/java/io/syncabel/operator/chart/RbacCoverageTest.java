package io.syncabel.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart grants every API call the operator makes (the table in docs/operator.md, which the
 * operator's mock-server tests exercise) and nothing beyond it: no Secrets, ConfigMaps or writes it
 * does not do.
 */
class RbacCoverageTest {
    /** A table row: `group` resources | verbs | why. */
    private static final Pattern ROW = Pattern.compile("^\\| (?:`([^`]*)`|same) ?([^|]*)\\| ([^|]+)\\|");

    record Grant(String group, String resource, String verb) {
    }

    static Set<Grant> documentedCalls() throws Exception {
        List<String> lines = Files.readAllLines(Helm.ROOT.resolve("docs/operator.md"));
        int start = lines.indexOf("## RBAC: the API calls the operator makes");
        assertThat(start).as("docs/operator.md lists the operator's API calls").isPositive();
        Set<Grant> calls = new HashSet<>();
        List<String> lastResources = List.of();
        String lastGroup = "";
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (!m.find()) {
                continue;
            }
            boolean same = m.group(1) == null;
            String group = same ? lastGroup : m.group(1).equals("\"\"") ? "" : m.group(1);
            lastGroup = group;
            String resourceText = m.group(2).strip();
            List<String> resources = new ArrayList<>();
            if (same) {
                String suffix = resourceText.replace("`", "");
                lastResources.forEach(r -> resources.add(suffix.isEmpty() ? r : r + suffix));
            } else {
                for (String r : resourceText.split(",")) {
                    resources.add(r.strip());
                }
                lastResources = resources;
            }
            for (String verb : m.group(3).replace("`", "").split(",")) {
                for (String r : resources) {
                    calls.add(new Grant(group, r, verb.strip()));
                }
            }
        }
        assertThat(calls).hasSizeGreaterThan(20);
        return calls;
    }

    static Set<Grant> granted(List<JsonNode> docs) {
        Set<Grant> grants = new HashSet<>();
        for (JsonNode doc : docs) {
            String kind = doc.path("kind").asText();
            if (!kind.equals("ClusterRole") && !kind.equals("Role")) {
                continue;
            }
            if (doc.path("metadata").path("labels").toString().contains("rbac.authorization.k8s.io/aggregate-to-")) {
                continue; // the users' roles (aggregated into admin/edit/view), not the operator's
            }
            for (JsonNode rule : doc.path("rules")) {
                for (JsonNode group : rule.path("apiGroups")) {
                    for (JsonNode resource : rule.path("resources")) {
                        for (JsonNode verb : rule.path("verbs")) {
                            grants.add(new Grant(group.asText(), resource.asText(), verb.asText()));
                        }
                    }
                }
            }
        }
        return grants;
    }

    @Test
    void theChartGrantsExactlyTheCallsTheOperatorMakes() throws Exception {
        Set<Grant> calls = documentedCalls();
        Set<Grant> granted = granted(HelmChartTest.render());
        assertThat(granted).containsAll(calls);
        assertThat(granted).as("nothing the operator does not use").containsExactlyInAnyOrderElementsOf(calls);
        assertThat(granted).noneMatch(g -> g.resource().equals("secrets") || g.resource().equals("configmaps"));
    }
}
