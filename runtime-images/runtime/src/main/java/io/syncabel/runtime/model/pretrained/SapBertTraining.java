package io.syncabel.runtime.model.pretrained;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import io.syncabel.runtime.model.AdamWState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Fine-tunes a text encoder the way SapBERT does (Liu et al., NAACL 2021): names of one concept are pulled
 * together and names of other concepts pushed apart, so a mention's nearest KB name by cosine names its concept.
 * Each batch holds several concepts with several of their names (KB synonyms and training mentions), and the loss is
 * SapBERT's own: the multi-similarity loss (alpha 2, beta 50, base 0.5) over the pairs kept by multi-similarity hard
 * pair mining (epsilon 0.1: a positive pair less similar than the anchor's most similar negative plus epsilon, a
 * negative more similar than its least similar positive minus epsilon). Chosen over InfoNCE because it is the loss
 * behind SapBERT's published figures and it uses every positive of a batch with several names per concept, weighting
 * hard pairs most, with no temperature to tune.
 *
 * <p>The encoder is any DJL {@link Block} with a tokenizer giving its inputs and a pooling giving one L2-normalised
 * vector per text (the pretrained BERT encoder with mean pooling, or a toy block in tests). AdamW ({@link AdamWState},
 * the optimiser the generator trains with) under linear warm-up then linear decay, gradients clipped by global norm;
 * the batches ({@link SapBertBatches}: seed concepts with their nearest concepts as hard negatives) follow a seeded
 * random order, so a run is reproducible on one machine.
 */
public final class SapBertTraining {
    static final float ALPHA = 2f;
    static final float BETA = 50f;
    static final float BASE = 0.5f;
    static final float MINING_EPSILON = 0.1f;

    private SapBertTraining() {
    }

    /** One name of a concept: a KB synonym or a training mention. */
    public record Pair(String text, String code, boolean mention) {
        public Pair(String text, String code) {
            this(text, code, false);
        }
    }

    /**
     * Training settings.
     *
     * @param steps            optimiser updates
     * @param conceptsPerBatch distinct concepts in a batch (the others' names are its negatives)
     * @param namesPerConcept  names drawn per concept (its positives; fewer when it has fewer)
     * @param learningRate     peak AdamW rate
     * @param weightDecay      decoupled weight decay
     * @param warmupShare      share of the steps spent warming the rate up linearly from 0
     * @param gradientClip     global gradient norm bound (0: none)
     * @param seed             batch order
     * @param mentionShare     share of a batch's seed concepts drawn among the concepts with training mentions
     * @param neighboursPerSeed nearest concepts (hard negatives) that join a batch with each seed concept
     */
    public record Settings(int steps, int conceptsPerBatch, int namesPerConcept, float learningRate, float weightDecay,
            float warmupShare, float gradientClip, long seed, float mentionShare, int neighboursPerSeed) {
        public Settings {
            if (steps <= 0 || conceptsPerBatch < 2 || namesPerConcept < 2) {
                throw new IllegalArgumentException("SapBERT training needs steps > 0, at least 2 concepts and 2 names per concept a batch");
            }
            if (mentionShare < 0 || mentionShare > 1 || neighboursPerSeed < 0) {
                throw new IllegalArgumentException("SapBERT training needs a mention share in [0, 1] and neighbours per seed >= 0");
            }
        }

        /** Random batches of random concepts, as SapBERT draws them. */
        public Settings(int steps, int conceptsPerBatch, int namesPerConcept, float learningRate, float weightDecay,
                float warmupShare, float gradientClip, long seed) {
            this(steps, conceptsPerBatch, namesPerConcept, learningRate, weightDecay, warmupShare, gradientClip, seed, 0f, 0);
        }

        public Settings withSeed(long seed) {
            return new Settings(steps, conceptsPerBatch, namesPerConcept, learningRate, weightDecay, warmupShare, gradientClip,
                    seed, mentionShare, neighboursPerSeed);
        }

        /**
         * SapBERT's rate and decay for a pretrained BERT (2e-5, 0.01); 32 concepts x 4 names a batch, 10% warm-up;
         * half the concepts drawn among the annotated ones, no TF-IDF hard negatives (both chosen on held-out dev
         * documents: docs/benchmarks.md, "Dense retrieval").
         */
        public static Settings defaults(int steps) {
            return new Settings(steps, CONCEPTS_PER_BATCH, 4, 2e-5f, 0.01f, 0.1f, 1f, 42, 0.5f, 0);
        }
    }

    /** Concepts a batch by default (SapBERT's batches hold about as many names: 32 x 4). */
    public static final int CONCEPTS_PER_BATCH = 32;

