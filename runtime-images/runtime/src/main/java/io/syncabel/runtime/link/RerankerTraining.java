package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a {@link Reranker}: a linear listwise model (softmax over each mention's candidates, cross-entropy on the
 * gold one, L2 on standardised weights), by full-batch Adam. A dozen weights over a few thousand lists: plain
 * arithmetic is exact, deterministic and takes a second, so no engine is involved.
 */
public final class RerankerTraining {
    private RerankerTraining() {
    }

    /** One mention's candidate feature vectors and the index of its gold candidate. */
    public record ListExample(List<double[]> candidates, int gold) {
    }

    /** L2 strength on the standardised weights, and Adam's steps and rate: fixed, not tuned per corpus. */
    static final double L2 = 1e-3;
    static final int STEPS = 400;
    static final double RATE = 0.05;

    /** Defaults: TF-IDF candidates per mention and document folds of the leave-documents-out dictionary. */
    public static final int CANDIDATES = 20;
    public static final int FOLDS = 5;

    /**
     * A fitted re-ranker and how it fared on the lists it learnt from (shares in [0, 1]; NaN without dev lists):
     * {@code devTop1WithModel} in-sample, {@code devTop1WithModelHeldOut} with the model layer of each fold of dev
     * documents fit on the others (NaN with fewer than two dev documents); {@code modelLayerDropped}: a model layer
     * was fit and left out, as {@link ModelLayer#AUTO} does when it does not earn its place.
     */
    public record Fitted(Reranker reranker, int baseLists, double baseTop1, int devLists, double devTop1WithoutModel,
            double devTop1WithModel, double devTop1WithModelHeldOut, boolean modelLayerDropped) {
    }

    /** What the fit does with the model layer. */
    public enum ModelLayer {
        /**
         * Kept only when, fit on the other dev documents, it ranks held-out dev documents better than the base layer
         * alone: the generator must earn its place (where it does not, linking also runs 4x faster without it).
         */
        AUTO,
        /** Always kept (where dev lists exist): the pipeline of earlier releases. */
        ALWAYS
    }

    /**
     * Fits both layers: the model-free one on {@code train} (leave-documents-out), the model one on {@code dev}
     * mentions scored by {@code model} (skipped when either is absent or no dev list has its gold among the
     * candidates), retrieved with all training mentions as dictionary.
     */
    public static Fitted fit(KnowledgeBase kb, List<CorpusExamples.Item> train, List<CorpusExamples.Item> dev,
            GenerativeLinker model, int k, int folds) {
        return fit(kb, train, dev, model, k, folds, null);
    }

    /**
     * As above with a dense retriever (null: none): its candidates join each list and the base layer also learns
     * {@link CandidateFeatures#DENSE}; the re-ranker then needs the same retriever at link time.
     */
    public static Fitted fit(KnowledgeBase kb, List<CorpusExamples.Item> train, List<CorpusExamples.Item> dev,
            GenerativeLinker model, int k, int folds, DenseRetriever dense) {
        return fit(kb, train, dev, model, k, folds, dense, ModelLayer.AUTO);
    }

    /** As above, keeping the model layer as {@code modelLayer} says. */
    public static Fitted fit(KnowledgeBase kb, List<CorpusExamples.Item> train, List<CorpusExamples.Item> dev,
            GenerativeLinker model, int k, int folds, DenseRetriever dense, ModelLayer modelLayer) {
        List<ListExample> baseLists = baseExamples(kb, train, k, folds, dense);
        Reranker.Layer base = fit(CandidateFeatures.base(dense != null), baseLists);
        Reranker.Layer withModel = null;
        int devLists = 0;
        double before = Double.NaN;
        double after = Double.NaN;
        double heldOut = Double.NaN;
        boolean dropped = false;
        if (model != null && dev != null && !dev.isEmpty()) {
            HybridLinking hybrid = new HybridLinking(model, kb, MentionDictionary.of(train), k, dense);
            List<String> documents = new ArrayList<>();
            List<ListExample> lists = modelExamples(hybrid, model, dev, base, k, documents);
            if (!lists.isEmpty()) {
                ModelLayerFit m = fitModelLayer(lists, documents, folds, modelLayer);
                withModel = m.layer();
                devLists = lists.size();
                before = m.baseAlone();
                after = m.inSample();
                heldOut = m.heldOut();
                dropped = m.dropped();
            }
        }
        return new Fitted(new Reranker(k, base, withModel), baseLists.size(), top1(baseLists, base), devLists, before, after,
                heldOut, dropped);
    }

    /**
     * The model layer fit on the dev lists and its top-1 figures (shares): the base layer alone, the layer in-sample
     * and held out ({@link #heldOutTop1}); {@code layer} is null when {@code rule} drops it.
     */
    record ModelLayerFit(Reranker.Layer layer, double baseAlone, double inSample, double heldOut, boolean dropped) {
    }

