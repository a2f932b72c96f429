package io.syncabel.runtime.synth;

import io.syncabel.runtime.corpus.ExampleBuilder;
import io.syncabel.runtime.llm.InvalidAnswer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an LLM answer as the original does (reference section 2.4), a little more leniently on layout: every line
 * holding the language's marker ("example:", "exemple :", "ejemplo:", any case and spacing, after list bullets) and a
 * bracketed mention is an example; the text after the marker is the sentence, the first {@code [...]} its mention.
 * Valid when at least {@code n} distinct such sentences exist; the first n are kept. Other brackets and braces in a
 * sentence become parentheses (clean_natural), so the marker is the only bracket pair left.
 */
public final class AnswerParser {
    private static final Pattern MENTION = Pattern.compile("\\[([^\\[\\]]*)\\]");
    static final int MAX_MENTION_CHARS = 200;

    /** A parsed example: the mention and the sentence split around it. */
    public record Parsed(String left, String mention, String right) {
        public String marked(String group) {
            return left + "[" + mention + "]{" + group + "}" + right;
        }
    }

    private final Pattern line;
    private final String marker;
    private final int n;

    public AnswerParser(String language, int n) {
        this.marker = Prompts.marker(language);
        String word = marker.replaceAll("\\s*:$", "");
        this.line = Pattern.compile("^[\\s>*#\\-•\\d.)]*\\**" + Pattern.quote(word) + "\\**\\s*:\\s*(.*)$",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        this.n = n;
    }

    public List<Parsed> parse(String content) throws InvalidAnswer {
        List<Parsed> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int markerLines = 0;
        String firstProblem = null;
        for (String raw : content.split("\\R")) {
            Matcher m = line.matcher(raw.strip());
            if (!m.matches()) {
                continue;
            }
            markerLines++;
            String sentence = m.group(1).strip();
            Matcher b = MENTION.matcher(sentence);
            if (!b.find()) {
                firstProblem = firstProblem != null ? firstProblem : "example line without a [mention]";
                continue;
            }
            String mention = b.group(1).strip().replaceAll("\\s+", " ");
            if (mention.isEmpty()) {
                firstProblem = firstProblem != null ? firstProblem : "empty [mention]";
                continue;
            }
            if (mention.length() > MAX_MENTION_CHARS) {
                firstProblem = firstProblem != null ? firstProblem : "mention longer than " + MAX_MENTION_CHARS + " characters";
                continue;
            }
            String left = clean(sentence.substring(0, b.start()));
            String right = clean(sentence.substring(b.end()));
            if ((left + right).isBlank()) {
                firstProblem = firstProblem != null ? firstProblem : "example line is only the mention";
                continue;
            }
            Parsed p = new Parsed(left, ExampleBuilder.cleanNatural(mention), right);
            if (seen.add(p.marked("").toLowerCase(Locale.ROOT)) && out.size() < n) {
                out.add(p);
            }
        }
        if (out.size() < n) {
            if (markerLines == 0) {
                throw new InvalidAnswer("no line starts with '" + marker + "'");
            }
            throw new InvalidAnswer(out.size() + " valid example(s) of " + n
                    + (firstProblem != null ? " (" + firstProblem + ")" : ""));
        }
        return out;
    }

    private static String clean(String s) {
        return ExampleBuilder.cleanNatural(s.replace("**", ""));
    }
}
