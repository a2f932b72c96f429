package io.syncabel.runtime.model;

import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Teacher forcing with label-smoothed cross-entropy on the generated part of the target (the forced prefix is
 * masked), AdamW, linear warmup then cosine decay, and
 * global-norm gradient clipping (DJL's own clip is per element). Batches are random under a token budget,
 * so human and synthetic examples mix inside each. Deterministic for a seed.
 */
public final class Seq2SeqTrainer {

    /** What the caller sees after each optimiser step and at each evaluation point. */
    public interface Listener {
        default void onStep(int epoch, long step, long totalSteps, float loss) {
        }

        /** After every step (and its evaluation point, if any): {@code next} is where a run resumed here continues. */
        default void afterStep(Position next) {
        }

        /**
         * Called every {@code evaluateEverySteps} steps (when positive) and at the end of each epoch; the model is
         * usable for decoding here, and {@link #saveState} / the model's weights make a checkpoint from which
         * {@code train(..., next)} continues.
         *
         * @param epoch     the 0-based epoch the point lies in
         * @param meanLoss  mean training loss since the previous evaluation point
         * @param epochEnd  whether the point closes the epoch
         * @param next      where a run resumed from this point continues
         */
        default void onEvaluation(int epoch, long step, float meanLoss, boolean epochEnd, Position next) {
        }
    }

    /** The next batch to train: epoch (0-based), batch index within that epoch's batches, global step. */
    public record Position(int epoch, int batch, long step) {
        public static final Position START = new Position(0, 0, 0);
    }

    private final TrainableSeq2Seq model;
    private final TrainingSettings settings;
    private final int evaluateEverySteps;
    private final AdamWState optimizer = new AdamWState();
    /** The weights' exponential moving average (path -> array), when {@link TrainingSettings#weightAverage} is on. */
    private final Map<String, NDArray> average = new java.util.LinkedHashMap<>();
    private static final int AVERAGE_MAGIC = 0x45574d41; // "EWMA"
    /** Updates applied (skipped ones not counted): AdamW's bias correction and the learning-rate schedule. */
    private long updates;
    private long skippedUpdates;

    public Seq2SeqTrainer(TrainableSeq2Seq model, TrainingSettings settings) {
        this(model, settings, 0);
    }

    /** {@code evaluateEverySteps} > 0 adds evaluation points inside epochs (TrainingRun devSelection.everySteps). */
    public Seq2SeqTrainer(TrainableSeq2Seq model, TrainingSettings settings, int evaluateEverySteps) {
        this.model = model;
        this.settings = settings;
        this.evaluateEverySteps = evaluateEverySteps;
    }

    /**
     * Trains for {@code settings.epochs()} epochs; {@code epochData} gives each epoch's examples (so
     * callers can resample synthetic data per epoch). It must give the same examples for the same epoch
     * every time: a resumed run rebuilds the interrupted epoch's batches from it.
     */
    public void train(IntFunction<List<TrainingExample>> epochData, Listener listener) {
        train(epochData, listener, Position.START);
    }

    /** Continues from {@code from} (a checkpoint's position, with {@link #restoreState} and the weights restored). */
    public void train(IntFunction<List<TrainingExample>> epochData, Listener listener, Position from) {
        if (from.epoch() >= settings.epochs()) {
            return; // a checkpoint taken at the very end
        }
        Block block = model.block();
        List<List<TrainingExample>> firstBatches = batches(epochData.apply(from.epoch()), settings.seed(), settings.maxBatchTokens(), from.epoch());
        // every epoch's batch count (random batches under a token budget vary by epoch): the learning-rate schedule's
        // length, the same for a run and its resumption
        long totalSteps = 0;
        for (int e = 0; e < settings.epochs(); e++) {
            totalSteps += e == from.epoch() ? firstBatches.size()
                    : batches(epochData.apply(e), settings.seed(), settings.maxBatchTokens(), e).size();
        }
        ParameterStore store = new ParameterStore(model.manager(), false);
        List<Map.Entry<String, Parameter>> params = parameters(block);
        long step = from.step();
        List<List<TrainingExample>> batches = firstBatches;
        for (int epoch = from.epoch(); epoch < settings.epochs(); epoch++) {
            if (epoch > from.epoch()) {
                batches = batches(epochData.apply(epoch), settings.seed(), settings.maxBatchTokens(), epoch);
            }
            double lossSum = 0;
            int counted = 0;
            for (int b = epoch == from.epoch() ? from.batch() : 0; b < batches.size(); b++) {
                float loss = step(block, store, batches.get(b));
                if (clipAndUpdate(params, loss, totalSteps)) {
                    lossSum += loss;
                    counted++;
                } else {
                    skippedUpdates++;
                }
                step++;
                listener.onStep(epoch, step, totalSteps, loss);
                boolean epochEnd = b == batches.size() - 1;
                Position next = epochEnd ? new Position(epoch + 1, 0, step) : new Position(epoch, b + 1, step);
                if (epochEnd || evaluateEverySteps > 0 && step % evaluateEverySteps == 0) {
                    listener.onEvaluation(epoch, step, (float) (lossSum / Math.max(1, counted)), epochEnd, next);
                    lossSum = 0;
                    counted = 0;
                }
                listener.afterStep(next);
            }
        }
    }

    /** The optimiser's moments and counters, for a checkpoint (the weights are saved by the model). */
    public void saveState(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(updates);
        data.writeLong(skippedUpdates);
        optimizer.save(data);
        if (settings.weightAverage() > 0) {
            Map<String, NDArray[]> table = new java.util.LinkedHashMap<>();
            average.forEach((path, a) -> table.put(path, new NDArray[] {a}));
            ParameterArrays.write(data, AVERAGE_MAGIC, table);
        }
        data.flush();
    }

    /** Restores what {@link #saveState} wrote, for the same model shape. */
    public void restoreState(InputStream state) throws IOException {
        DataInputStream data = new DataInputStream(state);
        long u = data.readLong();
        long s = data.readLong();
        List<Map.Entry<String, Parameter>> params = parameters(model.block());
        optimizer.load(data, model.manager(), params);
        if (settings.weightAverage() > 0) {
            Map<String, NDArray[]> loaded = ParameterArrays.read(data, AVERAGE_MAGIC,
                    "the trainer state holds no weight average (made without one?)", "weight average", 1, model.manager(), params);
            average.values().forEach(NDArray::close);
            average.clear();
            loaded.forEach((path, a) -> average.put(path, a[0]));
        }
        updates = u;
        skippedUpdates = s;
    }

    /**
     * Runs {@code action} with the weight average in the model's parameters, then puts the model's own weights back;
     * false (and {@code action} not run) when there is no average yet (off, or no update applied).
     */
    public boolean withAveragedWeights(Runnable action) {
        if (average.isEmpty()) {
            return false;
        }
        List<Map.Entry<String, Parameter>> params = parameters(model.block());
        List<NDArray> own = new ArrayList<>(params.size());
        try {
            for (Map.Entry<String, Parameter> e : params) {
                NDArray weight = e.getValue().getArray();
                own.add(weight.duplicate());
                average.get(e.getKey()).copyTo(weight);
            }
            action.run();
        } finally {
            for (int i = 0; i < own.size(); i++) {
                own.get(i).copyTo(params.get(i).getValue().getArray());
                own.get(i).close();
            }
        }
        return true;
    }

    /** The moving average after an update: created from the weights at the first, then decayed towards them. */
    private void updateAverage(List<Map.Entry<String, Parameter>> params) {
        float decay = (float) Math.min(settings.weightAverage(), (1.0 + updates) / (10.0 + updates));
        for (Map.Entry<String, Parameter> e : params) {
            NDArray weight = e.getValue().getArray();
            NDArray avg = average.get(e.getKey());
            if (avg == null) {
                average.put(e.getKey(), weight.duplicate()); // outside any scope: it lives with the model's manager
                continue;
            }
            try (NDScope scope = new NDScope()) {
                avg.muli(decay).addi(weight.mul(1 - decay));
            }
        }
    }

    static List<Map.Entry<String, Parameter>> parameters(Block block) {
        List<Map.Entry<String, Parameter>> out = new ArrayList<>();
        block.getParameters().forEach(pair -> out.add(Map.entry(pair.getKey(), pair.getValue())));
        return out;
    }

    float learningRate(long update, long totalSteps) {
        float peak = settings.learningRate();
        int warmup = Math.max(1, settings.warmupSteps());
        if (update < warmup) {
            return peak * (update + 1) / warmup;
        }
        double progress = Math.min(1.0, (update - warmup) / (double) Math.max(1, totalSteps - warmup));
        return (float) (peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    private float step(Block block, ParameterStore store, List<TrainingExample> batch) {
        int maxTarget = model.maxTargetLength();
        int[] prefix = model.decoderPrefix();
        int pad = model.padToken();
        List<int[]> sources = new ArrayList<>();
        List<int[]> inputs = new ArrayList<>();
        List<int[]> outputs = new ArrayList<>();
        for (TrainingExample example : batch) {
            sources.add(example.source());
            inputs.add(decoderInput(example, maxTarget, prefix));
            outputs.add(labels(example, maxTarget, prefix.length, model.endToken(), pad));
        }
        NDManager manager = model.manager();
        try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray src = Seq2SeqModel.pad(manager, sources, model.maxSourceLength(), pad);
            NDArray tgtIn = Seq2SeqModel.pad(manager, inputs, maxTarget, pad);
            NDArray tgtOut = Seq2SeqModel.pad(manager, outputs, maxTarget, pad);
            NDArray logits = block.forward(store, new NDList(src, tgtIn), true).singletonOrThrow();
            NDArray loss = smoothedCrossEntropy(logits, tgtOut, settings.labelSmoothing(), pad);
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /** The target as the decoder reads it: start token, then the target cut to the decoder's positions. */
    static int[] decoderInput(TrainingExample example, int maxTargetLength) {
        return decoderInput(example, maxTargetLength, new int[] {BpeVocabulary.START});
    }

    /** The decoder prefix (start token, forced language code), then the target cut to the decoder's positions. */
    static int[] decoderInput(TrainingExample example, int maxTargetLength, int[] decoderPrefix) {
        int[] target = example.target();
        int length = Math.min(target.length, maxTargetLength - decoderPrefix.length);
        int[] in = Arrays.copyOf(decoderPrefix, decoderPrefix.length + length);
        System.arraycopy(target, 0, in, decoderPrefix.length, length);
        return in;
    }

    /**
     * What each decoder position must predict: the next target token, then the end token; the forced prefix's
     * positions hold padding, which the loss ignores (decoding is given the prefix, it never predicts it).
     */
    static int[] labels(TrainingExample example, int maxTargetLength) {
        return labels(example, maxTargetLength, 1, BpeVocabulary.END, BpeVocabulary.PAD);
    }

    /**
     * As {@link #labels(TrainingExample, int)} after a decoder prefix of {@code prefixLength} tokens: the positions
     * that would predict the prefix's own later tokens (a forced language code) hold padding too.
     */
    static int[] labels(TrainingExample example, int maxTargetLength, int prefixLength, int end, int pad) {
        int length = Math.min(example.target().length, maxTargetLength - prefixLength);
        int skip = prefixLength - 1;
        int[] out = new int[skip + length + 1];
        Arrays.fill(out, 0, skip, pad);
        System.arraycopy(example.target(), 0, out, skip, length);
        out[skip + length] = end;
        Arrays.fill(out, skip, skip + Math.min(example.prefix(), length), pad);
        return out;
    }

    /** Mean over non-padding positions ({@code pad} in the target) of (1-e)*NLL + e*uniform cross-entropy. */
    static NDArray smoothedCrossEntropy(NDArray logits, NDArray target, float epsilon, int pad) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray nll = logp.gather(target.expandDims(-1), -1).squeeze(-1).neg();
        NDArray uniform = logp.mean(new int[] {-1}).neg();
        NDArray mask = target.neq(pad).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray perToken = nll.mul(1 - epsilon).add(uniform.mul(epsilon)).mul(mask);
        return perToken.sum().div(mask.sum().maximum(1f));
    }

    /** Optimiser updates applied so far (a resumed run counts those before the checkpoint too). */
    public long updates() {
        return updates;
    }

    /** Updates whose loss or gradient was not finite: skipped, so one bad batch cannot turn every weight into NaN. */
    public long skippedUpdates() {
        return skippedUpdates;
    }

    /** Clips by global norm and applies the update; false (and no update) when the loss or the gradient is not finite. */
    private boolean clipAndUpdate(List<Map.Entry<String, Parameter>> params, float loss, long totalSteps) {
        double squares = 0;
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, Parameter> e : params) {
                // in float64: a large but finite gradient must be clipped, not overflow the norm to infinity
                squares += e.getValue().getArray().getGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).pow(2).sum().getDouble();
            }
        }
        double norm = Math.sqrt(squares);
        if (!Float.isFinite(loss) || !Double.isFinite(norm)) {
            for (Map.Entry<String, Parameter> e : params) {
                NDArray grad = e.getValue().getArray().getGradient();
                grad.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // assigned, not multiplied: NaN * 0 stays NaN
                grad.close();
            }
            return false;
        }
        float scale = settings.gradientClip() > 0 && norm > settings.gradientClip()
                ? (float) (settings.gradientClip() / norm) : 1f;
        updates++;
        float lr = learningRate(updates, totalSteps);
        for (Map.Entry<String, Parameter> e : params) {
            NDArray weight = e.getValue().getArray();
            NDArray grad = weight.getGradient();
            if (scale != 1f) {
                grad.muli(scale);
            }
            // outside any scope: AdamW creates its moment arrays lazily on the first update and keeps them
            optimizer.update(e.getKey(), weight, grad, updates, lr, settings.weightDecay());
            grad.muli(0f);
            grad.close();
        }
        if (settings.weightAverage() > 0) {
            updateAverage(params);
        }
        return true;
    }

    /**
     * Batches of the epoch's examples in a seeded random order, each under the token budget (padded size); the
     * same for the same examples, seed and epoch, so a resumed run rebuilds them. Not sorted by length: the
     * short KB-name examples would then fill batches of their own and undo the human/synthetic mix, which must
     * hold inside every batch.
     */
    static List<List<TrainingExample>> batches(List<TrainingExample> examples, long seed, int maxBatchTokens, int epoch) {
        Random random = new Random(seed * 1_000_003L + epoch);
        List<Integer> order = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        List<List<TrainingExample>> batches = new ArrayList<>();
        List<TrainingExample> current = new ArrayList<>();
        int longest = 0;
        for (Integer i : order) {
            TrainingExample e = examples.get(i);
            int length = Math.max(e.source().length, e.target().length + 1);
            int newLongest = Math.max(longest, length);
            if (!current.isEmpty() && newLongest * (current.size() + 1) > maxBatchTokens) {
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
        return batches;
    }
}
