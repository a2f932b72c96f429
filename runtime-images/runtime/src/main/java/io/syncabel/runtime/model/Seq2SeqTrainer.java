package io.syncabel.runtime.model;

import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Teacher forcing with label-smoothed cross-entropy, AdamW, linear warmup then cosine decay, and
 * global-norm gradient clipping (DJL's own clip is per element). Batches are length-bucketed under a
 * token budget so padding stays small. Deterministic for a seed.
 */
public final class Seq2SeqTrainer {

    /** What the caller sees after each optimiser step and each epoch. */
    public interface Listener {
        default void onStep(int epoch, long step, long totalSteps, float loss) {
        }

        /** Called at the end of each epoch; the model is usable for decoding here. */
        default void onEpoch(int epoch, long step, float meanLoss) {
        }
    }

    private final Seq2SeqModel model;
    private final TrainingSettings settings;
    private final Random random;

    public Seq2SeqTrainer(Seq2SeqModel model, TrainingSettings settings) {
        this.model = model;
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /**
     * Trains for {@code settings.epochs()} epochs; {@code epochData} gives each epoch's examples (so
     * callers can resample synthetic data per epoch).
     */
    public void train(IntFunction<List<TrainingExample>> epochData, Listener listener) {
        Seq2SeqBlock block = model.block();
        List<List<TrainingExample>> firstBatches = batches(epochData.apply(0));
        long totalSteps = (long) firstBatches.size() * settings.epochs();
        Optimizer optimizer = AdamW.builder()
                .optLearningRateTracker((id, update) -> learningRate(update, totalSteps))
                .optWeightDecays(settings.weightDecay())
                .build();
        ParameterStore store = new ParameterStore(model.manager(), false);
        List<Parameter> params = new ArrayList<>(block.getParameters().values());
        long step = 0;
        List<List<TrainingExample>> batches = firstBatches;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            if (epoch > 0) {
                batches = batches(epochData.apply(epoch));
            }
            double lossSum = 0;
            int counted = 0;
            for (List<TrainingExample> batch : batches) {
                float loss = step(block, store, batch);
                if (clipAndUpdate(optimizer, params, loss)) {
                    lossSum += loss;
                    counted++;
                } else {
                    skippedUpdates++;
                }
                step++;
                listener.onStep(epoch, step, totalSteps, loss);
            }
            listener.onEpoch(epoch, step, (float) (lossSum / Math.max(1, counted)));
        }
    }

    private long skippedUpdates;

    float learningRate(int update, long totalSteps) {
        float peak = settings.learningRate();
        int warmup = Math.max(1, settings.warmupSteps());
        if (update < warmup) {
            return peak * (update + 1) / warmup;
        }
        double progress = Math.min(1.0, (update - warmup) / (double) Math.max(1, totalSteps - warmup));
        return (float) (peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    private float step(Seq2SeqBlock block, ParameterStore store, List<TrainingExample> batch) {
        ModelConfig config = block.config();
        List<int[]> sources = new ArrayList<>();
        List<int[]> inputs = new ArrayList<>();
        List<int[]> outputs = new ArrayList<>();
        for (TrainingExample example : batch) {
            sources.add(example.source());
            int[] target = Arrays.copyOf(example.target(), Math.min(example.target().length, config.maxTargetLength() - 1));
            int[] in = new int[target.length + 1];
            in[0] = BpeVocabulary.START;
            System.arraycopy(target, 0, in, 1, target.length);
            int[] out = Arrays.copyOf(target, target.length + 1);
            out[target.length] = BpeVocabulary.END;
            inputs.add(in);
            outputs.add(out);
        }
        NDManager manager = model.manager();
        try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray src = Seq2SeqModel.pad(manager, sources, config.maxSourceLength());
            NDArray tgtIn = Seq2SeqModel.pad(manager, inputs, config.maxTargetLength());
            NDArray tgtOut = Seq2SeqModel.pad(manager, outputs, config.maxTargetLength());
            NDArray logits = block.forward(store, new NDList(src, tgtIn), true).singletonOrThrow();
            NDArray loss = smoothedCrossEntropy(logits, tgtOut, settings.labelSmoothing());
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /** Mean over non-padding positions of (1-e)*NLL + e*uniform cross-entropy. */
    static NDArray smoothedCrossEntropy(NDArray logits, NDArray target, float epsilon) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray nll = logp.gather(target.expandDims(-1), -1).squeeze(-1).neg();
        NDArray uniform = logp.mean(new int[] {-1}).neg();
        NDArray mask = target.neq(BpeVocabulary.PAD).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray perToken = nll.mul(1 - epsilon).add(uniform.mul(epsilon)).mul(mask);
        return perToken.sum().div(mask.sum().maximum(1f));
    }

    /** Updates whose loss or gradient was not finite: skipped, so one bad batch cannot turn every weight into NaN. */
    public long skippedUpdates() {
        return skippedUpdates;
    }

    /** Clips by global norm and applies the update; false (and no update) when the loss or the gradient is not finite. */
    private boolean clipAndUpdate(Optimizer optimizer, List<Parameter> params, float loss) {
        double squares = 0;
        try (NDScope scope = new NDScope()) {
            for (Parameter p : params) {
                // in float64: a large but finite gradient must be clipped, not overflow the norm to infinity
                squares += p.getArray().getGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).pow(2).sum().getDouble();
            }
        }
        double norm = Math.sqrt(squares);
        if (!Float.isFinite(loss) || !Double.isFinite(norm)) {
            for (Parameter p : params) {
                NDArray grad = p.getArray().getGradient();
                grad.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // assigned, not multiplied: NaN * 0 stays NaN
                grad.close();
            }
            return false;
        }
        float scale = settings.gradientClip() > 0 && norm > settings.gradientClip()
                ? (float) (settings.gradientClip() / norm) : 1f;
        for (Parameter p : params) {
            NDArray weight = p.getArray();
            NDArray grad = weight.getGradient();
            if (scale != 1f) {
                grad.muli(scale);
            }
            // outside any scope: AdamW creates its moment arrays lazily on the first update and keeps them
            optimizer.update(p.getId(), weight, grad);
            grad.muli(0f);
            grad.close();
        }
        return true;
    }

    /** Shuffled, length-bucketed batches whose padded size stays under the token budget. */
    List<List<TrainingExample>> batches(List<TrainingExample> examples) {
        int n = examples.size();
        double[] noise = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            noise[i] = random.nextDouble();
        }
        // sort by length with precomputed noise (a comparator drawing randomness breaks TimSort's contract)
        Arrays.sort(order, Comparator.comparingDouble(i -> examples.get(i).source().length + noise[i]));
        List<List<TrainingExample>> batches = new ArrayList<>();
        List<TrainingExample> current = new ArrayList<>();
        int longest = 0;
        for (Integer i : order) {
            TrainingExample e = examples.get(i);
            int length = Math.max(e.source().length, e.target().length + 1);
            int newLongest = Math.max(longest, length);
            if (!current.isEmpty() && newLongest * (current.size() + 1) > settings.maxBatchTokens()) {
                batches.add(current);
                current = new ArrayList<>();
                newLongest = length;
            }
            current.add(e);
            longest = newLongest;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        java.util.Collections.shuffle(batches, random);
        return batches;
    }
}
