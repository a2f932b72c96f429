package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the {@link Reranker} knows about a mention's candidate concepts. Model-free features come from retrieval
 * (character 3-gram TF-IDF over KB names and training mentions), words (IDF-weighted overlap with the concept's
 * best name), the training annotations (how often the concept was annotated) and the document (how many other
 * mentions of the same document point to the concept first); model features from the generative model's
 * teacher-forced scores of the concept's names.
 */
public final class CandidateFeatures {
    /** Model-free features, in vector order. */
    public static final List<String> BASE = List.of("cosine", "cosineKb", "cosineMentions", "retrievalRecipRank",
            "cosineGapToTop", "wordRecall", "wordPrecision", "prior", "documentAgreement", "exactKbName", "dictionaryShare", "dictionaryVotes");
    /** The model layer's inputs, in vector order: the base layer's score, then the model's. */
    public static final List<String> MODEL = List.of("baseScore", "modelLogProb", "modelSumLogProb", "modelLogMass",
            "modelRecipRank", "modelMissing");
    /**
     * Appended to {@link #BASE} when a dense retriever takes part: the concept's best dense cosine over its names
     * (every candidate), and its reciprocal rank among the dense top K (0: the dense retriever did not propose it,
     * so 0 and above 0 flag the source). Re-rankers fit without them keep {@link #BASE} and are used as before.
     */
    public static final List<String> DENSE = List.of("denseCosine", "denseRecipRank");
    static final int COSINE = 0;

    /** The base features computed with or without a dense retriever. */
    public static List<String> base(boolean dense) {
        if (!dense) {
            return BASE;
        }
        List<String> all = new ArrayList<>(BASE);
        all.addAll(DENSE);
        return List.copyOf(all);
    }

    /**
     * One mention's candidates: codes ({@code +}-joined for a composite training annotation), their display names and
     * base feature vectors, in retrieval order; {@code exact} is what the exact training-mention lookup alone would
     * answer (its most frequent code), or null. A mention written as a training mention has its annotated codes among
     * the candidates, with their share of the votes as a feature: the lookup is evidence, not a verdict.
     */
    public record Listing(CorpusExamples.Item item, String exact, List<String> codes, List<String> names, double[][] base) {
    }

    private final KnowledgeBase kb;
    private final java.util.function.BiFunction<List<CorpusExamples.Item>, Integer, List<List<HybridLinking.Retrieved>>> retrieval;
    private final boolean dense;
    private final Function<CorpusExamples.Item, String> exactLookup;
    private final MentionDictionary dictionary;
    private final Map<String, Integer> annotations = new HashMap<>();
    private final Map<String, List<String>> mentionsByCode = new HashMap<>();
    private final Map<String, Double> idf = new HashMap<>();
    private final double unknownIdf;

    CandidateFeatures(KnowledgeBase kb, MentionDictionary dictionary,
            java.util.function.BiFunction<List<CorpusExamples.Item>, Integer, List<List<HybridLinking.Retrieved>>> retrieval,
            Function<CorpusExamples.Item, String> exactLookup, boolean dense) {
        this.kb = kb;
        this.dense = dense;
        this.retrieval = retrieval;
        this.exactLookup = exactLookup;
        this.dictionary = dictionary;
        dictionary.votes().forEach((mention, codes) -> codes.forEach((code, n) -> {
            annotations.merge(code, n, Integer::sum);
            for (String single : code.split("\\+")) {
                mentionsByCode.computeIfAbsent(single, c -> new ArrayList<>()).add(mention);
            }
        }));
        Map<String, Integer> df = new HashMap<>();
        int names = 0;
        for (Map<String, List<String>> group : kb.dictionaries().values()) {
            for (String name : group.keySet()) {
                names++;
                for (String w : new LinkedHashSet<>(words(name))) {
                    df.merge(w, 1, Integer::sum);
                }
            }
        }
        int n = names;
        df.forEach((w, d) -> idf.put(w, Math.log((1.0 + n) / (1.0 + d)) + 1));
        this.unknownIdf = Math.log(1.0 + n) + 1;
    }

