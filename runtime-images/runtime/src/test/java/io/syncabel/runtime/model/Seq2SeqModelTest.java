package io.syncabel.runtime.model;

import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.syncabel.runtime.link.StepDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Seq2SeqModelTest {
    static final int VOCAB = 40;

    static ModelConfig tiny() {
        return new ModelConfig(VOCAB, 32, 1, 2, 4, 64, 0.0f, 16, 12);
    }

    /** Greedy decoding through the StepDecoder interface: BOS, then argmax until EOS. */
    static List<List<Integer>> greedy(StepDecoder decoder, List<int[]> sources, int maxLength) {
        List<List<Integer>> out = new ArrayList<>();
        try (StepDecoder.Session session = decoder.open(sources)) {
            int n = sources.size();
            int[] rows = new int[n];
            int[] tokens = new int[n];
            boolean[] done = new boolean[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
                tokens[i] = BpeVocabulary.START;
                out.add(new ArrayList<>());
            }
            for (int t = 0; t < maxLength; t++) {
                float[][] logp = session.step(rows, tokens);
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int v = 1; v < logp[i].length; v++) {
                        if (logp[i][v] > logp[i][best]) {
                            best = v;
                        }
                    }
                    if (!done[i]) {
                        if (best == BpeVocabulary.END) {
                            done[i] = true;
                        } else {
                            out.get(i).add(best);
                        }
                    }
                    tokens[i] = best;
                    rows[i] = i;
                }
            }
        }
        return out;
    }

    static List<TrainingExample> copyTask(int count, long seed) {
        Random random = new Random(seed);
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = 3 + random.nextInt(5);
            int[] source = new int[length];
            for (int j = 0; j < length; j++) {
                source[j] = 4 + random.nextInt(VOCAB - 4);
            }
            // target: the source reversed, so the model must attend to the source, not copy position by position
            int[] target = new int[length];
            for (int j = 0; j < length; j++) {
                target[j] = source[length - 1 - j];
            }
            examples.add(new TrainingExample(source, target));
        }
        return examples;
    }

    static List<Integer> boxed(int[] a) {
        List<Integer> list = new ArrayList<>();
        for (int x : a) {
            list.add(x);
        }
        return list;
    }

    @Test
    void incrementalDecodingWithTheCacheEqualsTheFullForwardPass() {
        try (Seq2SeqModel model = Seq2SeqModel.create(tiny(), 7)) {
            int[] source = {5, 9, 11, 7, 6};
            int[] prefix = {BpeVocabulary.START, 12, 13, 8};
            float[][] full;
            try (NDScope scope = new NDScope()) {
                NDArray src = Seq2SeqModel.pad(model.manager(), List.of(source), 16);
                NDArray tgt = Seq2SeqModel.pad(model.manager(), List.of(prefix), 12);
                NDArray logp = model.block().forward(new ParameterStore(model.manager(), false), new NDList(src, tgt), false)
                        .singletonOrThrow().logSoftmax(-1);
                full = new float[prefix.length][];
                for (int t = 0; t < prefix.length; t++) {
                    full[t] = logp.get(0, t).toFloatArray();
                }
            }
            try (StepDecoder.Session session = model.open(List.of(source))) {
                for (int t = 0; t < prefix.length; t++) {
                    float[] step = session.step(new int[] {0}, new int[] {prefix[t]})[0];
                    for (int v = 0; v < VOCAB; v++) {
                        assertThat(step[v]).as("position %d token %d", t, v).isCloseTo(full[t][v], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void beamsCanBeReorderedAndDuplicatedBetweenSteps() {
        try (Seq2SeqModel model = Seq2SeqModel.create(tiny(), 3)) {
            List<int[]> sources = List.of(new int[] {5, 6, 7}, new int[] {8, 9, 10, 11});
            float[] expected;
            try (StepDecoder.Session single = model.open(List.of(sources.get(1)))) {
                single.step(new int[] {0}, new int[] {BpeVocabulary.START});
                expected = single.step(new int[] {0}, new int[] {20})[0];
            }
            try (StepDecoder.Session session = model.open(sources)) {
                session.step(new int[] {0, 1}, new int[] {BpeVocabulary.START, BpeVocabulary.START});
                // three hypotheses: source 1 twice, source 0 once, in a shuffled order
                float[][] rows = session.step(new int[] {1, 0, 1}, new int[] {20, 20, 20});
                assertThat(rows[0]).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(rows[2]).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(rows[1]).isNotEqualTo(expected);
            }
        }
    }

    @Test
    void aTinyModelLearnsAHandfulOfExamplesAndSurvivesSaveAndLoad() throws IOException {
        List<TrainingExample> examples = copyTask(8, 11);
        TrainingSettings settings = new TrainingSettings(150, 512, 3e-3f, 20, 0.0f, 0.0f, 1.0f, 5);
        List<int[]> sources = examples.stream().map(TrainingExample::source).toList();
        try (Seq2SeqModel model = Seq2SeqModel.create(tiny(), 5)) {
            float[] lastLoss = new float[1];
            new Seq2SeqTrainer(model, settings).train(epoch -> examples, new Seq2SeqTrainer.Listener() {
                @Override
                public void onEvaluation(int epoch, long step, float meanLoss, boolean epochEnd, Seq2SeqTrainer.Position next) {
                    lastLoss[0] = meanLoss;
                }
            });
            assertThat(lastLoss[0]).isLessThan(0.05f);
            List<List<Integer>> predicted = greedy(model, sources, 10);
            for (int i = 0; i < examples.size(); i++) {
                assertThat(predicted.get(i)).as("example %d", i).isEqualTo(boxed(examples.get(i).target()));
            }

            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            model.save(saved);
            try (Seq2SeqModel loaded = Seq2SeqModel.load(tiny(), new ByteArrayInputStream(saved.toByteArray()))) {
                assertThat(greedy(loaded, sources, 10)).isEqualTo(predicted);
                try (StepDecoder.Session a = model.open(sources); StepDecoder.Session b = loaded.open(sources)) {
                    int[] rows = new int[sources.size()];
                    int[] bos = new int[sources.size()];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = i;
                        bos[i] = BpeVocabulary.START;
                    }
                    assertThat(b.step(rows, bos)).isDeepEqualTo(a.step(rows, bos));
                }
            }
        }
    }

    @Test
    void aRunResumedFromACheckpointTakesTheSameStepsAsTheUninterruptedRun() throws IOException {
        List<TrainingExample> examples = copyTask(8, 11);
        // 3 epochs of 2 batches each; the checkpoint is the evaluation point after epoch 1's first batch
        TrainingSettings settings = new TrainingSettings(3, 40, 3e-3f, 2, 0.0f, 0.01f, 1.0f, 5);
        byte[][] checkpoint = new byte[2][];
        Seq2SeqTrainer.Position[] resumeAt = new Seq2SeqTrainer.Position[1];
        byte[] uninterrupted;
        try (Seq2SeqModel model = Seq2SeqModel.create(tiny(), 5)) {
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, settings, 3);
            trainer.train(epoch -> examples, new Seq2SeqTrainer.Listener() {
                @Override
                public void onEvaluation(int epoch, long step, float meanLoss, boolean epochEnd, Seq2SeqTrainer.Position next) {
                    if (step == 3) {
                        assertThat(epochEnd).isFalse();
                        assertThat(next).isEqualTo(new Seq2SeqTrainer.Position(1, 1, 3));
                        checkpoint[0] = model.weights();
                        checkpoint[1] = state(trainer);
                        resumeAt[0] = next;
                    }
                }
            });
            uninterrupted = model.weights();
        }
        assertThat(resumeAt[0]).as("a point every 3 steps, inside epoch 1").isNotNull();

        List<Long> resumedSteps = new java.util.ArrayList<>();
        double resumedDifference;
        try (Seq2SeqModel resumed = Seq2SeqModel.resume(tiny(), new ByteArrayInputStream(checkpoint[0]))) {
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(resumed, settings, 3);
            trainer.restoreState(new ByteArrayInputStream(checkpoint[1]));
            assertThat(state(trainer)).as("optimiser state round trip").isEqualTo(checkpoint[1]);
            trainer.train(epoch -> examples, new Seq2SeqTrainer.Listener() {
                @Override
                public void onStep(int epoch, long step, long totalSteps, float loss) {
                    resumedSteps.add(step);
                    assertThat(totalSteps).isEqualTo(6);
                }
            }, resumeAt[0]);
            assertThat(resumedSteps).as("only the steps after the checkpoint").containsExactly(4L, 5L, 6L);
            resumedDifference = meanDifference(resumed, uninterrupted);
        }
        // the control: the same weights with a fresh optimiser (no moments, bias correction from step 1) end elsewhere
        try (Seq2SeqModel fresh = Seq2SeqModel.resume(tiny(), new ByteArrayInputStream(checkpoint[0]))) {
            new Seq2SeqTrainer(fresh, settings, 3).train(epoch -> examples, new Seq2SeqTrainer.Listener() { }, resumeAt[0]);
            double control = meanDifference(fresh, uninterrupted);
            assertThat(control).isGreaterThan(1e-3);
            // the resumed run ends where the uninterrupted one did (most runs: bit for bit), far from the control; mean,
            // not max, and relative: after other tests in the same JVM, CPU kernels have left it up to ~1/10 of the
            // control's distance (an open question, docs/model.md), while a lost optimiser state lands on the control
            assertThat(resumedDifference).isLessThan(control / 5);
        }
    }

    private static byte[] state(Seq2SeqTrainer trainer) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            trainer.saveState(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Mean absolute difference between the model's parameters and saved weights of the same shape. */
    private static double meanDifference(Seq2SeqModel model, byte[] other) throws IOException {
        try (Seq2SeqModel b = Seq2SeqModel.load(model.config(), new ByteArrayInputStream(other))) {
            double sum = 0;
            long n = 0;
            var pa = Seq2SeqTrainer.parameters(model.block());
            var pb = Seq2SeqTrainer.parameters(b.block());
            for (int i = 0; i < pa.size(); i++) {
                float[] x = pa.get(i).getValue().getArray().toFloatArray();
                float[] y = pb.get(i).getValue().getArray().toFloatArray();
                for (int j = 0; j < x.length; j++) {
                    sum += Math.abs(x[j] - y[j]);
                    n++;
                }
            }
            return sum / n;
        }
    }

    /**
     * The weight average follows min(cap, (1 + t) / (10 + t)) step by step, is what {@code withAveragedWeights} puts in
     * the model, leaves the model's own weights as they were, and resumes from a checkpoint with the optimiser.
     */
    @Test
    void theWeightAverageIsAnExponentialMovingAverageThatAResumedRunKeeps() throws IOException {
        List<TrainingExample> examples = copyTask(8, 11);
        TrainingSettings settings = new TrainingSettings(3, 40, 3e-3f, 2, 0.0f, 0.01f, 1.0f, 5, 0.5f);
        byte[][] checkpoint = new byte[2][];
        Seq2SeqTrainer.Position[] resumeAt = new Seq2SeqTrainer.Position[1];
        float[] expected;
        float[] averagedUninterrupted;
        try (Seq2SeqModel model = Seq2SeqModel.create(tiny(), 5)) {
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, settings, 3);
            assertThat(trainer.withAveragedWeights(() -> { })).as("no update yet: no average").isFalse();
            double[][] average = {null};
            trainer.train(epoch -> examples, new Seq2SeqTrainer.Listener() {
                @Override
                public void onStep(int epoch, long step, long totalSteps, float loss) {
                    float[] w = firstWeight(model);
                    if (average[0] == null) {
                        average[0] = new double[w.length];
                        for (int j = 0; j < w.length; j++) {
                            average[0][j] = w[j];
                        }
                        return;
                    }
                    double decay = Math.min(0.5, (1.0 + step) / (10.0 + step));
                    for (int j = 0; j < w.length; j++) {
                        average[0][j] = decay * average[0][j] + (1 - decay) * w[j];
                    }
                }

                @Override
                public void onEvaluation(int epoch, long step, float meanLoss, boolean epochEnd, Seq2SeqTrainer.Position next) {
                    if (step == 3) {
                        checkpoint[0] = model.weights();
                        checkpoint[1] = state(trainer);
                        resumeAt[0] = next;
                    }
                }
            });
            expected = new float[average[0].length];
            for (int j = 0; j < expected.length; j++) {
                expected[j] = (float) average[0][j];
            }
            float[] own = firstWeight(model);
            float[][] seen = new float[1][];
            assertThat(trainer.withAveragedWeights(() -> seen[0] = firstWeight(model))).isTrue();
            assertThat(seen[0]).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(seen[0]).isNotEqualTo(own);
            assertThat(firstWeight(model)).as("the model's own weights put back").containsExactly(own);
            averagedUninterrupted = seen[0];
        }
        try (Seq2SeqModel resumed = Seq2SeqModel.resume(tiny(), new ByteArrayInputStream(checkpoint[0]))) {
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(resumed, settings, 3);
            trainer.restoreState(new ByteArrayInputStream(checkpoint[1]));
            trainer.train(epoch -> examples, new Seq2SeqTrainer.Listener() { }, resumeAt[0]);
            float[][] seen = new float[1][];
            trainer.withAveragedWeights(() -> seen[0] = firstWeight(resumed));
            assertThat(seen[0]).as("the average went on from the checkpoint's")
                    .containsExactly(averagedUninterrupted, org.assertj.core.data.Offset.offset(1e-4f));
            // a state written without an average cannot be resumed with one
            Seq2SeqTrainer without = new Seq2SeqTrainer(resumed, settings.withWeightAverage(0));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainer.restoreState(new ByteArrayInputStream(state(without))))
                    .isInstanceOf(IOException.class).hasMessageContaining("no weight average");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings.withWeightAverage(1f))
                .hasMessageContaining("[0, 1)");
    }

    private static float[] firstWeight(Seq2SeqModel model) {
        return Seq2SeqTrainer.parameters(model.block()).get(0).getValue().getArray().toFloatArray();
    }

    @Test
    void learningRateWarmsUpThenDecays() {
        try (Seq2SeqModel model = Seq2SeqModel.create(tiny(), 1)) {
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, new TrainingSettings(1, 512, 1e-3f, 10, 0.1f, 0f, 1f, 1));
            assertThat(trainer.learningRate(0, 100)).isCloseTo(1e-4f, org.assertj.core.data.Offset.offset(1e-7f));
            assertThat(trainer.learningRate(9, 100)).isCloseTo(1e-3f, org.assertj.core.data.Offset.offset(1e-7f));
            assertThat(trainer.learningRate(55, 100)).isLessThan(1e-3f).isGreaterThan(1e-4f);
            assertThat(trainer.learningRate(100, 100)).isCloseTo(5e-5f, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }
}
