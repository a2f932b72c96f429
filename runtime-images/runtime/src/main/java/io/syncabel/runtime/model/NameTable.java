package io.syncabel.runtime.model;

import io.syncabel.runtime.corpus.ExampleBuilder;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.GroupTries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The names the tries hold, by the id their payloads carry: group, text and the codes the name maps
 * to (names.tsv in the model artifact: {@code id<TAB>group<TAB>name<TAB>code[,code...]}).
 */
public record NameTable(List<Entry> entries) {

    public record Entry(int id, String group, String name, List<String> codes) {
    }

    /**
     * Every (group, name) of the KB dictionary in its sorted order, names cleaned as training targets are
     * (the original's clean_natural: brackets and braces become parentheses), so every target is a trie path.
     */
    public static NameTable of(KnowledgeBase kb) {
        return of(kb, false);
    }

    /**
     * As {@link #of(KnowledgeBase)}; with {@code caseFold} the names are lower-cased and names equal up to case
     * become one entry ("Aniridia" and "ANIRIDIA"), whose codes are ordered so that the first, the one a decoded
     * name answers with, is deterministic: the concepts whose title is this name (up to case) first, then the
     * others in the KB dictionary's order (its own ambiguity resolution).
     */
    public static NameTable of(KnowledgeBase kb, boolean caseFold) {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<String>>> group : kb.dictionaries().entrySet()) {
            Map<String, java.util.LinkedHashSet<String>> cleaned = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<String>> name : group.getValue().entrySet()) {
                String text = ExampleBuilder.cleanNatural(name.getKey());
                cleaned.computeIfAbsent(caseFold ? fold(text) : text, n -> new java.util.LinkedHashSet<>())
                        .addAll(name.getValue());
            }
            if (caseFold) {
                // sorted like the unfolded table, so ids stay in name order
                new java.util.TreeMap<>(cleaned).forEach((name, codes) -> entries.add(new Entry(entries.size(), group.getKey(),
                        name, titlesFirst(kb, name, codes))));
            } else {
                cleaned.forEach((name, codes) -> entries.add(new Entry(entries.size(), group.getKey(), name, List.copyOf(codes))));
            }
        }
        return new NameTable(List.copyOf(entries));
    }

    /** The case policy of case-folded models: lower case, locale-independent (as the tokenizer's normalizer). */
    public static String fold(String text) {
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> titlesFirst(KnowledgeBase kb, String folded, java.util.Collection<String> codes) {
        List<String> titled = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String code : codes) {
            boolean isTitle = kb.concept(code).map(c -> c.title() != null
                    && fold(ExampleBuilder.cleanNatural(c.title())).equals(folded)).orElse(false);
            (isTitle ? titled : others).add(code);
        }
        titled.addAll(others);
        return List.copyOf(titled);
    }

    public Entry get(int id) {
        return entries.get(id);
    }

    public List<GroupTries.Name> trieNames() {
        return entries.stream().map(e -> new GroupTries.Name(e.group(), e.name(), e.id())).toList();
    }

    public void write(OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        for (Entry e : entries) {
            w.write(e.id() + "\t" + e.group() + "\t" + e.name() + "\t" + String.join(",", e.codes()) + "\n");
        }
        w.flush();
    }

    public static NameTable read(InputStream in) throws IOException {
        List<Entry> entries = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            String[] f = line.split("\t", -1);
            if (f.length != 4 || Integer.parseInt(f[0]) != entries.size()) {
                throw new IOException("names.tsv line " + (entries.size() + 1) + ": expected id, group, name, codes");
            }
            entries.add(new Entry(entries.size(), f[1], f[2], List.of(f[3].split(","))));
        }
        return new NameTable(List.copyOf(entries));
    }
}