    /** Lower-cased letter/digit runs. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The names of the base feature vectors {@link #listings} gives: {@link #BASE}, then {@link #DENSE} with a dense retriever. */
    public List<String> names() {
        return base(dense);
    }

    /** The items' listings, in order; the items are read as documents for {@code documentAgreement}. */
    public List<Listing> listings(List<CorpusExamples.Item> items, int k) {
        List<List<HybridLinking.Retrieved>> all = retrieval.apply(items, k);
        List<String> exact = new ArrayList<>(items.size());
        List<Map<String, double[]>> retrieved = new ArrayList<>(items.size());
        List<Map<String, String>> shown = new ArrayList<>(items.size());
        Map<String, Map<String, Integer>> firstByDocument = new HashMap<>();
        for (int at = 0; at < items.size(); at++) {
            CorpusExamples.Item item = items.get(at);
            String code = exactLookup.apply(item);
            exact.add(code);
            Map<String, double[]> cosines = new LinkedHashMap<>();
            Map<String, String> names = new HashMap<>();
            for (HybridLinking.Retrieved r : all.get(at)) {
                cosines.put(r.best().code(), new double[] {r.best().score(), r.kbCosine(), r.mentionCosine(), r.denseCosine(),
                        r.denseRank() == 0 ? 0 : 1.0 / r.denseRank()});
                names.put(r.best().code(), r.best().name());
            }
            for (String voted : votes(item).keySet()) {
                if (!cosines.containsKey(voted)) {
                    // the mention is a training mention: cosine 1 to it
                    cosines.put(voted, new double[] {1, 0, 1, 1, 0});
                    names.put(voted, item.example().mention());
                }
            }
            retrieved.add(cosines);
            shown.add(names);
            String first = code != null ? code : cosines.isEmpty() ? null : cosines.keySet().iterator().next();
            if (first != null) {
                firstByDocument.computeIfAbsent(item.example().document(), d -> new HashMap<>()).merge(first, 1, Integer::sum);
            }
        }
        List<Listing> out = new ArrayList<>(items.size());
        for (int at = 0; at < items.size(); at++) {
            int i = at;
            CorpusExamples.Item item = items.get(i);
            Map<String, Integer> votes = votes(item);
            int allVotes = votes.values().stream().mapToInt(Integer::intValue).sum();
            Map<String, Integer> agreeing = firstByDocument.getOrDefault(item.example().document(), Map.of());
            List<String> codes = new ArrayList<>(retrieved.get(i).keySet());
            String first = exact.get(i) != null ? exact.get(i) : codes.isEmpty() ? null : codes.get(0);
            double top = codes.stream().mapToDouble(c -> retrieved.get(i).get(c)[0]).max().orElse(0);
            double[][] base = new double[codes.size()][];
            for (int r = 0; r < codes.size(); r++) {
                String code = codes.get(r);
                double[] cos = retrieved.get(i).get(code);
                double[] overlap = overlap(item.mention(), code);
                int others = agreeing.getOrDefault(code, 0) - (code.equals(first) ? 1 : 0);
                double[] x = {cos[0], cos[1], cos[2], 1.0 / (r + 1), cos[0] - top, overlap[0], overlap[1],
                        Math.log1p(annotations.getOrDefault(code, 0)), Math.log1p(Math.max(0, others)),
                        isKbName(item, code) ? 1 : 0,
                        allVotes == 0 ? 0 : votes.getOrDefault(code, 0) / (double) allVotes,
                        Math.log1p(votes.getOrDefault(code, 0))};
                base[r] = dense ? append(x, cos[3], cos[4]) : x;
            }
            List<String> names = codes.stream().map(shown.get(i)::get).toList();
            out.add(new Listing(item, exact.get(i), List.copyOf(codes), names, base));
        }
        return out;
    }

