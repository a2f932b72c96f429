package io.syncabel.runtime.kb;

import java.util.regex.Pattern;

/**
 * Name cleaning as the original applies it to UMLS synonyms and titles (reference §1.4): NBSP to space,
 * trailing "(NOS)", ", NOS", " NOS" and the French "SAI" forms stripped, optionally the first letter
 * upper-cased (UMLS only: the original leaves gazetteer terms such as Spanish SNOMED names alone).
 * Tabs and line breaks always become spaces: the artifact's dictionary is line- and tab-based.
 */
public record NameCleaner(boolean stripNos, boolean normalizeWhitespace, int maxLength, boolean upperFirst) {

    public static final int DEFAULT_MAX_LENGTH = 200;

    private static final Pattern[] QUALIFIERS = {
            Pattern.compile("\\s*\\(NOS\\)\\s*$", Pattern.UNICODE_CHARACTER_CLASS),
            Pattern.compile(",\\sNOS\\s*$", Pattern.UNICODE_CHARACTER_CLASS),
            Pattern.compile("\\sNOS\\s*$", Pattern.UNICODE_CHARACTER_CLASS),
            Pattern.compile("\\s*\\(SAI\\)\\s*$", Pattern.UNICODE_CHARACTER_CLASS),
            Pattern.compile(",\\sSAI\\s*$", Pattern.UNICODE_CHARACTER_CLASS),
            Pattern.compile("\\sSAI\\s*$", Pattern.UNICODE_CHARACTER_CLASS),
    };
    private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /** Most names are already clean: the regex runs only for edge, doubled or non-space whitespace. */
    private static boolean needsWhitespaceFix(String s) {
        int n = s.length();
        if (n == 0 || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(n - 1))) {
            return true;
        }
        boolean previousSpace = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                if (previousSpace) {
                    return true;
                }
                previousSpace = true;
            } else {
                if (c < 0x80 ? c < ' ' : Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                    return true;
                }
                previousSpace = false;
            }
        }
        return false;
    }

    /** The cleaned name, or null when nothing is left or it is longer than maxLength. */
    public String clean(String raw) {
        String s = raw;
        if (s.indexOf('\u00a0') >= 0 || s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            s = s.replace('\u00a0', ' ').replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        }
        if (stripNos && (s.contains("NOS") || s.contains("SAI"))) {
            for (Pattern p : QUALIFIERS) {
                s = p.matcher(s).replaceFirst("");
            }
        }
        if (normalizeWhitespace && needsWhitespaceFix(s)) {
            s = SPACES.matcher(s.strip()).replaceAll(" ");
        }
        if (s.isBlank() || s.length() > maxLength) {
            return null;
        }
        if (upperFirst) {
            int first = s.codePointAt(0);
            if (Character.toLowerCase(first) == first) {
                int upper = Character.toUpperCase(first);
                if (upper != first) {
                    s = new StringBuilder().appendCodePoint(upper).append(s, Character.charCount(first), s.length())
                            .toString();
                }
            }
        }
        return s;
    }
}
