package io.syncabel.runtime.synth;

import java.util.List;

/** What a generator made of one unit: examples, or a failure with a short reason. */
public sealed interface Outcome {

    record Generated(List<SynthRecord> records, int attempts) implements Outcome {
        public Generated {
            records = List.copyOf(records);
        }
    }

    /**
     * @param transport the endpoint could not be reached or kept failing (timeouts, 5xx, 429, dropped connections),
     *                  as opposed to a concept whose answers were invalid: many in a row mean the endpoint is down
     */
    record Failed(String reason, int attempts, boolean transport) implements Outcome {
    }
}
