package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Retrieval around the generative linker, the levers published BEL systems use:
 * <ol>
 * <li>a mention written exactly as an annotated training mention (case and spacing aside) takes that
 *     mention's most frequent gold code;</li>
 * <li>otherwise the TF-IDF retriever (KB names plus training mentions) proposes the top-K concepts and
 *     the model generates only among their names (a per-mention trie), falling back to the full trie
 *     when the retriever finds nothing.</li>
 * </ol>
 */
public final class HybridLinking {
    private final GenerativeLinker linker;
    private final KnowledgeBase kb;
    private final Map<String, String> exact = new HashMap<>();
    private final TfIdfLinker kbRetriever;
    private final TfIdfLinker mentionRetriever;
    private final int candidates;
    private final MentionDictionary dictionary;
    private final DenseRetriever dense;
    private final Map<Boolean, CandidateFeatures> features = new HashMap<>();

    public HybridLinking(GenerativeLinker linker, KnowledgeBase kb, List<CorpusExamples.Item> training, int candidates) {
        this(linker, kb, MentionDictionary.of(training), candidates);
    }

    public HybridLinking(GenerativeLinker linker, KnowledgeBase kb, MentionDictionary dictionary, int candidates) {
        this(linker, kb, dictionary, candidates, null);
    }

    /**
     * With a dense retriever (null: none), whose top-K concepts join the TF-IDF ones in {@link #retrieve} and whose
     * cosine becomes a re-ranker feature ({@link CandidateFeatures#DENSE}).
     */
    public HybridLinking(GenerativeLinker linker, KnowledgeBase kb, MentionDictionary dictionary, int candidates,
            DenseRetriever dense) {
        this.linker = linker;
        this.dense = dense;
        this.kb = kb;
        this.candidates = candidates;
        this.dictionary = dictionary;
        Map<String, Map<String, List<String>>> mentions = new TreeMap<>();
        dictionary.mostVoted().forEach((mention, code) -> {
            exact.put(mention, code);
            for (String group : kb.groups()) {
                mentions.computeIfAbsent(group, g -> new TreeMap<>()).put(mention, List.of(code.split("\\+")));
            }
        });
        this.kbRetriever = kb.linker();
        this.mentionRetriever = TfIdfLinker.of(kb.tfidf(), mentions);
    }

