package io.syncabel.runtime.kb;

/**
 * One spelling per concept identifier, so gold ids and KB codes compare as plain strings. MEDIC writes
 * OMIM concepts as bare numbers and CTD as {@code OMIM:123456}, MeSH as {@code D012345} or
 * {@code MESH:D012345}; corpora use {@code OMIM:123456} and {@code D012345}. The canonical forms are
 * {@code OMIM:123456} and {@code D012345}. Other codes (CUIs, SNOMED ids, OBO ids) are only trimmed.
 */
public final class Codes {
    private Codes() {
    }

    public static String canonical(String id) {
        String s = id.strip();
        if (s.regionMatches(true, 0, "MESH:", 0, 5)) {
            return s.substring(5).strip();
        }
        if (s.regionMatches(true, 0, "OMIM:", 0, 5)) {
            return "OMIM:" + s.substring(5).strip();
        }
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9') && looksLikeOmim(s)) {
            return "OMIM:" + s;
        }
        return s;
    }

    /** OMIM numbers are six digits; longer digit strings (SNOMED ids) are left alone. */
    private static boolean looksLikeOmim(String digits) {
        return digits.length() == 6;
    }
}
