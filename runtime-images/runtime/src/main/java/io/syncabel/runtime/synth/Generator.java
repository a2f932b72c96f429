package io.syncabel.runtime.synth;

import io.syncabel.runtime.kb.Concept;
import java.util.Map;

/** Writes the examples of one unit. Implementations are thread-safe: units of a batch may run concurrently. */
public interface Generator {

    /** template or llm: the records' {@code generator} field. */
    String name();

    /** The LLM's model name, or null. */
    String model();

    String promptVersion();

    /** Units generated at once (the LLM's concurrency; 1 for the template generator). */
    int parallelism();

    Outcome generate(Unit unit, Concept concept) throws InterruptedException;

    /** Requests and tokens spent so far (empty for the template generator). */
    default Map<String, Long> usage() {
        return Map.of();
    }
}
