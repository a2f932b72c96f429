package io.syncabel.runtime.kb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dictionary linker baseline: the dictionary names nearest to a mention by character 3-gram TF-IDF
 * cosine, through an inverted index (3-gram → names), aggregated to the best score per code.
 */
public final class TfIdfLinker {

    public record Candidate(String code, String name, String group, double score) {
    }

    private final TfIdf tfidf;
    private final List<String> names = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private final List<int[]> nameCodes = new ArrayList<>(); // each name's codes, as indexes into codeNames
    private final List<String> codeNames = new ArrayList<>();
    private final Map<String, List<Posting>> index = new HashMap<>();
    /** Per-thread accumulators sized to the dictionary, reset after each query (only what it touched). */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(names.size(), codeNames.size()));

    private record Posting(int name, float weight) {
    }

    private static final class Scratch {
        final double[] nameScore;
        final boolean[] nameTouched;
        final int[] names;
        final double[] codeScore;
        final int[] codeName;
        final int[] codes;

        Scratch(int nameCount, int codeCount) {
            nameScore = new double[nameCount];
            nameTouched = new boolean[nameCount];
            names = new int[nameCount];
            codeScore = new double[codeCount];
            codeName = new int[codeCount];
            java.util.Arrays.fill(codeName, -1);
            codes = new int[codeCount];
        }
    }

    /** A linker over any group → name → codes dictionary (e.g. the KB's plus training mentions), with the KB's TF-IDF. */
    public static TfIdfLinker of(TfIdf tfidf, Map<String, Map<String, List<String>>> dictionary) {
        return new TfIdfLinker(tfidf, dictionary);
    }

    TfIdfLinker(TfIdf tfidf, Map<String, Map<String, List<String>>> dictionary) {
        this.tfidf = tfidf;
        Map<String, Integer> codeIds = new HashMap<>();
        for (var g : dictionary.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                int id = names.size();
                names.add(e.getKey());
                groups.add(g.getKey());
                nameCodes.add(e.getValue().stream().mapToInt(code -> codeIds.computeIfAbsent(code, c -> {
                    codeNames.add(c);
                    return codeNames.size() - 1;
                })).toArray());
                for (var w : tfidf.vector(e.getKey()).entrySet()) {
                    index.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(new Posting(id, w.getValue()));
                }
            }
        }
    }

    /**
     * The k best codes for a mention, optionally within one group (null: all groups); ties are broken by
     * code so results are reproducible. A code's score is its best name's (on equal scores the name first in
     * lexical order).
     */
    public List<Candidate> topK(String mention, String group, int k) {
        Scratch x = scratch.get();
        int touched = 0;
        for (var w : tfidf.vector(mention).entrySet()) {
            for (Posting p : index.getOrDefault(w.getKey(), List.of())) {
                if (!x.nameTouched[p.name]) {
                    x.nameTouched[p.name] = true;
                    x.names[touched++] = p.name;
                }
                x.nameScore[p.name] += (double) (w.getValue() * p.weight);
            }
        }
        int codes = 0;
        for (int i = 0; i < touched; i++) {
            int id = x.names[i];
            double score = x.nameScore[id];
            x.nameScore[id] = 0;
            x.nameTouched[id] = false;
            if (group != null && !groups.get(id).equals(group)) {
                continue;
            }
            for (int code : nameCodes.get(id)) {
                int known = x.codeName[code];
                if (known < 0) {
                    x.codes[codes++] = code;
                }
                if (known < 0 || score > x.codeScore[code]
                        || (score == x.codeScore[code] && names.get(id).compareTo(names.get(known)) < 0)) {
                    x.codeScore[code] = score;
                    x.codeName[code] = id;
                }
            }
        }
        // the k best codes by score, then code: a bounded heap whose root is the worst kept
        Comparator<Integer> better = Comparator.<Integer>comparingDouble(c -> x.codeScore[c]).reversed()
                .thenComparing(c -> codeNames.get(c));
        java.util.PriorityQueue<Integer> kept = new java.util.PriorityQueue<>(Math.max(1, k + 1), better.reversed());
        for (int i = 0; i < codes; i++) {
            kept.add(x.codes[i]);
            if (kept.size() > k) {
                kept.poll();
            }
        }
        List<Candidate> out = new ArrayList<>(kept.size());
        for (int code : kept) {
            int id = x.codeName[code];
            out.add(new Candidate(codeNames.get(code), names.get(id), groups.get(id), x.codeScore[code]));
        }
        for (int i = 0; i < codes; i++) {
            x.codeName[x.codes[i]] = -1;
        }
        out.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::code));
        return out;
    }
}
