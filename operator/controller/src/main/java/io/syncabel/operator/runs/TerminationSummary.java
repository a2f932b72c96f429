package io.syncabel.operator.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.children.RuntimePod;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one-line JSON the runtime writes as its termination message (counts and headline metrics).
 * For an Indexed Job the summaries of the shards are added up: numbers are summed, maps of numbers
 * summed per key, anything else is taken from the highest shard.
 */
public final class TerminationSummary {
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    private TerminationSummary() {
    }

    public static ObjectNode of(Collection<Pod> succeededPods) {
        Map<String, ObjectNode> perIndex = new LinkedHashMap<>();
        succeededPods.stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .forEach(p -> message(p).ifPresent(m -> perIndex.put(index(p), m)));
        ObjectNode total = JsonNodeFactory.instance.objectNode();
        perIndex.values().forEach(shard -> add(total, shard));
        return total;
    }

    static String index(Pod pod) {
        var labels = Optional.ofNullable(pod.getMetadata().getLabels()).orElse(Map.of());
        return labels.getOrDefault(Labels.COMPLETION_INDEX, "0");
    }

    static Optional<ObjectNode> message(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(cs -> RuntimePod.CONTAINER.equals(cs.getName()))
                .map(cs -> cs.getState() == null ? null : cs.getState().getTerminated())
                .filter(t -> t != null && Integer.valueOf(0).equals(t.getExitCode()))
                .map(ContainerStateTerminated::getMessage)
                .filter(m -> m != null && !m.isBlank())
                .findFirst()
                .flatMap(TerminationSummary::parse);
    }

    /** The last line that is a JSON object; anything else (a log tail) yields nothing. */
    static Optional<ObjectNode> parse(String message) {
        String[] lines = message.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{")) {
                try {
                    JsonNode node = JSON.unmarshal(line, JsonNode.class);
                    if (node instanceof ObjectNode object) {
                        return Optional.of(object);
                    }
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static void add(ObjectNode total, ObjectNode shard) {
        shard.fields().forEachRemaining(e -> {
            JsonNode have = total.get(e.getKey());
            JsonNode next = e.getValue();
            if (have != null && have.isIntegralNumber() && next.isIntegralNumber()) {
                total.put(e.getKey(), have.longValue() + next.longValue());
            } else if (have != null && have.isObject() && next.isObject()) {
                add((ObjectNode) have, (ObjectNode) next);
            } else {
                total.set(e.getKey(), next.deepCopy());
            }
        });
    }
}
