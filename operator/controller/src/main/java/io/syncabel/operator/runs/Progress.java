package io.syncabel.operator.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A running stage's {@code progress.json} (docs/architecture.md):
 * {@code {"done":n,"total":m,"message":"...","updatedAt":"..."}}, total null when unknown, plus any figures the
 * stage adds (TrainingRun: epoch, loss), which are copied into the status fields of the same name.
 */
public record Progress(long done, Long total, String message, Instant updatedAt, ObjectNode figures) {
    public static final String FILE = "progress.json";
    static final Set<String> OWN_FIELDS = Set.of("done", "total", "message", "updatedAt");
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Parses progress.json; anything that is not an object with a numeric {@code done} is no progress. */
    public static Optional<Progress> parse(String json) {
        JsonNode node;
        try {
            node = JSON.unmarshal(json, JsonNode.class);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!(node instanceof ObjectNode object) || !object.path("done").isNumber()) {
            return Optional.empty();
        }
        Long total = object.path("total").isNumber() && object.get("total").asLong() > 0 ? object.get("total").asLong() : null;
        String message = object.path("message").isTextual() && !object.get("message").asText().isBlank()
                ? object.get("message").asText().strip() : null;
        Instant updated = null;
        if (object.path("updatedAt").isTextual()) {
            try {
                updated = Instant.parse(object.get("updatedAt").asText());
            } catch (DateTimeParseException e) {
                // no time: the ETA falls back to the time the operator read it
            }
        }
        ObjectNode figures = object.deepCopy();
        figures.remove(OWN_FIELDS);
        return Optional.of(new Progress(object.get("done").asLong(), total, message, updated, figures));
    }

    /** What status.progress shows: {@code 412/1000 (41%): epoch 3/10} or {@code 120000 done: reading MRCONSO}. */
    public String describe() {
        String count = total == null ? done + " done"
                : done + "/" + total + " (" + (int) Math.floor(100.0 * Math.min(done, total) / total) + "%)";
        return message == null ? count : count + ": " + message;
    }

    /**
     * When the run ends at the pace it has kept since it started: the time taken per unit so far,
     * times the units left, from the time of this report. Empty without a total or before any unit is done.
     */
    public Optional<Instant> eta(Instant start, Instant fallbackNow) {
        Instant at = updatedAt != null ? updatedAt : fallbackNow;
        if (total == null || done <= 0 || start == null || !at.isAfter(start)) {
            return Optional.empty();
        }
        long left = Math.max(0, total - done);
        double remainingMillis = (double) Duration.between(start, at).toMillis() * left / done;
        return Optional.of(at.plusMillis(Math.round(remainingMillis)).truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Progress[%s]", describe());
    }
}