    static ModelLayerFit fitModelLayer(List<ListExample> lists, List<String> documents, int folds, ModelLayer rule) {
        Reranker.Layer layer = fit(CandidateFeatures.MODEL, lists);
        double base = top1(lists, baseAlone());
        double heldOut = heldOutTop1(lists, documents, folds);
        // it must do better than the base layer on documents it did not learn from; with fewer than two dev documents
        // nothing can be held out, and it is kept as before
        boolean earns = Double.isNaN(heldOut) || heldOut > base;
        boolean dropped = rule == ModelLayer.AUTO && !earns;
        return new ModelLayerFit(dropped ? null : layer, base, top1(lists, layer), heldOut, dropped);
    }

    /** Each document's fold: documents dealt round-robin in order of first appearance. */
    static Map<String, Integer> documentFolds(List<String> documents, int folds) {
        Map<String, Integer> foldOf = new LinkedHashMap<>();
        documents.forEach(d -> foldOf.computeIfAbsent(d, x -> foldOf.size() % folds));
        return foldOf;
    }

    /**
     * Top-1 of the model layer on dev lists it did not learn from: the dev documents in {@code folds} groups (fewer
     * when there are fewer documents), each group ranked by a layer fit on the others; NaN with one document.
     */
    static double heldOutTop1(List<ListExample> lists, List<String> documents, int folds) {
        Map<String, Integer> foldOf = documentFolds(documents, folds);
        int groups = Math.min(folds, foldOf.size());
        if (groups < 2) {
            return Double.NaN;
        }
        int right = 0;
        for (int f = 0; f < groups; f++) {
            List<ListExample> held = new ArrayList<>();
            List<ListExample> others = new ArrayList<>();
            for (int i = 0; i < lists.size(); i++) {
                (foldOf.get(documents.get(i)) == f ? held : others).add(lists.get(i));
            }
            if (!held.isEmpty()) {
                right += Math.round(top1(held, fit(CandidateFeatures.MODEL, others)) * held.size());
            }
        }
        return (double) right / lists.size();
    }

    /** The model layer's view of the base layer alone: all weight on the base score. */
    static Reranker.Layer baseAlone() {
        double[] w = new double[CandidateFeatures.MODEL.size()];
        double[] std = new double[w.length];
        java.util.Arrays.fill(std, 1);
        w[0] = 1;
        return new Reranker.Layer(CandidateFeatures.MODEL, new double[w.length], std, w);
    }

    /** The mention's training list, or null when its gold is not a candidate. */
    static ListExample example(CandidateFeatures.Listing l, List<double[]> vectors) {
        // a composite gold may be listed in another order than it was annotated
        int gold = CandidateFeatures.indexOfSameCodes(l.codes(), l.item().example().code());
        return gold < 0 ? null : new ListExample(vectors, gold);
    }

    /**
     * The base layer's lists from training items, each mention's candidates retrieved with a dictionary of the
     * training mentions of the other documents ({@code folds} groups of documents): mentions are then looked up
     * and retrieved as unseen test mentions are, not against their own annotation.
     */
    public static List<ListExample> baseExamples(KnowledgeBase kb, List<CorpusExamples.Item> train, int k, int folds) {
        return baseExamples(kb, train, k, folds, null);
    }

