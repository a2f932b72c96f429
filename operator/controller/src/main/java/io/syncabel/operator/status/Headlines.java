package io.syncabel.operator.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.api.v1alpha1.common.StageStatus;
import java.util.Set;

/**
 * Copies a run's termination summary into the status fields of the same name (concepts, names,
 * examples, recallAt1, ...), which the printer columns show. Fields the status does not have, or
 * values of the wrong type, are skipped: the runtime may report more than the API shows.
 */
public final class Headlines {
    /** Fields the operator owns; a summary cannot overwrite them. */
    static final Set<String> RESERVED = Set.of("conditions", "observedGeneration", "outputUri", "rerun", "progress",
            "estimatedCompletionTime", "startTime", "completionTime");
    static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Headlines() {
    }

    @SuppressWarnings("unchecked")
    public static <T extends StageStatus> T copy(ObjectNode summary, T status) {
        T current = status;
        var fields = summary.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (RESERVED.contains(field.getKey())) {
                continue;
            }
            ObjectNode node = MAPPER.valueToTree(current);
            node.set(field.getKey(), field.getValue());
            try {
                current = (T) MAPPER.treeToValue(node, current.getClass());
            } catch (JsonProcessingException | IllegalArgumentException e) {
                // a value of the wrong type: keep the status as it was
            }
        }
        return current;
    }
}