    /**
     * Updates when none are asked for: three passes over the KB's concepts, at most 1,000 (MEDIC's 11,915 concepts:
     * 1,000), so a KB of a few hundred concepts is fine-tuned in minutes on a CPU rather than an hour.
     */
    public static int defaultSteps(int concepts, int conceptsPerBatch) {
        return (int) Math.max(1, Math.min(1000, Math.ceil(3.0 * concepts / conceptsPerBatch)));
    }

    /** How a run went: updates, the mean loss of its first and last tenth, minutes. */
    public record Result(int steps, double firstLoss, double lastLoss, double minutes) {
    }

    /**
     * The training names: each concept's KB names, then the training mentions annotated with it (single codes only;
     * a composite mention names no one concept), case-folded duplicates dropped. Concepts with one name remain: they
     * serve as negatives.
     */
    public static List<Pair> pairs(KnowledgeBase kb, List<CorpusExamples.Item> training) {
        Map<String, List<Pair>> byCode = new LinkedHashMap<>();
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        for (Concept c : kb.concepts().values()) {
            for (String name : c.names()) {
                add(byCode, seen, c.code(), new Pair(name, c.code(), false));
            }
        }
        for (CorpusExamples.Item item : training) {
            String code = item.example().code();
            if (code != null && !code.contains("+") && byCode.containsKey(code)) {
                add(byCode, seen, code, new Pair(item.example().mention(), code, true));
            }
        }
        List<Pair> out = new ArrayList<>();
        byCode.values().forEach(out::addAll);
        return out;
    }

    private static void add(Map<String, List<Pair>> byCode, Map<String, Set<String>> seen, String code, Pair pair) {
        if (seen.computeIfAbsent(code, c -> new LinkedHashSet<>()).add(pair.text().toLowerCase(Locale.ROOT).strip())) {
            byCode.computeIfAbsent(code, c -> new ArrayList<>()).add(pair);
        }
    }

