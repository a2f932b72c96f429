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
    private final List<List<String>> codes = new ArrayList<>();
    private final Map<String, List<Posting>> index = new HashMap<>();

    private record Posting(int name, float weight) {
    }

    /** A linker over any group → name → codes dictionary (e.g. the KB's plus training mentions), with the KB's TF-IDF. */
    public static TfIdfLinker of(TfIdf tfidf, Map<String, Map<String, List<String>>> dictionary) {
        return new TfIdfLinker(tfidf, dictionary);
    }

    TfIdfLinker(TfIdf tfidf, Map<String, Map<String, List<String>>> dictionary) {
        this.tfidf = tfidf;
        for (var g : dictionary.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                int id = names.size();
                names.add(e.getKey());
                groups.add(g.getKey());
                codes.add(e.getValue());
                for (var w : tfidf.vector(e.getKey()).entrySet()) {
                    index.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(new Posting(id, w.getValue()));
                }
            }
        }
    }

    /**
     * The k best codes for a mention, optionally within one group (null: all groups); ties are broken by
     * code so results are reproducible.
     */
    public List<Candidate> topK(String mention, String group, int k) {
        Map<Integer, Double> scores = new HashMap<>();
        for (var w : tfidf.vector(mention).entrySet()) {
            for (Posting p : index.getOrDefault(w.getKey(), List.of())) {
                scores.merge(p.name, (double) (w.getValue() * p.weight), Double::sum);
            }
        }
        Map<String, Candidate> best = new HashMap<>();
        for (var s : scores.entrySet()) {
            int id = s.getKey();
            if (group != null && !groups.get(id).equals(group)) {
                continue;
            }
            for (String code : codes.get(id)) {
                Candidate c = best.get(code);
                if (c == null || s.getValue() > c.score()
                        || (s.getValue() == c.score() && names.get(id).compareTo(c.name()) < 0)) {
                    best.put(code, new Candidate(code, names.get(id), groups.get(id), s.getValue()));
                }
            }
        }
        return best.values().stream()
                .sorted(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::code))
                .limit(k).toList();
    }
}