    /** Case and spacing aside: how mentions are matched exactly (here and by the dictionary baselines). */
    public static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
    }

    /** Ranked candidates per item, in input order. */
    public List<List<Linker.Candidate>> link(List<CorpusExamples.Item> items, Linker.Options options) {
        List<List<Linker.Candidate>> out = new ArrayList<>(items.size());
        List<Integer> toModel = new ArrayList<>();
        List<GenerativeLinker.Marked> marked = new ArrayList<>();
        Map<Integer, Set<String>> retrieved = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            CorpusExamples.Item item = items.get(i);
            String code = exactCode(item);
            if (code != null) {
                out.add(List.of(new Linker.Candidate(List.of(code.split("\\+")), item.example().mention(), 1.0, 1)));
                continue;
            }
            out.add(null);
            toModel.add(i);
            marked.add(new GenerativeLinker.Marked(item.source(), item.mention(), item.example().group()));
            retrieved.put(marked.size() - 1, retrieve(item));
        }
        if (!marked.isEmpty()) {
            Map<GenerativeLinker.Marked, Set<String>> byInput = new HashMap<>();
            for (int j = 0; j < marked.size(); j++) {
                byInput.put(marked.get(j), retrieved.get(j));
            }
            // no retrieved concept (or retrieval off): the full group trie
            List<List<Linker.Candidate>> generated = linker.linkMarked(marked, options,
                    m -> linker.candidateConstraint(m.group(), byInput.getOrDefault(m, Set.of())));
            for (int j = 0; j < toModel.size(); j++) {
                out.set(toModel.get(j), generated.get(j));
            }
        }
        return out;
    }

    /** How retrieval and generation scores are combined by {@link #fuse}. */
    public enum FusionMethod {
        /** {@code a * log p_model + (1 - a) * log cosine}; reported score {@code p^a * cosine^(1-a)}. */
        LINEAR,
        /** Weighted reciprocal-rank fusion {@code a / (60 + rank_model) + (1 - a) / (60 + rank_tfidf)}. */
        RRF
    }

    /** Reciprocal-rank fusion's usual constant. */
    static final int RRF_K = 60;

    /**
     * Score-level fusion settings.
     *
     * @param method how the two scores combine
     * @param weight {@code a}, the model's weight in [0, 1] (0: TF-IDF alone, 1: the model alone among the candidates)
     * @param gate   a TF-IDF top-1 cosine at or above which retrieval's ranking stands and the model is not asked
     *               (a confident retrieval: the mention is, or nearly is, a KB name or training mention); above 1
     *               (the default, {@link #NO_GATE}) the model weighs in on every mention
     */
    public record Fusion(FusionMethod method, double weight, double gate) {
        public static final double NO_GATE = Double.POSITIVE_INFINITY;

        public Fusion {
            if (method == null || !(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("fusion weight must be in [0, 1], got " + weight);
            }
            if (!(gate > 0)) {
                throw new IllegalArgumentException("fusion gate must be a cosine in (0, 1] (or above 1 for none), got " + gate);
            }
        }

        public Fusion(FusionMethod method, double weight) {
            this(method, weight, NO_GATE);
        }

        /** Whether the model is left out for a mention whose best TF-IDF cosine is {@code topCosine}. */
        public boolean retrievalStands(double topCosine) {
            return weight == 0 || topCosine >= gate - 1e-9;
        }
    }

    /**
     * One fused candidate with its parts: the model's mean log-probability of the concept's best name
     * (NaN when not scored: the exact lookup answered, or the weight is 0), the TF-IDF cosine and rank
     * (NaN and 0 for the exact lookup).
     */
    public record Fused(Linker.Candidate candidate, GenerativeLinker.NameScore model, double retrieval, int retrievalRank) {
        public double modelLogProb() {
            return model == null ? Double.NaN : model.logProb();
        }
    }

    /**
     * Score-level fusion of retrieval and generation: the exact training-mention lookup first; otherwise
     * the TF-IDF top-K concepts (mention as written and as expanded, KB names and training mentions, best
     * cosine per concept), each scored by the model through its best name
     * ({@link GenerativeLinker#scoreConcepts}), ranked by the fused score. Every one of the K candidates is
     * returned, best first; a mention the retriever finds nothing for falls back to constrained generation.
     */
    public List<List<Fused>> fuse(List<CorpusExamples.Item> items, Fusion fusion, Linker.Options fallback) {
        if (candidates <= 0) {
            throw new IllegalArgumentException("fusion needs --candidates K > 0");
        }
        List<List<Fused>> out = new ArrayList<>(items.size());
        List<Integer> toScore = new ArrayList<>();
        List<Integer> toGenerate = new ArrayList<>();
        List<GenerativeLinker.Marked> marked = new ArrayList<>();
        List<List<TfIdfLinker.Candidate>> retrieved = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            CorpusExamples.Item item = items.get(i);
            String code = exactCode(item);
            if (code != null) {
                out.add(List.of(new Fused(new Linker.Candidate(List.of(code.split("\\+")), item.example().mention(), 1.0, 1),
                        null, Double.NaN, 0)));
                continue;
            }
            out.add(null);
            List<TfIdfLinker.Candidate> top = retrieveScored(item);
            if (top.isEmpty()) {
                toGenerate.add(i);
            } else {
                toScore.add(i);
                retrieved.add(top);
                marked.add(new GenerativeLinker.Marked(item.source(), item.mention(), item.example().group()));
            }
        }
        // the model scores only the mentions whose retrieval is not confident enough to stand alone
        List<Integer> asked = new ArrayList<>();
        for (int j = 0; j < marked.size(); j++) {
            if (!fusion.retrievalStands(retrieved.get(j).get(0).score())) {
                asked.add(j);
            }
        }
        List<Map<String, GenerativeLinker.NameScore>> scores = new ArrayList<>(java.util.Collections.nCopies(marked.size(), Map.of()));
        if (!asked.isEmpty()) {
            List<Map<String, GenerativeLinker.NameScore>> scored = linker.scoreConcepts(asked.stream().map(marked::get).toList(),
                    asked.stream().map(j -> retrieved.get(j).stream().map(TfIdfLinker.Candidate::code).toList()).toList());
            for (int x = 0; x < asked.size(); x++) {
                scores.set(asked.get(x), scored.get(x));
            }
        }
        for (int j = 0; j < toScore.size(); j++) {
            out.set(toScore.get(j), combine(retrieved.get(j), scores.get(j), fusion));
        }
        if (!toGenerate.isEmpty()) {
            List<GenerativeLinker.Marked> rest = toGenerate.stream().map(items::get)
                    .map(it -> new GenerativeLinker.Marked(it.source(), it.mention(), it.example().group())).toList();
            List<List<Linker.Candidate>> generated = linker.linkMarked(rest, fallback);
            for (int j = 0; j < toGenerate.size(); j++) {
                out.set(toGenerate.get(j), generated.get(j).stream().map(c -> new Fused(c, null, Double.NaN, 0)).toList());
            }
        }
        return out;
    }

    /** Ranks one mention's retrieved concepts (best cosine first) by the fused score. */
    public static List<Fused> combine(List<TfIdfLinker.Candidate> retrieved, Map<String, GenerativeLinker.NameScore> model,
            Fusion fusion) {
        int n = retrieved.size();
        double a = n > 0 && fusion.retrievalStands(retrieved.get(0).score()) ? 0 : fusion.weight();
        double[] logP = new double[n];
        for (int r = 0; r < n; r++) {
            GenerativeLinker.NameScore s = model.get(retrieved.get(r).code());
            logP[r] = s == null ? Double.NEGATIVE_INFINITY : s.logProb();
        }
        // model ranks among the candidates, ties (and unscored ones) in retrieval order
        Integer[] byModel = new Integer[n];
        for (int r = 0; r < n; r++) {
            byModel[r] = r;
        }
        java.util.Arrays.sort(byModel, (x, y) -> x.equals(y) ? 0
                : logP[x] != logP[y] ? Double.compare(logP[y], logP[x]) : Integer.compare(x, y));
        int[] modelRank = new int[n];
        for (int k = 0; k < n; k++) {
            modelRank[byModel[k]] = k + 1;
        }
        double[] fused = new double[n];
        for (int r = 0; r < n; r++) {
            double cosine = retrieved.get(r).score();
            fused[r] = switch (fusion.method()) {
                case LINEAR -> a == 0 ? Math.log(cosine)
                        : a == 1 ? logP[r] : a * logP[r] + (1 - a) * Math.log(cosine);
                case RRF -> a / (RRF_K + modelRank[r]) + (1 - a) / (RRF_K + r + 1);
            };
        }
        Integer[] order = new Integer[n];
        for (int r = 0; r < n; r++) {
            order[r] = r;
        }
        // ties (and -inf) in retrieval order
        java.util.Arrays.sort(order, (x, y) -> fused[x] != fused[y] ? Double.compare(fused[y], fused[x]) : Integer.compare(x, y));
        List<Fused> out = new ArrayList<>(n);
        for (int r : order) {
            TfIdfLinker.Candidate c = retrieved.get(r);
            GenerativeLinker.NameScore s = model.get(c.code());
            double score = fusion.method() == FusionMethod.LINEAR ? Math.exp(fused[r]) : fused[r];
            out.add(new Fused(new Linker.Candidate(List.of(c.code()), s != null ? s.name() : c.name(), score, out.size() + 1),
                    s, c.score(), r + 1));
        }
        return out;
    }

    /** The answer of the exact training-mention lookup (as written, then as expanded), or null. */
    String exactCode(CorpusExamples.Item item) {
        String code = exact.get(normalise(item.example().mention()));
        return code != null ? code : exact.get(normalise(item.mention()));
    }

    /**
     * The K concepts with the best TF-IDF cosine for the mention as written and as expanded, over training
     * mentions and KB names (a concept's best cosine; on ties the training mentions, then the mention as
     * written, come first, as the dictionary baseline breaks them).
     */
    List<TfIdfLinker.Candidate> retrieveScored(CorpusExamples.Item item) {
        return retrieve(item, candidates).stream().map(Retrieved::best).toList();
    }

    /**
     * A retrieved concept: its best TF-IDF candidate over both sources and both forms of the mention, and the best
     * cosine each source gave it (0 where that source did not retrieve it); with a dense retriever, the concept's best
     * dense cosine over its names and its rank among the dense top K (0: not among them). A concept only the dense
     * retriever found has its best dense name and a TF-IDF cosine of 0 (below the TF-IDF top K).
     */
    record Retrieved(TfIdfLinker.Candidate best, double kbCosine, double mentionCosine, double denseCosine, int denseRank) {
        Retrieved(TfIdfLinker.Candidate best, double kbCosine, double mentionCosine) {
            this(best, kbCosine, mentionCosine, 0, 0);
        }
    }

    /** Whether a dense retriever takes part in retrieval. */
    public boolean dense() {
        return dense != null;
    }

    /**
     * {@link #retrieve(CorpusExamples.Item, int)} for many items; the dense retriever, when there is one, embeds the
     * mentions (as written and as expanded) in batches and searches each group's forms together (each block of the
     * index is then read once for all of them).
     */
    List<List<Retrieved>> retrieve(List<CorpusExamples.Item> items, int k) {
        Map<String, float[]> vectors = dense == null ? Map.of()
                : dense.embedAll(items.stream().flatMap(i -> java.util.stream.Stream.of(i.example().mention(), i.mention())).toList());
        Map<String, List<TfIdfLinker.Candidate>> nearest = new HashMap<>();
        if (dense != null) {
            Map<String, java.util.Set<String>> formsByGroup = new java.util.LinkedHashMap<>();
            for (CorpusExamples.Item i : items) {
                formsByGroup.computeIfAbsent(groupOf(i), g -> new LinkedHashSet<>()).addAll(forms(i));
            }
            formsByGroup.forEach((group, forms) -> {
                List<String> all = List.copyOf(forms);
                for (int at = 0; at < all.size(); at += DenseRetriever.BATCH) {
                    List<String> batch = all.subList(at, Math.min(all.size(), at + DenseRetriever.BATCH));
                    List<List<TfIdfLinker.Candidate>> found = dense.topK(batch.stream().map(vectors::get).toArray(float[][]::new), group, k);
                    for (int j = 0; j < batch.size(); j++) {
                        nearest.put(group + '\t' + batch.get(j), found.get(j));
                    }
                }
            });
        }
        return items.stream().map(i -> retrieve(i, k, vectors, nearest)).toList();
    }

    /** The group a mention is retrieved in: the KB's only group, else the mention's. */
    private String groupOf(CorpusExamples.Item item) {
        return kb.groups().size() == 1 ? kb.groups().iterator().next() : item.example().group();
    }

    /** The mention as written and as expanded (once when they are the same). */
    private static List<String> forms(CorpusExamples.Item item) {
        return new ArrayList<>(new LinkedHashSet<>(List.of(item.example().mention(), item.mention())));
    }

    /** The top-{@code k} concepts as {@link #retrieveScored} ranks them, with each source's cosine. */
    List<Retrieved> retrieve(CorpusExamples.Item item, int k) {
        return retrieve(List.of(item), k).get(0);
    }

    /**
     * The TF-IDF top K (unchanged by the dense retriever), then the dense top K concepts TF-IDF did not find, in dense
     * order; {@code vectors} holds the embedded mention forms when there is a dense retriever, {@code nearest} each
     * form's dense top K (keyed by group, tab, form).
     */
    private List<Retrieved> retrieve(CorpusExamples.Item item, int k, Map<String, float[]> vectors,
            Map<String, List<TfIdfLinker.Candidate>> nearest) {
        List<Retrieved> tfidf = retrieveTfIdf(item, k);
        if (dense == null) {
            return tfidf;
        }
        String group = groupOf(item);
        List<String> forms = forms(item);
        float[][] queries = forms.stream().map(vectors::get).toArray(float[][]::new);
        // the dense top K over both forms: a concept's best cosine, ties by code
        Map<String, TfIdfLinker.Candidate> denseBest = new HashMap<>();
        for (String form : forms) {
            for (TfIdfLinker.Candidate c : nearest.get(group + '\t' + form)) {
                denseBest.merge(c.code(), c, (a, b) -> b.score() > a.score() ? b : a);
            }
        }
        List<TfIdfLinker.Candidate> denseRanked = denseBest.values().stream()
                .sorted(java.util.Comparator.comparingDouble(TfIdfLinker.Candidate::score).reversed()
                        .thenComparing(TfIdfLinker.Candidate::code))
                .limit(k).toList();
        Map<String, Integer> denseRank = new HashMap<>();
        for (int r = 0; r < denseRanked.size(); r++) {
            denseRank.put(denseRanked.get(r).code(), r + 1);
        }
        List<Retrieved> out = new ArrayList<>(tfidf.size() + denseRanked.size());
        Set<String> seen = new java.util.HashSet<>();
        for (Retrieved r : tfidf) {
            String code = r.best().code();
            seen.add(code);
            out.add(new Retrieved(r.best(), r.kbCosine(), r.mentionCosine(), denseCosine(queries, code),
                    denseRank.getOrDefault(code, 0)));
        }
        for (TfIdfLinker.Candidate c : denseRanked) {
            if (seen.add(c.code())) {
                out.add(new Retrieved(new TfIdfLinker.Candidate(c.code(), c.name(), c.group(), 0), 0, 0, c.score(),
                        denseRank.get(c.code())));
            }
        }
        return out;
    }

    /** The concept's best dense cosine over its names and the mention's forms. */
    private double denseCosine(float[][] queries, String code) {
        double best = 0;
        for (float[] q : queries) {
            best = Math.max(best, dense.cosine(q, code));
        }
        return best;
    }

    /** The TF-IDF top-{@code k} concepts, with each source's cosine. */
    private List<Retrieved> retrieveTfIdf(CorpusExamples.Item item, int k) {
        String group = groupOf(item);
        Map<String, TfIdfLinker.Candidate> best = new java.util.LinkedHashMap<>();
        Map<String, double[]> bySource = new HashMap<>(); // code -> {KB names, training mentions}
        for (TfIdfLinker retriever : List.of(mentionRetriever, kbRetriever)) {
            int source = retriever == kbRetriever ? 0 : 1;
            for (String mention : forms(item)) {
                for (TfIdfLinker.Candidate c : retriever.topK(mention, group, k)) {
                    TfIdfLinker.Candidate known = best.get(c.code());
                    if (known == null || c.score() > known.score() + 1e-9) {
                        best.put(c.code(), c);
                    }
                    double[] cosines = bySource.computeIfAbsent(c.code(), x -> new double[2]);
                    cosines[source] = Math.max(cosines[source], c.score());
                }
            }
        }
        List<TfIdfLinker.Candidate> ranked = new ArrayList<>(best.values());
        // stable sort: equal cosines keep the insertion order above
        ranked.sort((x, y) -> Double.compare(y.score(), x.score()));
        return ranked.subList(0, Math.min(k, ranked.size())).stream()
                .map(c -> new Retrieved(c, bySource.get(c.code())[0], bySource.get(c.code())[1])).toList();
    }

    /** The re-ranker's view of the candidates, composites read (what a re-ranker is fit on now). */
    public CandidateFeatures features() {
        return features(true);
    }

    /**
     * The re-ranker's view of the candidates, with or without the candidates coordinated mentions' parts name
     * together (a re-ranker fit before they existed reads none); built on first use: word statistics of the whole KB.
     */
    public synchronized CandidateFeatures features(boolean composites) {
        return features.computeIfAbsent(composites,
                c -> new CandidateFeatures(kb, dictionary, this::retrieve, this::exactCode, dense != null, c));
    }

    /**
     * Ranks each mention's top-K TF-IDF concepts, and the codes a training mention written as it was annotated with,
     * with a learned re-ranker ({@link Reranker}); the model scores the candidates only when the re-ranker has a
     * model layer. The
     * items are read as documents: a candidate that other mentions of the same document point to gains (the
     * caller passes whole documents). Scores are the softmax probabilities over the mention's candidates.
     */
    public List<List<Fused>> rerank(List<CorpusExamples.Item> items, Reranker reranker, Linker.Options fallback) {
        CandidateFeatures features = features(reranker.usesComposites());
        if (!reranker.base().features().equals(features.names())) {
            throw new IllegalArgumentException(reranker.usesDense()
                    ? "this re-ranker was learnt with dense-retrieval features " + CandidateFeatures.DENSE
                            + " but no dense retriever was given"
                    : "this re-ranker was learnt without dense-retrieval features: link without the dense retriever, or fit it"
                            + " again with it (`syncabel rerank`)");
        }
        List<CandidateFeatures.Listing> listings = features.listings(items, reranker.candidates());
        List<Integer> toScore = new ArrayList<>();
        for (int i = 0; i < listings.size(); i++) {
            if (!listings.get(i).codes().isEmpty() && reranker.usesModel()) {
                toScore.add(i);
            }
        }
        List<Map<String, GenerativeLinker.NameScore>> scores = new ArrayList<>(java.util.Collections.nCopies(items.size(), Map.of()));
        if (!toScore.isEmpty()) {
            List<Map<String, GenerativeLinker.NameScore>> scored = linker.scoreConcepts(
                    toScore.stream().map(i -> GenerativeLinker.marked(items.get(i))).toList(),
                    toScore.stream().map(i -> listings.get(i).codes()).toList());
            for (int x = 0; x < toScore.size(); x++) {
                scores.set(toScore.get(x), scored.get(x));
            }
        }
        List<List<Fused>> out = new ArrayList<>(items.size());
        List<Integer> toGenerate = new ArrayList<>();
        for (int i = 0; i < listings.size(); i++) {
            CandidateFeatures.Listing l = listings.get(i);
            if (l.codes().isEmpty()) {
                out.add(null);
                toGenerate.add(i);
            } else {
                out.add(ranked(l, reranker, scores.get(i)));
            }
        }
        if (!toGenerate.isEmpty()) {
            List<List<Linker.Candidate>> generated = linker.linkMarked(toGenerate.stream().map(i -> GenerativeLinker.marked(items.get(i))).toList(),
                    fallback);
            for (int j = 0; j < toGenerate.size(); j++) {
                out.set(toGenerate.get(j), generated.get(j).stream().map(c -> new Fused(c, null, Double.NaN, 0)).toList());
            }
        }
        return out;
    }

    /** One mention's candidates by re-ranker score (ties in retrieval order), scores as softmax probabilities. */
    static List<Fused> ranked(CandidateFeatures.Listing l, Reranker reranker, Map<String, GenerativeLinker.NameScore> model) {
        double[] score = reranker.usesModel() ? CandidateFeatures.withModel(l, reranker.base(), model).stream()
                .mapToDouble(reranker.model()::score).toArray()
                : java.util.Arrays.stream(l.base()).mapToDouble(reranker.base()::score).toArray();
        double max = java.util.Arrays.stream(score).max().orElse(0);
        double sum = java.util.Arrays.stream(score).map(s -> Math.exp(s - max)).sum();
        Integer[] order = new Integer[score.length];
        for (int r = 0; r < order.length; r++) {
            order[r] = r;
        }
        java.util.Arrays.sort(order, (x, y) -> score[x] != score[y] ? Double.compare(score[y], score[x]) : Integer.compare(x, y));
        List<Fused> out = new ArrayList<>(order.length);
        for (int r : order) {
            GenerativeLinker.NameScore s = model.get(l.codes().get(r));
            out.add(new Fused(new Linker.Candidate(List.of(l.codes().get(r).split("\\+")), s != null ? s.name() : l.names().get(r),
                    Math.exp(score[r] - max) / sum, out.size() + 1), s, l.base()[r][CandidateFeatures.COSINE], r + 1));
        }
        return out;
    }

    /**
     * The top-K concepts for the mention as written and as expanded, from KB names and training mentions (and the
     * dense retriever's, when there is one).
     */
    private Set<String> retrieve(CorpusExamples.Item item) {
        Set<String> codes = new LinkedHashSet<>();
        if (candidates <= 0) {
            return codes;
        }
        String group = groupOf(item);
        for (String mention : forms(item)) {
            for (TfIdfLinker retriever : List.of(mentionRetriever, kbRetriever)) {
                for (TfIdfLinker.Candidate c : retriever.topK(mention, group, candidates)) {
                    codes.add(c.code());
                }
            }
        }
        if (dense != null) { // the dense top K join the constraint
            retrieve(item, candidates).forEach(r -> codes.add(r.best().code()));
        }
        return codes;
    }
}
