package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.syncabel.runtime.link.DenseIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** SapBERT-style fine-tuning: a tiny retriever learns the synonyms of a synthetic KB. */
class SapBertTrainingTest {
    static final int VOCAB = 1024;
    static final int HIDDEN = 32;
    static final int LENGTH = 8;

    /** A toy encoder: one vector per hashed word (the stand-in for BERT's last hidden states). */
    static final class WordBlock extends AbstractBlock {
        final Parameter weight;

        WordBlock() {
            weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(VOCAB, HIDDEN)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray w = store.getValue(weight, inputs.head().getDevice(), training);
            return new NDList(inputs.get(0).oneHot(VOCAB).matMul(w));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {new Shape(inputs[0].get(0), inputs[0].get(1), HIDDEN)};
        }
    }

    /** Words hashed to ids 1..VOCAB-1, padded with 0: [ids, mask], as the BERT tokenizer's contract gives. */
    static final BiFunction<NDManager, List<String>, NDList> TOKENIZE = (manager, texts) -> {
        long[] ids = new long[texts.size() * LENGTH];
        long[] mask = new long[ids.length];
        for (int i = 0; i < texts.size(); i++) {
            String[] words = texts.get(i).toLowerCase(Locale.ROOT).split("\\s+");
            for (int t = 0; t < Math.min(LENGTH, words.length); t++) {
                ids[i * LENGTH + t] = 1 + Math.floorMod(words[t].hashCode(), VOCAB - 1);
                mask[i * LENGTH + t] = 1;
            }
        }
        Shape shape = new Shape(texts.size(), LENGTH);
        return new NDList(manager.create(ids, shape), manager.create(mask, shape));
    };

    /** Masked mean of the word vectors, L2-normalised. */
    static final BiFunction<NDList, NDList, NDArray> POOL = (inputs, outputs) -> {
        NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray mean = outputs.get(0).mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
        return mean.div(mean.norm(new int[] {1}, true).add(1e-6f));
    };

    /**
     * A KB of concepts whose names are "f a f b f": a and b are the concept's own words, each with aliases (the
     * synonyms a retriever must learn), f words shared by all concepts (the noise it must learn to ignore).
     */
    record Kb(List<SapBertTraining.Pair> train, List<SapBertTraining.Pair> heldOut) {
    }

    static Kb kb(int concepts, long seed) {
        Random random = new Random(seed);
        String[] fillers = {"disease", "syndrome", "disorder", "type", "familial", "chronic", "acute", "of", "the", "with"};
        List<SapBertTraining.Pair> train = new ArrayList<>();
        List<SapBertTraining.Pair> heldOut = new ArrayList<>();
        for (int c = 0; c < concepts; c++) {
            String code = "C" + c;
            String[] a = {word(random), word(random), word(random)};
            String[] b = {word(random), word(random)};
            int[][] seen = {{0, 0}, {1, 1}, {2, 0}, {0, 1}};
            int[][] unseen = {{1, 0}, {2, 1}};
            for (int[] ab : seen) {
                train.add(new SapBertTraining.Pair(name(random, fillers, a[ab[0]], b[ab[1]]), code));
            }
            for (int[] ab : unseen) {
                heldOut.add(new SapBertTraining.Pair(name(random, fillers, a[ab[0]], b[ab[1]]), code));
            }
        }
        return new Kb(train, heldOut);
    }

    static String word(Random random) {
        char[] w = new char[6];
        for (int i = 0; i < w.length; i++) {
            w[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(w);
    }

    static String name(Random random, String[] fillers, String a, String b) {
        return String.join(" ", fillers[random.nextInt(fillers.length)], fillers[random.nextInt(fillers.length)], a,
                fillers[random.nextInt(fillers.length)], b, fillers[random.nextInt(fillers.length)]);
    }

    /** Share of held-out names whose nearest training name (flat index) belongs to their concept. */
    static double recallAt1(WordBlock block, Kb kb, NDManager manager) {
        List<String> names = kb.train().stream().map(SapBertTraining.Pair::text).toList();
        float[][] stored = SapBertTraining.embed(block, TOKENIZE, POOL, names, 64, manager);
        DenseIndex index = DenseIndex.of(DenseIndex.Storage.FLOAT16, HIDDEN, Arrays.asList(stored));
        float[][] queries = SapBertTraining.embed(block, TOKENIZE, POOL, kb.heldOut().stream().map(SapBertTraining.Pair::text).toList(),
                64, manager);
        DenseIndex.Hits[] hits = index.search(queries, 1);
        int right = 0;
        for (int q = 0; q < queries.length; q++) {
            if (kb.train().get(hits[q].rows()[0]).code().equals(kb.heldOut().get(q).code())) {
                right++;
            }
        }
        return (double) right / queries.length;
    }

    @Test
    void aTinyRetrieverLearnsSynonymsOnASlice() {
        Kb kb = kb(60, 7);
        try (NDManager manager = NDManager.newBaseManager()) {
            WordBlock block = new WordBlock();
            block.setInitializer(new NormalInitializer(1f), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, LENGTH), new Shape(1, LENGTH));
            double before = recallAt1(block, kb, manager);
            java.io.StringWriter log = new java.io.StringWriter();
            SapBertTraining.Settings settings = new SapBertTraining.Settings(300, 16, 4, 0.05f, 0.01f, 0.1f, 1f, 3);
            SapBertTraining.Result result = SapBertTraining.train(block, TOKENIZE, POOL, kb.train(), settings, null, manager,
                    new java.io.PrintWriter(log, true));
            double after = recallAt1(block, kb, manager);
            System.out.printf(Locale.ROOT, "sapbert toy: recall@1 before %.3f after %.3f, loss %.4f -> %.4f%n", before, after,
                    result.firstLoss(), result.lastLoss());
            assertThat(after).as("held-out synonyms found after training").isGreaterThanOrEqualTo(0.85);
            assertThat(after - before).as("gain from training (before %.3f)", before).isGreaterThan(0.25);
            assertThat(result.lastLoss()).isLessThan(result.firstLoss());
            assertThat(log.toString()).contains("sapbert: step 1/300 loss").contains("steps/min, eta")
                    .contains("step 300/300");
        }
    }

    @Test
    void theLossIsLowWhenSynonymsAreCloseAndNeedsTwoNamesOfAConcept() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // two concepts, two names each: well separated vs. mixed up
            NDArray separated = manager.create(new float[] {1, 0, 1, 0, 0, 1, 0, 1}, new Shape(4, 2));
            NDArray mixed = manager.create(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, new Shape(4, 2));
            int[] labels = {0, 0, 1, 1};
            float good = SapBertTraining.multiSimilarityLoss(separated, labels).getFloat();
            float bad = SapBertTraining.multiSimilarityLoss(mixed, labels).getFloat();
            assertThat(good).isLessThan(0.01f);
            assertThat(bad).isGreaterThan(0.5f);
        }
        assertThatThrownBy(() -> SapBertTraining.train(new WordBlock(), TOKENIZE, POOL,
                List.of(new SapBertTraining.Pair("a", "C1"), new SapBertTraining.Pair("b", "C2")),
                new SapBertTraining.Settings(1, 2, 2, 0.1f, 0, 0, 0, 1), null, null, null)).hasMessageContaining("no concept has two names");
    }
}