    /**
     * Trains the block's parameters in place. {@code tokenize} turns texts into the block's inputs; {@code pool} turns
     * the block's outputs and those inputs into one unit vector per text, shape (B, H); {@code nearest} gives a
     * concept's nearest concepts for hard-negative batches (null: none; see {@link SapBertBatches}). Progress lines
     * (every 50 steps and at least every 30 s) go to {@code log}.
     */
    public static Result train(Block block, BiFunction<NDManager, List<String>, NDList> tokenize,
            BiFunction<NDList, NDList, NDArray> pool, List<Pair> pairs, Settings settings,
            Function<String, List<String>> nearest, NDManager manager, PrintWriter log) {
        SapBertBatches batches = new SapBertBatches(pairs, settings, nearest);
        List<Map.Entry<String, Parameter>> params = new ArrayList<>();
        block.getParameters().forEach(p -> {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
                params.add(Map.entry(p.getKey(), p.getValue()));
            }
        });
        AdamWState optimizer = new AdamWState();
        ParameterStore store = new ParameterStore(manager, false);
        int warmup = Math.max(1, Math.round(settings.warmupShare() * settings.steps()));
        int tenth = Math.max(1, settings.steps() / 10);
        double first = 0;
        double last = 0;
        long started = System.nanoTime();
        long lastLine = started;
        for (int step = 1; step <= settings.steps(); step++) {
            SapBertBatches.Batch batch = batches.next();
            float loss;
            try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList inputs = tokenize.apply(manager, batch.texts());
                NDArray vectors = pool.apply(inputs, block.forward(store, inputs, true));
                NDArray l = multiSimilarityLoss(vectors, batch.labels());
                collector.backward(l);
                loss = l.getFloat();
            }
            update(params, optimizer, step, rate(settings, step, warmup), settings);
            if (step <= tenth) {
                first += loss / tenth;
            }
            if (step > settings.steps() - tenth) {
                last += loss / tenth;
            }
            long now = System.nanoTime();
            if (log != null && (step == 1 || step % 50 == 0 || step == settings.steps() || now - lastLine >= 30_000_000_000L)) {
                lastLine = now;
                double minutes = (now - started) / 6e10;
                double eta = minutes / step * (settings.steps() - step);
                log.println(String.format(Locale.ROOT, "sapbert: step %d/%d loss %.4f (%.1f min, %.1f steps/min, eta %.1f min)",
                        step, settings.steps(), loss, minutes, step / Math.max(minutes, 1e-9), eta));
                log.flush();
            }
        }
        return new Result(settings.steps(), first, last, (System.nanoTime() - started) / 6e10);
    }

    /**
     * A concept's nearest other concepts by the KB's character TF-IDF over all its names (its title queried, the best
     * name of each other concept scored), nearest first, memoised: the hard negatives of {@link SapBertBatches}.
     */
    public static Function<String, List<String>> nearestByTfIdf(KnowledgeBase kb, int count) {
        Map<String, List<String>> memo = new java.util.HashMap<>();
        return code -> memo.computeIfAbsent(code, c -> kb.concept(c).map(concept -> {
            String query = concept.title() != null ? concept.title() : concept.names().isEmpty() ? c : concept.names().get(0);
            return kb.linker().topK(query, null, count + 1).stream().map(TfIdfLinker.Candidate::code)
                    .filter(other -> !other.equals(c)).limit(count).toList();
        }).orElse(List.of()));
    }

    /** Linear warm-up to the peak over {@code warmup} updates, then linear decay to 0 at the last. */
    static float rate(Settings s, int step, int warmup) {
        if (step <= warmup) {
            return s.learningRate() * step / warmup;
        }
        return s.learningRate() * Math.max(0f, (float) (s.steps() - step + 1) / (s.steps() - warmup + 1));
    }

    private static void update(List<Map.Entry<String, Parameter>> params, AdamWState optimizer, int step, float rate, Settings s) {
        double squares = 0;
        // the norm's temporaries (a float64 copy of every gradient) die here; the optimiser's moments must not
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, Parameter> e : params) {
                NDArray g = e.getValue().getArray().getGradient();
                squares += g.toType(DataType.FLOAT64, false).pow(2).sum().getDouble();
            }
        }
        double norm = Math.sqrt(squares);
        boolean finite = Double.isFinite(norm);
        float scale = s.gradientClip() > 0 && norm > s.gradientClip() ? (float) (s.gradientClip() / norm) : 1f;
        for (Map.Entry<String, Parameter> e : params) {
            NDArray weight = e.getValue().getArray();
            NDArray grad = weight.getGradient();
            if (finite) { // a non-finite gradient is dropped, not applied
                if (scale != 1f) {
                    grad.muli(scale);
                }
                optimizer.update(e.getKey(), weight, grad, step, rate, s.weightDecay());
            }
            grad.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            grad.close();
        }
    }

    /**
     * SapBERT's multi-similarity loss over a batch of unit vectors (B, H) with concept labels, after hard pair mining:
     * per anchor {@code 1/alpha log(1 + sum_hardPos exp(-alpha (s - base))) + 1/beta log(1 + sum_hardNeg exp(beta (s - base)))},
     * averaged over the anchors. The mining masks are constants (no gradient flows through the choice of pairs).
     */
    public static NDArray multiSimilarityLoss(NDArray vectors, int[] labels) {
        int n = labels.length;
        float[] positive = new float[n * n];
        float[] negative = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                positive[i * n + j] = i != j && labels[i] == labels[j] ? 1 : 0;
                negative[i * n + j] = labels[i] != labels[j] ? 1 : 0;
            }
        }
        NDManager m = vectors.getManager();
        NDArray pos = m.create(positive, new ai.djl.ndarray.types.Shape(n, n));
        NDArray neg = m.create(negative, new ai.djl.ndarray.types.Shape(n, n));
        NDArray sim = vectors.matMul(vectors.transpose());
        NDArray fixed = sim.stopGradient();
        float big = 4f; // beyond any cosine
        NDArray minPos = fixed.add(pos.neg().add(1).mul(big)).min(new int[] {1}, true);
        NDArray maxNeg = fixed.sub(neg.neg().add(1).mul(big)).max(new int[] {1}, true);
        NDArray hardPos = pos.mul(fixed.sub(MINING_EPSILON).lt(maxNeg).toType(DataType.FLOAT32, false));
        NDArray hardNeg = neg.mul(fixed.add(MINING_EPSILON).gt(minPos).toType(DataType.FLOAT32, false));
        NDArray posTerm = sim.sub(BASE).mul(-ALPHA).exp().mul(hardPos).sum(new int[] {1}).add(1f).log().div(ALPHA);
        NDArray negTerm = sim.sub(BASE).mul(BETA).exp().mul(hardNeg).sum(new int[] {1}).add(1f).log().div(BETA);
        return posTerm.add(negTerm).mean();
    }

    /** Unit vectors for texts by the block (no gradient), {@code batch} texts at a time. */
    public static float[][] embed(Block block, BiFunction<NDManager, List<String>, NDList> tokenize,
            BiFunction<NDList, NDList, NDArray> pool, List<String> texts, int batch, NDManager manager) {
        float[][] out = new float[texts.size()][];
        ParameterStore store = new ParameterStore(manager, false);
        for (int at = 0; at < texts.size(); at += batch) {
            List<String> part = texts.subList(at, Math.min(texts.size(), at + batch));
            try (NDScope scope = new NDScope()) {
                NDList inputs = tokenize.apply(manager, part);
                NDArray v = pool.apply(inputs, block.forward(store, inputs, false));
                float[] flat = v.toFloatArray();
                int h = (int) v.getShape().get(1);
                for (int i = 0; i < part.size(); i++) {
                    out[at + i] = java.util.Arrays.copyOfRange(flat, i * h, (i + 1) * h);
                }
            }
        }
        return out;
    }
}
