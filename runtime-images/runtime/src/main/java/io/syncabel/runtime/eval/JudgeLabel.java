package io.syncabel.runtime.eval;

import java.util.Locale;
import java.util.Optional;

/**
 * The original's judge labels. STRICT and PARTIAL are decided by rule (exact code set; predicted codes a
 * part of a composite gold); EXACT, BROAD, NARROW and NO_RELATION come from the LLM (or by rule,
 * NO_RELATION for an empty prediction).
 */
public enum JudgeLabel {
    STRICT, PARTIAL, EXACT, BROAD, NARROW, NO_RELATION;

    /** The labels the LLM may answer. */
    static boolean isLlmLabel(JudgeLabel l) {
        return l == EXACT || l == BROAD || l == NARROW || l == NO_RELATION;
    }

    static Optional<JudgeLabel> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String v = s.strip().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        for (JudgeLabel l : values()) {
            if (l.name().equals(v)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
