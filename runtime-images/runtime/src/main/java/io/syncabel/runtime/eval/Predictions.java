package io.syncabel.runtime.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mentions of a prediction file after the original's cleaning: rows deduplicated on
 * (document, label, start, end), keeping the first, and gold codes containing NO_CODE dropped.
 *
 * @param rows       records read
 * @param duplicates rows dropped as duplicates of an earlier one
 * @param noCode     rows dropped because their gold has NO_CODE (or no code at all)
 */
public record Predictions(String file, PredictionFormat format, List<Mention> mentions, int rows, int duplicates,
                          int noCode) {

    public Predictions {
        mentions = List.copyOf(mentions);
    }

    static Predictions clean(String file, PredictionFormat format, List<Mention> read) {
        Map<String, Mention> unique = new LinkedHashMap<>();
        int duplicates = 0;
        for (Mention m : read) {
            if (unique.putIfAbsent(m.dedupKey(), m) != null) {
                duplicates++;
            }
        }
        List<Mention> kept = new ArrayList<>();
        int noCode = 0;
        for (Mention m : unique.values()) {
            if (m.gold().isEmpty() || m.gold().hasNoCode()) {
                noCode++;
            } else {
                kept.add(m);
            }
        }
        return new Predictions(file, format, kept, read.size(), duplicates, noCode);
    }

    /** The largest number of candidates any mention has: Recall@k beyond it says nothing new. */
    public int maxCandidates() {
        return mentions.stream().mapToInt(m -> m.candidates().size()).max().orElse(0);
    }
}
