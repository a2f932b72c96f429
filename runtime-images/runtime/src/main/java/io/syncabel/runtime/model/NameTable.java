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
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<String>>> group : kb.dictionaries().entrySet()) {
            Map<String, java.util.LinkedHashSet<String>> cleaned = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<String>> name : group.getValue().entrySet()) {
                cleaned.computeIfAbsent(ExampleBuilder.cleanNatural(name.getKey()), n -> new java.util.LinkedHashSet<>())
                        .addAll(name.getValue());
            }
            cleaned.forEach((name, codes) -> entries.add(new Entry(entries.size(), group.getKey(), name, List.copyOf(codes))));
        }
        return new NameTable(List.copyOf(entries));
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
