package io.syncabel.runtime.text;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bad input found while reading: fatal by default (one message naming file, line and field), or, in
 * lenient mode, counted and sampled so the manifest can say what was skipped and why. One kind of
 * problem can be skipped while the others stay fatal ({@link #skipping}: {@code --unknown-codes skip}).
 */
public final class Problems {
    static final int MAX_EXAMPLES = 10;

    private final boolean lenient;
    private long skipped;
    private final List<String> examples = new ArrayList<>();
    private final Set<String> skippedFields = new HashSet<>();
    private final Map<String, Long> skippedPerField = new LinkedHashMap<>();
    private long warnings;
    private final List<String> warningExamples = new ArrayList<>();

    public Problems(boolean lenient) {
        this.lenient = lenient;
    }

    /** Problems of this field are skipped and counted even when not lenient. */
    public Problems skipping(String field) {
        skippedFields.add(field);
        return this;
    }

    public boolean lenient() {
        return lenient;
    }

    /** Reports one bad record; throws unless lenient, in which case the caller skips the record. */
    public void report(String file, long line, String field, String message) {
        String text = file + ":" + line + ": field " + field + ": " + message;
        if (!lenient && !skippedFields.contains(field)) {
            throw new UserError(text);
        }
        skipped++;
        skippedPerField.merge(field, 1L, Long::sum);
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(text);
        }
    }

    /**
     * Reports something the format allows but that is probably not what the author meant (an extra column, a
     * concept id on two lines): counted and sampled, never fatal; the record is still read.
     */
    public void warn(String file, long line, String field, String message) {
        warnings++;
        if (warningExamples.size() < MAX_EXAMPLES) {
            warningExamples.add(file + ":" + line + ": field " + field + ": " + message);
        }
    }

    public long warnings() {
        return warnings;
    }

    /** The first warnings, as {@code file:line: field F: message}. */
    public List<String> warningExamples() {
        return List.copyOf(warningExamples);
    }

    public long skipped() {
        return skipped;
    }

    /** How many problems of this field were skipped. */
    public long skipped(String field) {
        return skippedPerField.getOrDefault(field, 0L);
    }

    public List<String> examples() {
        return List.copyOf(examples);
    }
}
