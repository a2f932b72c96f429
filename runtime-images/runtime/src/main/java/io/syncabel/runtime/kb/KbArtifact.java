package io.syncabel.runtime.kb;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The knowledge-base artifact, as files under one store prefix (manifest.json last, so it is all or
 * nothing):
 * <ul>
 * <li>{@code concepts.jsonl}: one {@link Concept} per line, sorted by code;</li>
 * <li>{@code dictionary.tsv}: {@code group<TAB>name<TAB>code[<TAB>code...]}, sorted by group then name;</li>
 * <li>{@code tfidf.tsv}: {@code #documents<TAB>n}, then {@code trigram<TAB>document frequency}; with it the
 * model is rebuilt without re-analysing the names (idf = ln((1+n)/(1+df)) + 1);</li>
 * <li>{@code kb.json}: terminology metadata (name, version, licence, citation), sources, resolution figures
 * and the first skipped lines in lenient mode.</li>
 * </ul>
 */
public final class KbArtifact {
    public static final String KIND = "knowledge-base";
    public static final String CONCEPTS = "concepts.jsonl";
    public static final String DICTIONARY = "dictionary.tsv";
    public static final String TFIDF = "tfidf.tsv";
    public static final String INFO = "kb.json";

    private KbArtifact() {
    }

    /** Writes and publishes the artifact; the counts returned are the manifest's. */
    public static Manifest write(ArtifactWriter writer, KnowledgeBase kb, Map<String, Object> extraCounts,
            List<Manifest.Input> inputs) throws IOException {
        ObjectWriter json = Json.MAPPER.writer();
        try (Writer out = utf8(writer, CONCEPTS)) {
            for (Concept c : kb.concepts().values()) {
                out.write(json.writeValueAsString(c));
                out.write('\n');
            }
        }
        try (Writer out = utf8(writer, DICTIONARY)) {
            for (var g : new TreeMap<>(kb.dictionaries()).entrySet()) {
                for (var e : new TreeMap<>(g.getValue()).entrySet()) {
                    out.write(g.getKey());
                    out.write('\t');
                    out.write(e.getKey());
                    for (String code : e.getValue()) {
                        out.write('\t');
                        out.write(code);
                    }
                    out.write('\n');
                }
            }
        }
        TfIdf tfidf = kb.tfidf();
        try (Writer out = utf8(writer, TFIDF)) {
            out.write("#documents\t" + tfidf.documents() + "\n");
            for (var e : new TreeMap<>(tfidf.documentFrequency()).entrySet()) {
                out.write(e.getKey());
                out.write('\t');
                out.write(Integer.toString(e.getValue()));
                out.write('\n');
            }
        }
        Map<String, Object> info = new TreeMap<>(kb.metadata());
        if (kb.resolution() != null) {
            info.put("resolution", kb.resolution());
        }
        info.putAll(extraCounts);
        try (Writer out = utf8(writer, INFO)) {
            out.write(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(info));
        }
        Map<String, Object> counts = new TreeMap<>(kb.counts());
        counts.putAll(extraCounts);
        Object meta = kb.metadata().get("metadata");
        if (meta != null) {
            counts.put("metadata", meta);
        }
        return writer.publish(KIND, counts, inputs);
    }

    /** Loads the published KB artifact at {@code prefix} (file: or s3://) from a store opened for it and closed after. */
    public static KnowledgeBase load(String prefix) throws IOException {
        try (ArtifactStore store = io.syncabel.runtime.store.Stores.forUri(prefix)) {
            return load(store, prefix);
        }
    }

    /** Loads a published KB artifact, verifying every file against the manifest as it is read. */
    @SuppressWarnings("unchecked")
    public static KnowledgeBase load(ArtifactStore store, String prefix) throws IOException {
        Manifest manifest = store.manifest(prefix)
                .orElseThrow(() -> new UserError(prefix + ": not a published artifact (no manifest.json)"));
        if (!KIND.equals(manifest.kind())) {
            throw new UserError(prefix + ": a " + manifest.kind() + " artifact, not a " + KIND);
        }
        Map<String, Concept> concepts = new LinkedHashMap<>();
        try (BufferedReader in = reader(store, prefix, CONCEPTS)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Concept c = Json.MAPPER.readValue(line, Concept.class);
                concepts.put(c.code(), c);
            }
        }
        Map<String, Map<String, List<String>>> dictionary = new TreeMap<>();
        try (BufferedReader in = reader(store, prefix, DICTIONARY)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split("\t");
                dictionary.computeIfAbsent(f[0], k -> new TreeMap<>())
                        .put(f[1], List.of(f).subList(2, f.length));
            }
        }
        TfIdf tfidf;
        try (BufferedReader in = reader(store, prefix, TFIDF)) {
            String head = in.readLine();
            int documents = Integer.parseInt(head.substring(head.indexOf('\t') + 1));
            Map<String, Integer> df = new HashMap<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int tab = line.lastIndexOf('\t');
                df.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)));
            }
            tfidf = new TfIdf(documents, df);
        }
        TreeMap<String, Object> info;
        try (BufferedReader in = reader(store, prefix, INFO)) {
            info = Json.MAPPER.readValue(in, TreeMap.class);
        }
        return KnowledgeBase.of(concepts, dictionary, tfidf, info, null);
    }

    private static BufferedReader reader(ArtifactStore store, String prefix, String file) throws IOException {
        return new BufferedReader(new InputStreamReader(store.openVerified(prefix, file), StandardCharsets.UTF_8),
                1 << 16);
    }

    private static Writer utf8(ArtifactWriter writer, String name) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(writer.file(name), StandardCharsets.UTF_8), 1 << 16);
    }

}
