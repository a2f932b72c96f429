package io.syncabel.runtime.corpus;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A corpus read into linking examples as the model sees them: the original's examples, with a short
 * form defined in the same document (Schwartz-Hearst) replaced by its long form in the source and the
 * mention, so "DMD" reaches the model as "Duchenne muscular dystrophy". Training and linking both use
 * this, so the model never sees one form in training and the other at test time.
 */
public final class CorpusExamples {

    /**
     * @param example the original's example (gold codes, offsets, document)
     * @param source  the marked sentence the model reads
     * @param mention the mention as the model reads it (the long form when expanded)
     * @param names   the gold names of the target (several for a composite mention)
     */
    public record Item(Example example, String source, String mention, List<String> names) {
        public boolean expanded() {
            return !mention.equals(example.mention());
        }
    }

    private CorpusExamples() {
    }

    /** pubtator, brat or jsonl, from the flag or else from the path (a folder or .ann: brat; .jsonl: jsonl). */
    public static String formatOf(Path path, String override) {
        if (override != null) {
            return override;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(path) || name.endsWith(".ann")) {
            return "brat";
        }
        return name.endsWith(".jsonl") ? "jsonl" : "pubtator";
    }

    public static List<Item> read(Path path, String format, KnowledgeBase kb, String language, boolean expandAbbreviations,
            Problems problems) {
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file or folder");
        }
        ExampleBuilder builder = new ExampleBuilder(kb, language, problems);
        List<Item> items = new ArrayList<>();
        CorpusReader.forFormat(formatOf(path, format)).read(path, problems, doc -> {
            Abbreviations abbreviations = expandAbbreviations ? Abbreviations.find(doc.text()) : Abbreviations.find("");
            for (Example e : builder.examples(doc)) {
                items.add(item(e, abbreviations, builder));
            }
        });
        return items;
    }

    /** One mention of a plain text to link: its span and semantic group. */
    public record TextMention(int start, int end, String group) {
    }

    /**
     * Mentions of a plain text (a {@code POST /v1/link} input, a marked sentence) as the model reads them, exactly as
     * {@link #read} gives a corpus's mentions: the sentence around each mention, marked, and a short form defined in
     * the text expanded. No gold; the text is the document id, so its mentions are read as one document.
     */
    public static List<Item> ofText(String text, List<TextMention> mentions, boolean expandAbbreviations) {
        String cleaned = ExampleBuilder.cleanNatural(text);
        List<Document.Span> spans = mentions.stream().map(m -> new Document.Span(m.start(), m.end())).toList();
        List<Document.Span> sentences = SentenceSplitter.split(cleaned, 0, cleaned.length(), spans);
        Abbreviations abbreviations = Abbreviations.find(expandAbbreviations ? text : "");
        List<Item> items = new ArrayList<>(mentions.size());
        for (TextMention m : mentions) {
            String mention = cleaned.substring(m.start(), m.end());
            String source = ExampleBuilder.marked(cleaned, sentences, List.of(new Document.Span(m.start(), m.end())), m.group());
            Example e = new Example("", text, source, "", mention, "", m.group(), "", List.of(), "", m.start(), m.end(), "EXACT");
            items.add(item(e, abbreviations, null));
        }
        return items;
    }

    /**
     * The example as the model reads it. An expanded mention's target names are chosen again against the long form:
     * the original's were chosen against the short form ("HH" for a mention read as "hemochromatosis").
     */
    static Item item(Example e, Abbreviations abbreviations, ExampleBuilder builder) {
        List<String> names = Arrays.asList(e.annotation().split(ExampleBuilder.SEP, -1));
        String mention = e.mention();
        String source = e.source();
        String longForm = ExampleBuilder.cleanNatural(abbreviations.expand(mention));
        if (!longForm.equals(mention)) {
            int at = source.indexOf("[" + mention + "]");
            if (at >= 0) {
                source = source.substring(0, at + 1) + longForm + source.substring(at + 1 + mention.length());
                mention = longForm;
                List<String> again = builder == null ? List.of() : builder.targetNames(mention, e.code());
                if (!again.isEmpty() && again.size() == names.size()) {
                    names = again;
                }
            }
        }
        return new Item(e, source, mention, names);
    }
}