    /** As above, with a dense retriever's candidates and features (null: none). */
    public static List<ListExample> baseExamples(KnowledgeBase kb, List<CorpusExamples.Item> train, int k, int folds,
            DenseRetriever dense) {
        Map<String, Integer> foldOf = documentFolds(train.stream().map(i -> i.example().document()).toList(), folds);
        List<ListExample> out = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            int fold = f;
            List<CorpusExamples.Item> held = train.stream().filter(i -> foldOf.get(i.example().document()) == fold).toList();
            List<CorpusExamples.Item> others = train.stream().filter(i -> foldOf.get(i.example().document()) != fold).toList();
            HybridLinking retrieval = new HybridLinking(null, kb, MentionDictionary.of(others), k, dense);
            for (CandidateFeatures.Listing l : retrieval.features().listings(held, k)) {
                ListExample e = example(l, List.of(l.base()));
                if (e != null) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * The model layer's lists from mentions the model never trained on, retrieved with {@code hybrid}'s
     * dictionary (the training mentions) and scored by its model.
     */
    public static List<ListExample> modelExamples(HybridLinking hybrid, GenerativeLinker model, List<CorpusExamples.Item> dev,
            Reranker.Layer base, int k) {
        return modelExamples(hybrid, model, dev, base, k, new ArrayList<>());
    }

    /** As above; each list's document is appended to {@code documents}, in the lists' order. */
    static List<ListExample> modelExamples(HybridLinking hybrid, GenerativeLinker model, List<CorpusExamples.Item> dev,
            Reranker.Layer base, int k, List<String> documents) {
        List<CandidateFeatures.Listing> listings = hybrid.features().listings(dev, k);
        List<CandidateFeatures.Listing> ranked = listings.stream().filter(l -> !l.codes().isEmpty()).toList();
        List<Map<String, GenerativeLinker.NameScore>> scores = model.scoreConcepts(
                ranked.stream().map(l -> new GenerativeLinker.Marked(l.item().source(), l.item().mention(), l.item().example().group()))
                        .toList(),
                ranked.stream().map(CandidateFeatures.Listing::codes).toList());
        List<ListExample> out = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            ListExample e = example(ranked.get(i), CandidateFeatures.withModel(ranked.get(i), base, scores.get(i)));
            if (e != null) {
                out.add(e);
                documents.add(ranked.get(i).item().example().document());
            }
        }
        return out;
    }

    /** Fits one layer over the lists. */
    public static Reranker.Layer fit(List<String> features, List<ListExample> lists) {
        if (lists.isEmpty()) {
            throw new IllegalArgumentException("no mention whose gold concept is among its candidates: nothing to learn from");
        }
        int d = features.size();
        double[] mean = new double[d];
        double[] std = new double[d];
        long rows = 0;
        for (ListExample l : lists) {
            for (double[] x : l.candidates()) {
                for (int f = 0; f < d; f++) {
                    mean[f] += x[f];
                }
                rows++;
            }
        }
        for (int f = 0; f < d; f++) {
            mean[f] /= rows;
        }
        for (ListExample l : lists) {
            for (double[] x : l.candidates()) {
                for (int f = 0; f < d; f++) {
                    std[f] += (x[f] - mean[f]) * (x[f] - mean[f]);
                }
            }
        }
        for (int f = 0; f < d; f++) {
            std[f] = Math.sqrt(std[f] / rows);
            if (!(std[f] > 1e-9)) {
                std[f] = 1; // a constant feature: its weight stays 0 under L2
            }
        }
        double[] w = new double[d];
        double[] m = new double[d];
        double[] v = new double[d];
        for (int step = 1; step <= STEPS; step++) {
            double[] grad = gradient(lists, w, mean, std);
            for (int f = 0; f < d; f++) {
                double g = grad[f] + 2 * L2 * w[f];
                m[f] = 0.9 * m[f] + 0.1 * g;
                v[f] = 0.999 * v[f] + 0.001 * g * g;
                double mHat = m[f] / (1 - Math.pow(0.9, step));
                double vHat = v[f] / (1 - Math.pow(0.999, step));
                w[f] -= RATE * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        return new Reranker.Layer(List.copyOf(features), mean, std, w);
    }

    /** Mean listwise cross-entropy of the lists under the weights (standardised inputs). */
    static double loss(List<ListExample> lists, Reranker.Layer layer) {
        double total = 0;
        for (ListExample l : lists) {
            double[] s = l.candidates().stream().mapToDouble(layer::score).toArray();
            double max = java.util.Arrays.stream(s).max().orElse(0);
            double logSum = max + Math.log(java.util.Arrays.stream(s).map(x -> Math.exp(x - max)).sum());
            total += logSum - s[l.gold()];
        }
        return total / lists.size();
    }

    private static double[] gradient(List<ListExample> lists, double[] w, double[] mean, double[] std) {
        int d = w.length;
        double[] grad = new double[d];
        for (ListExample l : lists) {
            int n = l.candidates().size();
            double[][] z = new double[n][d];
            double[] s = new double[n];
            for (int r = 0; r < n; r++) {
                double[] x = l.candidates().get(r);
                for (int f = 0; f < d; f++) {
                    z[r][f] = (x[f] - mean[f]) / std[f];
                    s[r] += w[f] * z[r][f];
                }
            }
            double max = java.util.Arrays.stream(s).max().orElse(0);
            double sum = 0;
            for (int r = 0; r < n; r++) {
                s[r] = Math.exp(s[r] - max);
                sum += s[r];
            }
            for (int r = 0; r < n; r++) {
                double p = s[r] / sum - (r == l.gold() ? 1 : 0);
                for (int f = 0; f < d; f++) {
                    grad[f] += p * z[r][f];
                }
            }
        }
        for (int f = 0; f < d; f++) {
            grad[f] /= lists.size();
        }
        return grad;
    }

    /** Share of the lists whose gold candidate scores highest (ties: the earlier candidate wins, as ranking does). */
    public static double top1(List<ListExample> lists, Reranker.Layer layer) {
        long right = lists.stream().filter(l -> {
            double[] s = l.candidates().stream().mapToDouble(layer::score).toArray();
            int best = 0;
            for (int r = 1; r < s.length; r++) {
                if (s[r] > s[best]) {
                    best = r;
                }
            }
            return best == l.gold();
        }).count();
        return (double) right / lists.size();
    }
}
