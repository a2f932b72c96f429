package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The annotated training mentions a linker looks up before it runs the model and adds to its retriever:
 * normalised mention → code → how often it was annotated so. Saved in the model artifact
 * ({@code mentions.tsv}), so the model links the way it was evaluated without the training corpora at hand.
 */
public record MentionDictionary(Map<String, Map<String, Integer>> votes) {
    public static final String FILE = "mentions.tsv";
    public static final MentionDictionary EMPTY = new MentionDictionary(Map.of());

    public MentionDictionary {
        Map<String, Map<String, Integer>> copy = new TreeMap<>();
        votes.forEach((m, codes) -> copy.put(m, Collections.unmodifiableMap(new TreeMap<>(codes))));
        votes = Collections.unmodifiableMap(copy);
    }

    /** Every gold mention of the items (as written in the corpus, before short-form expansion). */
    public static MentionDictionary of(List<CorpusExamples.Item> items) {
        Map<String, Map<String, Integer>> votes = new TreeMap<>();
        for (CorpusExamples.Item item : items) {
            votes.computeIfAbsent(HybridLinking.normalise(item.example().mention()), m -> new TreeMap<>())
                    .merge(item.example().code(), 1, Integer::sum);
        }
        return new MentionDictionary(votes);
    }

    /** Each mention's most frequent code (ties: the first code in order), as the exact lookup answers it. */
    public Map<String, String> mostVoted() {
        Map<String, String> out = new TreeMap<>();
        votes.forEach((m, codes) -> out.put(m, codes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey()));
        return out;
    }

    /**
     * The mentions as names for a retriever, one row per group: each with its most frequent code ({@code +}-joined
     * codes split), as BioSyn's train-augmented dictionary holds them.
     */
    public List<DenseRetriever.Row> rows(java.util.Collection<String> groups) {
        List<DenseRetriever.Row> out = new java.util.ArrayList<>();
        mostVoted().forEach((m, code) -> groups.forEach(g -> out.add(new DenseRetriever.Row(g, m, List.of(code.split("\\+"))))));
        return out;
    }

    public boolean isEmpty() {
        return votes.isEmpty();
    }

    public int size() {
        return votes.size();
    }

    /** {@code mention<TAB>code<TAB>count}, sorted: byte-identical for the same training data. */
    public void write(OutputStream out) throws IOException {
        StringBuilder text = new StringBuilder();
        votes.forEach((m, codes) -> codes.forEach((code, n) -> text.append(m).append('\t').append(code).append('\t').append(n).append('\n')));
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static MentionDictionary read(InputStream in, String where) throws IOException {
        Map<String, Map<String, Integer>> votes = new TreeMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = reader.readLine()) != null) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new IOException(where + ":" + n + ": expected mention, code and count separated by tabs");
            }
            try {
                votes.computeIfAbsent(f[0], m -> new TreeMap<>()).merge(f[1], Integer.parseInt(f[2]), Integer::sum);
            } catch (NumberFormatException e) {
                throw new IOException(where + ":" + n + ": field count (column 3): not a number: " + f[2], e);
            }
        }
        return new MentionDictionary(votes);
    }
}
