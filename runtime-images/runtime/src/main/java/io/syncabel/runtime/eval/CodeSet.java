package io.syncabel.runtime.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The concept codes of one mention or one prediction. Composite mentions ("codos y carpos" = two codes)
 * are compared as sets, so the codes are kept sorted, exactly as the original normalises its "+" strings.
 */
public record CodeSet(List<String> codes) {
    public static final CodeSet EMPTY = new CodeSet(List.of());
    static final String NO_CODE = "NO_CODE";

    public CodeSet {
        codes = codes.stream().map(String::strip).filter(c -> !c.isEmpty()).sorted().toList();
    }

    /** The original's "+" notation ("298163003+298165005"); blank means no code. */
    public static CodeSet parse(String joined) {
        return joined == null ? EMPTY : new CodeSet(Arrays.asList(joined.split("\\+")));
    }

    public boolean isEmpty() {
        return codes.isEmpty();
    }

    /** The normalised "+" string: the key gold and predictions are compared on, and what seen-code files list. */
    public String key() {
        return String.join("+", codes);
    }

    /** The original drops gold codes containing NO_CODE (annotated but not linkable) before scoring. */
    boolean hasNoCode() {
        return codes.stream().anyMatch(c -> c.contains(NO_CODE));
    }

    /** Every code of this (non-empty) set is one of the other's: a prediction of part of a composite. */
    boolean isProperPartOf(CodeSet other) {
        return !isEmpty() && codes.size() < other.codes.size() && other.codes.containsAll(codes);
    }

    /** Some code is in both sets: the lenient protocol's match (composites split, any of). */
    boolean sharesACodeWith(CodeSet other) {
        return codes.stream().anyMatch(other.codes::contains);
    }

    @Override
    public String toString() {
        return key();
    }
}
