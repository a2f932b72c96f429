package io.syncabel.runtime.eval;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import io.syncabel.runtime.link.HybridLinking;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dictionary baselines a generative linker must beat, computed on the same examples: exact match
 * of the normalised mention (lowercase, single spaces) and the character 3-gram TF-IDF nearest name,
 * each on the KB's names alone and with the training mentions added as names of their gold concepts.
 * Mentions are taken as written (no abbreviation expansion), as the usual baselines do.
 */
public final class Baselines {

    /** Recall@1 in percent per baseline, keyed exact_dict, exact_dict_train, tfidf, tfidf_train. */
    public static Map<String, Double> compute(KnowledgeBase kb, List<CorpusExamples.Item> train,
            List<CorpusExamples.Item> test) {
        Map<String, Map<String, List<String>>> kbOnly = kb.dictionaries();
        // each training mention as a name of its most frequent gold code (the corpus's own convention)
        Map<String, Map<String, Map<String, Integer>>> votes = new TreeMap<>();
        for (CorpusExamples.Item item : train) {
            var e = item.example();
            votes.computeIfAbsent(group(kb, e.group()), g -> new TreeMap<>())
                    .computeIfAbsent(e.mention(), m -> new TreeMap<>()).merge(e.code(), 1, Integer::sum);
        }
        Map<String, Map<String, List<String>>> mentions = new TreeMap<>();
        votes.forEach((group, byMention) -> byMention.forEach((mention, codes) -> mentions
                .computeIfAbsent(group, g -> new TreeMap<>())
                .put(mention, List.of(codes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey()))));
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("exact_dict", exact(kb, List.of(kbOnly), test));
        out.put("exact_dict_train", exact(kb, List.of(mentions, kbOnly), test));
        out.put("tfidf", tfidf(kb, List.of(TfIdfLinker.of(kb.tfidf(), kbOnly)), test));
        out.put("tfidf_train", tfidf(kb, List.of(TfIdfLinker.of(kb.tfidf(), mentions), TfIdfLinker.of(kb.tfidf(), kbOnly)), test));
        return out;
    }

    /** Exact lookup of the normalised mention, dictionaries in priority order (training mentions first). */
    private static double exact(KnowledgeBase kb, List<Map<String, Map<String, List<String>>>> dictionaries,
            List<CorpusExamples.Item> test) {
        Map<String, Map<String, String>> normalised = new HashMap<>();
        for (Map<String, Map<String, List<String>>> dictionary : dictionaries) {
            dictionary.forEach((group, names) -> {
                Map<String, String> byNorm = normalised.computeIfAbsent(group, g -> new HashMap<>());
                // sorted names: the first spelling of a normalised name wins, reproducibly
                new TreeMap<>(names).forEach((name, codes) -> byNorm.putIfAbsent(HybridLinking.normalise(name), codes.get(0)));
            });
        }
        int hits = 0;
        for (CorpusExamples.Item item : test) {
            var e = item.example();
            String predicted = normalised.getOrDefault(group(kb, e.group()), Map.of()).get(HybridLinking.normalise(e.mention()));
            if (predicted != null && sameCodes(predicted, e.code())) {
                hits++;
            }
        }
        return percent(hits, test.size());
    }

    /** The best TF-IDF match over the linkers; an earlier linker (training mentions) wins ties. */
    private static double tfidf(KnowledgeBase kb, List<TfIdfLinker> linkers, List<CorpusExamples.Item> test) {
        int hits = 0;
        for (CorpusExamples.Item item : test) {
            var e = item.example();
            TfIdfLinker.Candidate best = null;
            for (TfIdfLinker linker : linkers) {
                List<TfIdfLinker.Candidate> top = linker.topK(e.mention(), group(kb, e.group()), 1);
                if (!top.isEmpty() && (best == null || top.get(0).score() > best.score() + 1e-9)) {
                    best = top.get(0);
                }
            }
            if (best != null && sameCodes(best.code(), e.code())) {
                hits++;
            }
        }
        return percent(hits, test.size());
    }

    /** The dictionary group of an example's group (the only group of a one-group KB). */
    private static String group(KnowledgeBase kb, String group) {
        return kb.groups().contains(group) || kb.groups().size() != 1 ? group : kb.groups().iterator().next();
    }

    static boolean sameCodes(String a, String b) {
        return CodeSet.parse(a).equals(CodeSet.parse(b));
    }

    private static double percent(int hits, int total) {
        return total == 0 ? 0 : Math.round(1000.0 * hits / total) / 10.0;
    }

    private Baselines() {
    }
}
