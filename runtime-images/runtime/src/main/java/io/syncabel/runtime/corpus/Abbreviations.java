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
        // the parts of compound short forms come after every direct definition, which wins over them
        Map<String, String> parts = new LinkedHashMap<>();
        found.forEach((sf, lf) -> parts.putAll(parts(sf, lf)));
        parts.forEach(found::putIfAbsent);
        return new Abbreviations(found);
    }

    /**
     * The parts of a compound short form, each with its piece of the long form: "hyperparathyroidism-jaw tumor
     * syndrome (HPT-JT)" also defines HPT (hyperparathyroidism) and JT (jaw tumor), "adrenoleukodystrophy/
     * adrenomyeloneuropathy (ALD/AMN)" ALD and AMN, since the text goes on to use them alone. The long form must split
     * into as many pieces as the short form (at the same separator, or at "or"/"and" for a slash), and each part must
     * be a short form of its piece by the same rule as a whole one, else nothing is defined; a piece is cut after the
     * word holding its part's last character, so the compound's head ("syndrome") stays with the compound.
     */
    static Map<String, String> parts(String shortForm, String longForm) {
        boolean dash = shortForm.indexOf('-') >= 0;
        boolean slash = shortForm.indexOf('/') >= 0;
        if (dash == slash) {
            return Map.of();
        }
        String[] sfParts = shortForm.split(dash ? "-" : "/", -1);
        String[] pieces = longForm.split(dash ? "-" : "\\s*/\\s*|\\s+(?:or|and)\\s+", -1);
        if (sfParts.length != pieces.length) {
            return Map.of();
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (int i = 0; i < sfParts.length; i++) {
            String part = sfParts[i].strip();
            if (part.length() < 2 || part.chars().noneMatch(Character::isLetter)) {
                continue; // "X" of X-ALD, "1" of MEN-1: nothing to define
            }
            Optional<String> piece = longForm(part, pieces[i].strip());
            if (piece.isEmpty()) {
                return Map.of();
            }
            parts.put(part, throughLastCharacter(part, piece.get()));
        }
        return parts;
    }

    /** The piece up to the end of the word holding the short form's last letter or digit (its last occurrence). */
    private static String throughLastCharacter(String shortForm, String piece) {
        String sf = shortForm.toLowerCase(java.util.Locale.ROOT);
        String lf = piece.toLowerCase(java.util.Locale.ROOT);
        int last = sf.length() - 1;
        while (last > 0 && !Character.isLetterOrDigit(sf.charAt(last))) {
            last--;
        }
        int at = lf.lastIndexOf(sf.charAt(last));
        int end = lf.indexOf(' ', at);
        return end < 0 ? piece : piece.substring(0, end);
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
