package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How well a dense retriever finds concepts, on its own and beside TF-IDF, in the terms of issue 15's figures:
 * Recall@1 and @k of the dense retriever alone over every mention, and on the mentions the training dictionary
 * does not hold (the ones retrieval must really find) the share whose gold concept is among the first k of TF-IDF
 * alone and of the merged list (TF-IDF and dense ranks interleaved, duplicates dropped); and Recall@1 and @k when
 * the training mentions are searched beside the KB's names (BioSyn's and SapBERT's NCBI protocol, their dictionary
 * holding the training mentions). A composite gold
 * ({@code A+B}) counts as found only when one candidate carries all of it, so composites count as misses here.
 */
public final class DenseEvaluation {

    /** The figures, in percent; {@code queryMs}: mean milliseconds to embed and search one mention. */
    public record Figures(int mentions, double recallAt1, double recallAtK, int unseenMentions, double tfidfRecallAtKUnseen,
            double mergedRecallAtKUnseen, double denseRecallAtKUnseen, double queryMs, double dictionaryRecallAt1,
            double dictionaryRecallAtK) {
    }

    private DenseEvaluation() {
    }

    public static Figures evaluate(KnowledgeBase kb, DenseRetriever dense, MentionDictionary dictionary,
            List<CorpusExamples.Item> test, int k) {
        TfIdfLinker tfidf = kb.linker();
        boolean oneGroup = kb.groups().size() == 1;
        // BioSyn's and SapBERT's protocol: the KB's names and the training mentions searched together
        DenseRetriever mentions = dense.over(dictionary.rows(kb.groups()));
        int top1 = 0, topK = 0, unseen = 0, tfidfK = 0, mergedK = 0, denseKUnseen = 0, dictTop1 = 0, dictTopK = 0;
        long nanos = 0;
        int batch = 64;
        for (int at = 0; at < test.size(); at += batch) {
            List<CorpusExamples.Item> items = test.subList(at, Math.min(test.size(), at + batch));
            long start = System.nanoTime();
            float[][] vectors = dense.embed(items.stream().map(CorpusExamples.Item::mention).toList());
            List<List<TfIdfLinker.Candidate>> found = search(dense, items, vectors, oneGroup, k);
            nanos += System.nanoTime() - start;
            List<List<TfIdfLinker.Candidate>> nearMentions = search(mentions, items, vectors, oneGroup, k);
            for (int i = 0; i < items.size(); i++) {
                CorpusExamples.Item item = items.get(i);
                Set<String> gold = gold(item);
                List<String> denseCodes = found.get(i).stream().map(TfIdfLinker.Candidate::code).toList();
                top1 += !denseCodes.isEmpty() && gold.contains(denseCodes.get(0)) ? 1 : 0;
                boolean denseHit = hit(denseCodes, gold);
                topK += denseHit ? 1 : 0;
                List<String> dictCodes = nearest(found.get(i), nearMentions.get(i), k);
                dictTop1 += !dictCodes.isEmpty() && gold.contains(dictCodes.get(0)) ? 1 : 0;
                dictTopK += hit(dictCodes, gold) ? 1 : 0;
                if (dictionary.votes().containsKey(HybridLinking.normalise(item.example().mention()))) {
                    continue;
                }
                unseen++;
                String group = oneGroup ? null : item.example().group();
                List<String> tfidfCodes = tfidf.topK(item.mention(), group, k).stream().map(TfIdfLinker.Candidate::code).toList();
                tfidfK += hit(tfidfCodes, gold) ? 1 : 0;
                denseKUnseen += denseHit ? 1 : 0;
                mergedK += hit(interleave(tfidfCodes, denseCodes, k), gold) ? 1 : 0;
            }
        }
        return new Figures(test.size(), pct(top1, test.size()), pct(topK, test.size()), unseen, pct(tfidfK, unseen),
                pct(mergedK, unseen), pct(denseKUnseen, unseen), test.isEmpty() ? 0 : nanos / 1e6 / test.size(),
                pct(dictTop1, test.size()), pct(dictTopK, test.size()));
    }

    /** Each group's mentions of the batch searched together, as the linker does; answers in the items' order. */
    private static List<List<TfIdfLinker.Candidate>> search(DenseRetriever dense, List<CorpusExamples.Item> items,
            float[][] vectors, boolean oneGroup, int k) {
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            byGroup.computeIfAbsent(oneGroup ? "" : items.get(i).example().group(), g -> new ArrayList<>()).add(i);
        }
        List<List<TfIdfLinker.Candidate>> found = new ArrayList<>(Collections.nCopies(items.size(), null));
        byGroup.forEach((group, at) -> {
            float[][] queries = at.stream().map(i -> vectors[i]).toArray(float[][]::new);
            List<List<TfIdfLinker.Candidate>> hits = dense.topK(queries, oneGroup ? null : group, k);
            for (int j = 0; j < at.size(); j++) {
                found.set(at.get(j), hits.get(j));
            }
        });
        return found;
    }

    /** The codes of both lists by score (each code at its best), cut at k: one search over both sets of names. */
    static List<String> nearest(List<TfIdfLinker.Candidate> a, List<TfIdfLinker.Candidate> b, int k) {
        Map<String, Double> best = new LinkedHashMap<>();
        for (TfIdfLinker.Candidate c : a) {
            best.merge(c.code(), c.score(), Math::max);
        }
        for (TfIdfLinker.Candidate c : b) {
            best.merge(c.code(), c.score(), Math::max);
        }
        return best.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(k).map(Map.Entry::getKey).toList();
    }

    /** a1, b1, a2, b2 ... without repeats, cut at k: each source gets an equal share of the list. */
    static List<String> interleave(List<String> a, List<String> b, int k) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int r = 0; out.size() < k && (r < a.size() || r < b.size()); r++) {
            if (r < a.size()) {
                out.add(a.get(r));
            }
            if (out.size() < k && r < b.size()) {
                out.add(b.get(r));
            }
        }
        return List.copyOf(out);
    }

    private static Set<String> gold(CorpusExamples.Item item) {
        return Set.of(item.example().code());
    }

    private static boolean hit(List<String> codes, Set<String> gold) {
        for (String c : codes) {
            if (gold.contains(c)) {
                return true;
            }
        }
        return false;
    }

    private static double pct(int n, int of) {
        return of == 0 ? 0 : Math.round(1000.0 * n / of) / 10.0;
    }
}
