package io.syncabel.runtime.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sentence boundaries in the spirit of the original's NLTK Punkt use (reference §3.2), rule-based: a
 * passage is first cut at every run of newlines, then after '.', '!' or '?' (plus closing quotes or
 * brackets) followed by whitespace and an upper-case letter, a digit or an opening bracket/quote, unless
 * the word before is a known abbreviation, a single letter (an initial) or has inner dots ("U.S.").
 * A boundary strictly inside a gold mention is ignored, as the original does; spans are trimmed.
 * Boundaries will differ slightly from Punkt's trained model (reference §8.10).
 */
public final class SentenceSplitter {
    static final Set<String> ABBREVIATIONS = Set.of(
            "e.g", "i.e", "al", "fig", "figs", "vs", "approx", "ca", "cf", "dr", "mr", "mrs", "ms", "prof", "no",
            "nos", "vol", "pp", "p", "jr", "sr", "st", "inc", "ltd", "co", "eq", "ref", "refs", "resp", "spp", "sp",
            "var", "viz", "etc", "mg", "ml", "min", "max", "hr", "hrs", "wk", "wks", "yr", "yrs", "mol", "wt", "dept",
            "univ", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
            "chap", "sec", "tab", "suppl", "av", "env", "ext", "gen", "incl", "mt", "sq", "temp");

    private SentenceSplitter() {
    }

    /** Sentence spans of text[start, end), never cutting inside one of the protected [start, end) ranges. */
    public static List<Document.Span> split(String text, int start, int end, List<Document.Span> protectedRanges) {
        List<Document.Span> out = new ArrayList<>();
        int sentenceStart = start;
        int i = start;
        while (i < end) {
            char c = text.charAt(i);
            int cut = -1;
            int next = -1;
            if (c == '\n') {
                int j = i;
                while (j < end && text.charAt(j) == '\n') {
                    j++;
                }
                cut = i;
                next = j;
            } else if ((c == '.' || c == '!' || c == '?') && i + 1 < end) {
                int j = i + 1;
                while (j < end && isCloser(text.charAt(j))) {
                    j++;
                }
                int k = j;
                while (k < end && (text.charAt(k) == ' ' || text.charAt(k) == '\t' || text.charAt(k) == '\u00a0')) {
                    k++;
                }
                if (k > j && k < end && startsSentence(text.charAt(k)) && (c != '.' || !abbreviation(text, sentenceStart, i))) {
                    cut = j;
                    next = k;
                }
            }
            if (cut >= 0 && !inside(cut, protectedRanges)) {
                add(out, text, sentenceStart, cut);
                sentenceStart = next;
                i = next;
                continue;
            }
            i++;
        }
        add(out, text, sentenceStart, end);
        return out;
    }

    private static boolean inside(int boundary, List<Document.Span> ranges) {
        for (Document.Span r : ranges) {
            if (r.start() < boundary && boundary < r.end()) {
                return true;
            }
        }
        return false;
    }

    private static void add(List<Document.Span> out, String text, int s, int e) {
        while (s < e && Character.isWhitespace(text.charAt(s))) {
            s++;
        }
        while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
            e--;
        }
        if (e > s) {
            out.add(new Document.Span(s, e));
        }
    }

    private static boolean isCloser(char c) {
        return c == '"' || c == '\'' || c == ')' || c == ']' || c == '\u201d' || c == '\u2019';
    }

    private static boolean startsSentence(char c) {
        return Character.isUpperCase(c) || Character.isDigit(c) || c == '(' || c == '[' || c == '"' || c == '\u201c';
    }

    /** Whether the word ending at the period at {@code dot} is an abbreviation or an initial. */
    private static boolean abbreviation(String text, int from, int dot) {
        int s = dot;
        while (s > from && !Character.isWhitespace(text.charAt(s - 1)) && text.charAt(s - 1) != '(') {
            s--;
        }
        String word = text.substring(s, dot);
        if (word.isEmpty()) {
            return false;
        }
        if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
            return true; // an initial: "J. Smith"
        }
        if (word.indexOf('.') >= 0 && word.chars().filter(Character::isLetter).count() <= 4) {
            return true; // "U.S", "e.g", "i.v"
        }
        return ABBREVIATIONS.contains(word.toLowerCase(java.util.Locale.ROOT));
    }
}
