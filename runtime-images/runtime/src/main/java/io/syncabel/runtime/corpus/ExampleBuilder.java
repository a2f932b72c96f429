package io.syncabel.runtime.corpus;

import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns gold mentions into examples exactly as the original's parse_text (reference §3.3, §8): one per
 * linkable mention, the sentence with only this mention marked, the target naming the gold synonym
 * closest to the mention by TF-IDF.
 */
public final class ExampleBuilder {
    public static final String SEP = "<SEP>";

    private final KnowledgeBase kb;
    private final String verb;
    private final Problems problems;
    private long mentions;
    private long withoutIds;
    private long withoutNames;
    private long unknownIds;

    public ExampleBuilder(KnowledgeBase kb, String language, Problems problems) {
        this.kb = kb;
        this.verb = verb(language);
        this.problems = problems;
    }

    /** The copula of the target per language: "is" (en), "est" (fr), "es" (es). */
    static String verb(String language) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "en", "eng" -> "is";
            case "fr", "fre" -> "est";
            case "es", "spa" -> "es";
            default -> throw new io.syncabel.runtime.text.UserError(
                    "language " + language + ": expected en, fr or es (the target's verb: is, est, es)");
        };
    }

    /**
     * The original's clean_natural: NBSP to space and brackets/braces to parentheses, one character for
     * one, so offsets stay valid and [ ] { } only ever occur as markers.
     */
    public static String cleanNatural(String s) {
        return s.replace('\u00a0', ' ').replace('{', '(').replace('}', ')').replace('[', '(').replace(']', ')');
    }

    public List<Example> examples(Document doc) {
        String text = cleanNatural(doc.text());
        List<Document.Span> extents = doc.mentions().stream()
                .map(m -> new Document.Span(m.start(), m.end())).toList();
        List<Document.Span> sentences = new ArrayList<>();
        for (Document.Span p : doc.passages()) {
            sentences.addAll(SentenceSplitter.split(text, p.start(), p.end(), extents));
        }
        List<Example> out = new ArrayList<>();
        for (Document.Mention m : doc.mentions()) {
            mentions++;
            example(doc, text, sentences, m).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Example> example(Document doc, String text, List<Document.Span> sentences, Document.Mention m) {
        if (m.ids().isEmpty()) {
            withoutIds++;
            return Optional.empty();
        }
        String mentionText = cleanNatural(m.text());
        List<String> names = new ArrayList<>();
        LinkedHashSet<String> groups = new LinkedHashSet<>();
        List<String> codes = new ArrayList<>();
        for (String id : m.ids()) {
            Optional<String> code = kb.resolve(id);
            if (code.isEmpty()) {
                unknownIds++;
                String[] where = m.where().split(":(?=\\d+$)");
                problems.report(where[0], where.length > 1 ? Long.parseLong(where[1]) : 0, "concept id",
                        "'" + id + "' is not in the knowledge base");
                continue;
            }
            codes.add(code.get());
            Concept c = kb.concept(code.get()).orElseThrow();
            Optional<String> name = targetName(mentionText, c);
            if (name.isEmpty()) {
                continue; // every name of the concept went to other concepts: the original skips the sub-id
            }
            names.add(name.get());
            groups.add(group(c, m.type()));
        }
        if (names.isEmpty()) {
            withoutNames++;
            return Optional.empty();
        }
        String annotation = String.join(SEP, names);
        String group = String.join(SEP, groups);
        String source = marked(text, sentences, m.spans(), group);
        String target = "[" + mentionText + "] " + verb + " " + annotation;
        return Optional.of(new Example(m.id(), doc.id(), source, target, mentionText, annotation, group,
                String.join("+", codes), m.ids(), m.type(), m.start(), m.end(),
                m.ids().size() > 1 ? "COMPOSITE" : "EXACT"));
    }

    /**
     * The sentence holding a mention (the one its first fragment starts in, else the whole text) with the mention
     * marked: {@code [fragment]} for each fragment, the group after the last, {@code [mention]{Group}}.
     *
     * @param text      the cleaned text ({@link #cleanNatural}) the sentences and spans refer to
     * @param sentences its sentence spans ({@link SentenceSplitter})
     */
    public static String marked(String text, List<Document.Span> sentences, List<Document.Span> spans, String group) {
        int first = spans.get(0).start();
        Document.Span sentence = sentences.stream()
                .filter(s -> s.start() <= first && first < s.end()).findFirst()
                .orElse(new Document.Span(0, text.length()));
        StringBuilder source = new StringBuilder(text.substring(sentence.start(), sentence.end()));
        // Right to left, so earlier offsets stay valid; the group follows the last fragment only.
        for (int i = spans.size() - 1; i >= 0; i--) {
            int s = Math.max(spans.get(i).start(), sentence.start()) - sentence.start();
            int e = Math.min(spans.get(i).end(), sentence.end()) - sentence.start();
            source.insert(e, i == spans.size() - 1 ? "]{" + group + "}" : "]");
            source.insert(s, "[");
        }
        return source.toString();
    }

    /**
     * The concept's name a mention is trained to generate: the one closest to the mention by TF-IDF, cleaned
     * (candidates are the raw KB names, the winner is cleaned afterwards, reference §8.1); empty when every name
     * of the concept went to other concepts.
     */
    public Optional<String> targetName(String mention, Concept c) {
        List<String> candidates = c.names();
        return candidates.isEmpty() ? Optional.empty()
                : Optional.of(cleanNatural(candidates.get(kb.tfidf().closest(mention, candidates))));
    }

    /**
     * The target names for a mention as the model reads it (the long form of an abbreviation, say): one per
     * code of {@code codes} ({@code +}-joined, as {@link Example#code()}) that has a name.
     */
    public List<String> targetNames(String mention, String codes) {
        List<String> names = new ArrayList<>();
        for (String code : codes.split("\\+")) {
            kb.concept(code).flatMap(c -> targetName(mention, c)).ifPresent(names::add);
        }
        return names;
    }

    /**
     * The concept's group (reference §3.3 step 4): its only group; else the mention type when it is one of
     * the concept's groups; else the concept's first group.
     */
    static String group(Concept c, String type) {
        if (c.groups().size() == 1) {
            return c.groups().get(0);
        }
        if (type != null && c.groups().contains(type)) {
            return type;
        }
        return c.groups().isEmpty() ? "Unknown" : c.groups().get(0);
    }

    public long mentions() {
        return mentions;
    }

    public long withoutIds() {
        return withoutIds;
    }

    public long withoutNames() {
        return withoutNames;
    }

    public long unknownIds() {
        return unknownIds;
    }
}
