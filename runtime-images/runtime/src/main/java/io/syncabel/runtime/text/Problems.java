package io.syncabel.runtime.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Bad input found while reading: fatal by default (one message naming file, line and field), or, in
 * lenient mode, counted and sampled so the manifest can say what was skipped and why.
 */
public final class Problems {
    static final int MAX_EXAMPLES = 10;

    private final boolean lenient;
    private long skipped;
    private final List<String> examples = new ArrayList<>();

    public Problems(boolean lenient) {
        this.lenient = lenient;
    }

    public boolean lenient() {
        return lenient;
    }

    /** Reports one bad record; throws unless lenient, in which case the caller skips the record. */
    public void report(String file, long line, String field, String message) {
        String text = file + ":" + line + ": field " + field + ": " + message;
        if (!lenient) {
            throw new UserError(text);
        }
        skipped++;
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(text);
        }
    }

    public long skipped() {
        return skipped;
    }

    public List<String> examples() {
        return List.copyOf(examples);
    }
}
