package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.Coordination;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.corpus.Example;
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
    /**
     * Appended last when composites are read: 1 on the candidate a coordinated mention's parts name together
     * ({@link Coordination}). Re-rankers fit before it existed keep their features and list no such candidate.
     */
    public static final List<String> COMPOSITE = List.of("coordination");
    static final int COSINE = 0;
    private static final int EXACT_KB_NAME = BASE.indexOf("exactKbName");
    private static final int DICTIONARY_SHARE = BASE.indexOf("dictionaryShare");
    private static final int DICTIONARY_VOTES = BASE.indexOf("dictionaryVotes");

    /** The base features computed with or without a dense retriever, with composites. */
    public static List<String> base(boolean dense) {
        return base(dense, true);
    }

    /** The base features computed with or without a dense retriever, with or without composites. */
    public static List<String> base(boolean dense, boolean composites) {
        List<String> all = new ArrayList<>(BASE);
        if (dense) {
            all.addAll(DENSE);
        }
        if (composites) {
            all.addAll(COMPOSITE);
        }
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
    private final boolean composites;
    private final Function<CorpusExamples.Item, String> exactLookup;
    private final MentionDictionary dictionary;
    private final Map<String, Integer> annotations = new HashMap<>();
    private final Map<String, List<String>> mentionsByCode = new HashMap<>();
    private final Map<String, Double> idf = new HashMap<>();
    private final double unknownIdf;

    CandidateFeatures(KnowledgeBase kb, MentionDictionary dictionary,
            java.util.function.BiFunction<List<CorpusExamples.Item>, Integer, List<List<HybridLinking.Retrieved>>> retrieval,
            Function<CorpusExamples.Item, String> exactLookup, boolean dense, boolean composites) {
        this.kb = kb;
        this.dense = dense;
        this.composites = composites;
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

    /**
     * The names of the base feature vectors {@link #listings} gives: {@link #BASE}, then {@link #DENSE} with a dense
     * retriever, then {@link #COMPOSITE} when composites are read.
     */
    public List<String> names() {
        return base(dense, composites);
    }

    /**
     * The items' listings, in order; the items are read as documents for {@code documentAgreement}. With composites, a
     * coordinated mention ({@link Coordination}) also gets the candidate its parts name together: each part's first
     * candidate (its exact lookup, else retrieval's first), '+'-joined, with the weakest part's features and
     * {@code coordination} 1 (on a candidate already listed, only the flag is set).
     */
    public List<Listing> listings(List<CorpusExamples.Item> items, int k) {
        List<List<String>> parts = new ArrayList<>(items.size());
        List<CorpusExamples.Item> all = new ArrayList<>(items);
        for (CorpusExamples.Item item : items) {
            List<String> found = composites ? Coordination.parts(item.mention()) : List.of();
            parts.add(found);
            found.forEach(part -> all.add(asMention(item, part)));
        }
        List<List<HybridLinking.Retrieved>> retrieved = retrieval.apply(all, k);
        List<Candidates> found = new ArrayList<>(all.size());
        Map<String, Map<String, Integer>> firstByDocument = new HashMap<>();
        for (int at = 0; at < all.size(); at++) {
            Candidates c = candidates(all.get(at), retrieved.get(at));
            found.add(c);
            // only the mentions themselves count as the document's answers, not the parts read into them
            if (at < items.size() && c.first() != null) {
                firstByDocument.computeIfAbsent(all.get(at).example().document(), d -> new HashMap<>()).merge(c.first(), 1, Integer::sum);
            }
        }
        List<Listing> listed = new ArrayList<>(all.size());
        for (int at = 0; at < all.size(); at++) {
            listed.add(listing(all.get(at), found.get(at), firstByDocument));
        }
        List<Listing> out = new ArrayList<>(items.size());
        int nextPart = items.size();
        for (int i = 0; i < items.size(); i++) {
            List<Listing> ofParts = listed.subList(nextPart, nextPart + parts.get(i).size());
            nextPart += parts.get(i).size();
            out.add(ofParts.isEmpty() ? listed.get(i) : withCoordination(listed.get(i), ofParts));
        }
        return out;
    }

    /** A mention's retrieved candidates before features: cosines per code, display names, its exact-lookup answer. */
    private record Candidates(String exact, Map<String, double[]> cosines, Map<String, String> names) {
        String first() {
            return exact != null ? exact : cosines.isEmpty() ? null : cosines.keySet().iterator().next();
        }
    }

    private Candidates candidates(CorpusExamples.Item item, List<HybridLinking.Retrieved> retrieved) {
        Map<String, double[]> cosines = new LinkedHashMap<>();
        Map<String, String> names = new HashMap<>();
        for (HybridLinking.Retrieved r : retrieved) {
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
        return new Candidates(exactLookup.apply(item), cosines, names);
    }

    private Listing listing(CorpusExamples.Item item, Candidates c, Map<String, Map<String, Integer>> firstByDocument) {
        Map<String, Integer> votes = votes(item);
        int allVotes = votes.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Integer> agreeing = firstByDocument.getOrDefault(item.example().document(), Map.of());
        List<String> codes = new ArrayList<>(c.cosines().keySet());
        String first = c.first();
        double top = codes.stream().mapToDouble(code -> c.cosines().get(code)[0]).max().orElse(0);
        double[][] base = new double[codes.size()][];
        for (int r = 0; r < codes.size(); r++) {
            String code = codes.get(r);
            double[] cos = c.cosines().get(code);
            double[] overlap = overlap(item.mention(), code);
            int others = agreeing.getOrDefault(code, 0) - (code.equals(first) ? 1 : 0);
            double[] x = {cos[0], cos[1], cos[2], 1.0 / (r + 1), cos[0] - top, overlap[0], overlap[1],
                    Math.log1p(annotations.getOrDefault(code, 0)), Math.log1p(Math.max(0, others)),
                    isKbName(item, code) ? 1 : 0,
                    allVotes == 0 ? 0 : votes.getOrDefault(code, 0) / (double) allVotes,
                    Math.log1p(votes.getOrDefault(code, 0))};
            if (dense) {
                x = append(x, cos[3], cos[4]);
            }
            base[r] = composites ? append(x, 0) : x;
        }
        List<String> names = codes.stream().map(c.names()::get).toList();
        return new Listing(item, c.exact(), List.copyOf(codes), names, base);
    }

    /**
     * The mention's listing with the candidate its coordinated parts name together (see {@link #listings}): the
     * weakest part's retrieval, word and corpus features, but the whole mention's own evidence on the lookup features
     * (a mention annotated as one concept in training, {@code breast/ovarian cancer} as the hereditary syndrome, keeps
     * that evidence against its parts), and not a KB name.
     */
    private Listing withCoordination(Listing whole, List<Listing> parts) {
        List<String> codes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] weakest = null;
        for (Listing part : parts) {
            int at = part.exact() != null ? part.codes().indexOf(part.exact()) : 0;
            if (part.codes().isEmpty() || at < 0) {
                return whole;
            }
            for (String code : part.codes().get(at).split("\\+")) {
                if (!codes.contains(code)) {
                    codes.add(code);
                }
            }
            names.add(part.names().get(at));
            double[] x = part.base()[at];
            weakest = weakest == null ? x.clone() : min(weakest, x);
        }
        String joined = String.join("+", codes);
        int known = indexOfSameCodes(whole.codes(), joined);
        List<String> allCodes = new ArrayList<>(whole.codes());
        List<String> allNames = new ArrayList<>(whole.names());
        double[][] base = java.util.Arrays.stream(whole.base()).map(double[]::clone).toArray(double[][]::new);
        int flag = weakest.length - 1;
        if (known >= 0) {
            base[known][flag] = 1;
        } else {
            Map<String, Integer> votes = votes(whole.item());
            int all = votes.values().stream().mapToInt(Integer::intValue).sum();
            int same = votes.entrySet().stream().filter(v -> indexOfSameCodes(List.of(v.getKey()), joined) == 0)
                    .mapToInt(Map.Entry::getValue).sum();
            weakest[EXACT_KB_NAME] = 0;
            weakest[DICTIONARY_SHARE] = all == 0 ? 0 : same / (double) all;
            weakest[DICTIONARY_VOTES] = Math.log1p(same);
            weakest[flag] = 1;
            allCodes.add(joined);
            allNames.add(String.join(" + ", names));
            base = java.util.Arrays.copyOf(base, base.length + 1);
            base[base.length - 1] = weakest;
        }
        return new Listing(whole.item(), whole.exact(), List.copyOf(allCodes), List.copyOf(allNames), base);
    }

    /** The index of the candidate naming the same concepts as {@code code} ('+'-joined, in any order), or -1. */
    static int indexOfSameCodes(List<String> codes, String code) {
        Set<String> wanted = new java.util.HashSet<>(List.of(code.split("\\+")));
        for (int i = 0; i < codes.size(); i++) {
            if (new java.util.HashSet<>(List.of(codes.get(i).split("\\+"))).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    private static double[] min(double[] a, double[] b) {
        for (int f = 0; f < a.length; f++) {
            a[f] = Math.min(a[f], b[f]);
        }
        return a;
    }

    /** The item read as another mention at the same place (a coordinated mention's part). */
    private static CorpusExamples.Item asMention(CorpusExamples.Item item, String mention) {
        Example e = item.example();
        Example part = new Example(e.id(), e.document(), e.source(), e.target(), mention, e.annotation(), e.group(), e.code(),
                e.goldIds(), e.type(), e.start(), e.end(), e.semanticRel());
        return new CorpusExamples.Item(part, item.source(), mention, item.names());
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
