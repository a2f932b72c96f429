package io.syncabel.runtime.corpus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Document-level abbreviation definitions found with the Schwartz &amp; Hearst (2003) algorithm: a
 * "long form (SF)" pattern whose short form's characters appear, in order, in the preceding words, the
 * first one at a word start. Published entity linkers expand such short forms before linking, since a
 * bare "DMD" is ambiguous but "Duchenne muscular dystrophy (DMD)" earlier in the abstract is not.
 */
public final class Abbreviations {
    private final Map<String, String> longForms;

    private Abbreviations(Map<String, String> longForms) {
        this.longForms = longForms;
    }

    /** Finds every definition in a document's text; the first definition of a short form wins. */
    public static Abbreviations find(String text) {
        Map<String, String> found = new LinkedHashMap<>();
        int open = text.indexOf('(');
        while (open >= 0) {
            int close = text.indexOf(')', open + 1);
            if (close < 0) {
                break;
            }
            String inner = text.substring(open + 1, close).strip();
            // "(SF; details)" and "(SF, details)" still define SF
            int cut = indexOfAny(inner, ";,");
            String shortForm = (cut >= 0 ? inner.substring(0, cut) : inner).strip();
            if (isShortFormCandidate(shortForm)) {
                String before = text.substring(sentenceStart(text, open), open);
                longForm(shortForm, before).ifPresent(lf -> found.putIfAbsent(shortForm, lf));
            }
            open = text.indexOf('(', open + 1);
        }
        return new Abbreviations(found);
    }

    /** The long form of a short form defined in this document, if any (exact, case-sensitive match). */
    public Optional<String> longForm(String shortForm) {
        return Optional.ofNullable(longForms.get(shortForm.strip()));
    }

    /** The mention itself, or its long form when the mention is a short form defined in the document. */
    public String expand(String mention) {
        return longForm(mention).orElse(mention);
    }

    public Map<String, String> all() {
        return Map.copyOf(longForms);
    }

    static boolean isShortFormCandidate(String s) {
        if (s.length() < 2 || s.length() > 10 || s.split("\\s+").length > 2) {
            return false;
        }
        if (!Character.isLetterOrDigit(s.charAt(0))) {
            return false;
        }
        return s.chars().anyMatch(Character::isLetter);
    }

    /**
     * The shortest suffix of {@code before} (at most min(|SF| + 5, 2|SF|) words) in which the short
     * form's characters occur right to left, the first one starting a word.
     */
    static Optional<String> longForm(String shortForm, String before) {
        String[] words = before.strip().split("\\s+");
        int maxWords = Math.min(shortForm.length() + 5, 2 * shortForm.length());
        int from = Math.max(0, words.length - maxWords);
        String candidate = String.join(" ", java.util.Arrays.copyOfRange(words, from, words.length));
        int start = bestLongFormStart(shortForm, candidate);
        if (start < 0) {
            return Optional.empty();
        }
        String longForm = candidate.substring(start).strip();
        if (longForm.length() <= shortForm.length() || longForm.contains(shortForm)
                || longForm.split("\\s+").length > maxWords) {
            return Optional.empty();
        }
        return Optional.of(longForm);
    }

    /** Schwartz &amp; Hearst's findBestLongForm, returning the start index in {@code longForm} or -1. */
    private static int bestLongFormStart(String shortForm, String longForm) {
        String sf = shortForm.toLowerCase(java.util.Locale.ROOT);
        String lf = longForm.toLowerCase(java.util.Locale.ROOT);
        int s = sf.length() - 1;
        int l = lf.length() - 1;
        for (; s >= 0; s--) {
            char c = sf.charAt(s);
            if (!Character.isLetterOrDigit(c)) {
                continue;
            }
            while ((l >= 0 && lf.charAt(l) != c) || (s == 0 && l > 0 && Character.isLetterOrDigit(lf.charAt(l - 1)))) {
                l--;
            }
            if (l < 0) {
                return -1;
            }
            l--;
        }
        return lf.lastIndexOf(' ', l) + 1;
    }

    private static int sentenceStart(String text, int end) {
        for (int i = end - 1; i > 0; i--) {
            char c = text.charAt(i);
            if ((c == '.' || c == '?' || c == '!') && Character.isWhitespace(text.charAt(i + 1))) {
                return i + 1;
            }
        }
        return 0;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
