package io.syncabel.runtime.eval;

import java.nio.file.Path;
import java.util.Locale;

/** The two prediction formats `syncabel evaluate` reads (docs/evaluation.md). */
public enum PredictionFormat {
    /** The original's released predictions: tab-separated, header row, CSV-style quotes. */
    TSV,
    /** `syncabel link` output: one JSON object per mention. */
    JSONL;

    /** By extension: .tsv (and .csv-like .txt) is TSV, .jsonl/.json is JSONL; anything else is an error upstream. */
    public static PredictionFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        return TSV;
    }
}