    /** The training annotations of the mention as written, else as expanded (as the exact lookup reads it). */
    private Map<String, Integer> votes(CorpusExamples.Item item) {
        Map<String, Integer> written = dictionary.votes().get(HybridLinking.normalise(item.example().mention()));
        if (written != null) {
            return written;
        }
        return dictionary.votes().getOrDefault(HybridLinking.normalise(item.mention()), Map.of());
    }

    private static double[] append(double[] x, double... more) {
        double[] out = java.util.Arrays.copyOf(x, x.length + more.length);
        System.arraycopy(more, 0, out, x.length, more.length);
        return out;
    }

    /** IDF-weighted share of the mention's words in the concept's best name, and of that name's words in the mention. */
    private double[] overlap(String mention, String code) {
        Set<String> m = new LinkedHashSet<>(words(mention));
        double mWeight = m.stream().mapToDouble(this::idf).sum();
        double[] best = {0, 0};
        double bestF = -1;
        List<String> candidates = new ArrayList<>(kb.concept(code).map(c -> c.names()).orElse(List.of()));
        candidates.addAll(mentionsByCode.getOrDefault(code, List.of()));
        for (String name : candidates) {
            Set<String> n = new LinkedHashSet<>(words(name));
            double nWeight = n.stream().mapToDouble(this::idf).sum();
            double shared = n.stream().filter(m::contains).mapToDouble(this::idf).sum();
            double recall = mWeight == 0 ? 0 : shared / mWeight;
            double precision = nWeight == 0 ? 0 : shared / nWeight;
            double f = recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision);
            if (f > bestF) {
                bestF = f;
                best = new double[] {recall, precision};
            }
        }
        return best;
    }

    private double idf(String word) {
        return idf.getOrDefault(word, unknownIdf);
    }

    private boolean isKbName(CorpusExamples.Item item, String code) {
        String a = HybridLinking.normalise(item.example().mention());
        String b = HybridLinking.normalise(item.mention());
        return kb.concept(code).map(c -> c.names().stream().map(HybridLinking::normalise).anyMatch(n -> n.equals(a) || n.equals(b)))
                .orElse(false);
    }

    /**
     * The model layer's input per candidate: the base layer's score, then the model's mean and summed
     * log-probability of the concept's best name, the log of its names' mass, its rank by the model among the
     * candidates, and whether the model could not score it (then its scores sit one nat below the worst scored).
     */
    static List<double[]> withModel(Listing l, Reranker.Layer base, Map<String, GenerativeLinker.NameScore> model) {
        int n = l.codes().size();
        double worst = 0;
        double worstSum = 0;
        double worstMass = 0;
        for (GenerativeLinker.NameScore s : model.values()) {
            worst = Math.min(worst, s.logProb());
            worstSum = Math.min(worstSum, s.logProb() * s.tokens());
            worstMass = Math.min(worstMass, s.logMass());
        }
        double[] logP = new double[n];
        for (int r = 0; r < n; r++) {
            GenerativeLinker.NameScore s = model.get(l.codes().get(r));
            logP[r] = s == null ? Double.NEGATIVE_INFINITY : s.logProb();
        }
        List<double[]> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            GenerativeLinker.NameScore s = model.get(l.codes().get(r));
            int rank = 1;
            for (int o = 0; o < n; o++) {
                if (logP[o] > logP[r] || logP[o] == logP[r] && o < r) {
                    rank++;
                }
            }
            out.add(new double[] {base.score(l.base()[r]),
                    s == null ? worst - 1 : s.logProb(),
                    s == null ? worstSum - 1 : s.logProb() * s.tokens(),
                    s == null || !Double.isFinite(s.logMass()) ? worstMass - 1 : s.logMass(),
                    s == null ? 0 : 1.0 / rank,
                    s == null ? 1 : 0});
        }
        return out;
    }
}
