package io.syncabel.runtime.model;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.eval.CodeSet;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.GenerativeLinker;
import io.syncabel.runtime.link.GroupTries;
import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Everything `syncabel train` does between reading inputs and publishing the artifact: tokenizer,
 * tries, examples (human + KB names as synthetic), training with dev Recall@1 at every evaluation point (each
 * epoch's end, and every {@code devEverySteps} steps), the best weights kept, and a checkpoint written at every
 * point so that a stopped run continues from the last one.
 */
public final class LinkerTraining {

    /**
     * Options beyond the optimiser's; {@code devEverySteps} > 0: dev evaluation and a checkpoint every that many
     * steps besides each epoch's end; {@code caseFold}: the model reads and writes lower-cased text and its tries
     * hold lower-cased names (see {@link NameTable#of(KnowledgeBase, boolean)}).
     */
    public record Options(String size, Integer hiddenSize, Integer layers, Integer maxSourceLength, int vocabSize, int syntheticPerEpoch, TrainingMix mix, int devMaxMentions,
            int devBeams, Shape shape, int devEverySteps, boolean caseFold) {
        public Options(String size, Integer hiddenSize, Integer layers, Integer maxSourceLength, int vocabSize,
                int syntheticPerEpoch, TrainingMix mix, int devMaxMentions, int devBeams) {
            this(size, hiddenSize, layers, maxSourceLength, vocabSize, syntheticPerEpoch, mix, devMaxMentions, devBeams,
                    Shape.NONE, 0, true);
        }

        public Options {
            shape = shape == null ? Shape.NONE : shape;
        }
    }

    /**
     * Finer model overrides (TrainingRun spec.model) and the human upsampling factor (spec.mixing.humanUpsampling);
     * null fields keep the named size's value (or, for heads and FFN width, 32-wide heads and 4x width when the
     * hidden size is overridden).
     */
    public record Shape(Integer encoderLayers, Integer decoderLayers, Integer heads, Integer ffnSize, Float dropout,
            Integer maxTargetLength, Integer humanUpsampling) {
        public static final Shape NONE = new Shape(null, null, null, null, null, null, null);
    }

    /** The model shape the options give for a vocabulary size (throws IllegalArgumentException when inconsistent). */
    public static ModelConfig config(Options options, int vocabSize) {
        ModelConfig named = switch (options.size()) {
            case "tiny" -> ModelConfig.tiny(vocabSize);
            case "base" -> ModelConfig.base(vocabSize);
            default -> ModelConfig.small(vocabSize);
        };
        Shape x = options.shape();
        int hidden = options.hiddenSize() != null ? options.hiddenSize() : named.hiddenSize();
        int enc = x.encoderLayers() != null ? x.encoderLayers() : options.layers() != null ? options.layers() : named.encoderLayers();
        int dec = x.decoderLayers() != null ? x.decoderLayers() : options.layers() != null ? options.layers() : named.decoderLayers();
        // 32-wide heads when the width is overridden, so any multiple of 32 works
        int heads = x.heads() != null ? x.heads() : options.hiddenSize() != null ? Math.max(1, hidden / 32) : named.heads();
        int ffn = x.ffnSize() != null ? x.ffnSize() : options.hiddenSize() != null ? 4 * hidden : named.ffnSize();
        return new ModelConfig(vocabSize, hidden, enc, dec, heads, ffn,
                x.dropout() != null ? x.dropout() : named.dropout(),
                options.maxSourceLength() != null ? options.maxSourceLength() : named.maxSourceLength(),
                x.maxTargetLength() != null ? x.maxTargetLength() : named.maxTargetLength());
    }

    /**
     * How often a checkpoint is written between evaluation points (default {@link #DEFAULT_CHECKPOINT_INTERVAL});
     * zero: only at evaluation points.
     */
    public LinkerTraining checkpointInterval(java.time.Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("checkpoint interval must not be negative");
        }
        this.checkpointInterval = interval;
        return this;
    }

    /** The result, ready to be written as a model artifact. */
    public record Result(ModelConfig config, java.nio.file.Path bestWeights, byte[] tokenizerJson, NameTable names, GroupTries tries,
            Set<String> seenCodes, List<String> metrics, double bestDevRecallAt1, int bestEpoch, long examples,
            long updates, long parameters, double minutes, Pretrained pretrained,
            io.syncabel.runtime.model.tokenizer.Tokenizer.SourceTemplate sourceTemplate) implements AutoCloseable {

        /** Removes the best weights' local file (once published). */
        @Override
        public void close() throws IOException {
            java.nio.file.Files.deleteIfExists(bestWeights);
        }

        /**
         * The best weights reopened as a generative linker, with its own tokenizer (closed with the returned handle):
         * what the published artifact will answer with.
         */
        public Opened open(Linker.Info info) throws IOException {
            Generator generator;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(bestWeights)) {
                generator = pretrained == null ? Seq2SeqModel.load(config, in) : pretrained.family().open(pretrained.config(), in, false);
            }
            io.syncabel.runtime.model.tokenizer.Tokenizer tokenizer;
            try {
                tokenizer = pretrained == null ? io.syncabel.runtime.model.tokenizer.Tokenizer.load(tokenizerJson, "tokenizer.json")
                        : pretrained.family().tokenizer(pretrained.config(), tokenizerJson, "tokenizer.json");
            } catch (IOException | RuntimeException e) {
                generator.close();
                throw e;
            }
            GenerativeLinker linker = new GenerativeLinker(generator, new ExampleEncoder(tokenizer::encode,
                    config.maxSourceLength(), tokenizer.special(), sourceTemplate), tokenizer::decode, tries, names, info);
            return new Opened(linker, () -> {
                generator.close();
                tokenizer.close();
            });
        }
    }

    /** A linker over weights held in memory, and what frees them. */
    public record Opened(GenerativeLinker linker, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    /**
     * A pretrained checkpoint the generator is fine-tuned from instead of the project's own network: its family, its
     * {@code config.json}, its tokenizer.json (the model reads and writes with it; no BPE is trained) and its weights,
     * opened trainable.
     */
    public record Pretrained(GeneratorFamily family, com.fasterxml.jackson.databind.JsonNode config, byte[] tokenizerJson,
            java.util.function.Supplier<Generator> initial) {
    }

    private Pretrained pretrained;

    /** Fine-tunes {@code checkpoint}'s network as the generator, with its tokenizer (null: the project's own, from scratch). */
    public LinkerTraining pretrained(Pretrained checkpoint) {
        this.pretrained = checkpoint;
        return this;
    }

    /** Checkpoints between evaluation points, on a timer: a preempted run loses at most this much. */
    public static final java.time.Duration DEFAULT_CHECKPOINT_INTERVAL = java.time.Duration.ofMinutes(5);

    private java.time.Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private final KnowledgeBase kb;
    private final TrainingSettings settings;
    private final Options options;
    private final PrintWriter log;

    public LinkerTraining(KnowledgeBase kb, TrainingSettings settings, Options options, PrintWriter log) {
        this.kb = kb;
        this.settings = settings;
        this.options = options;
        this.log = log;
    }

    public Result run(List<CorpusExamples.Item> train, List<CorpusExamples.Item> dev, List<SyntheticExample> synthetic,
            Consumer<String> progress) {
        return run(train, dev, synthetic, progress, TrainingCheckpoint.Checkpoints.NONE);
    }

    public Result run(List<CorpusExamples.Item> train, List<CorpusExamples.Item> dev, List<SyntheticExample> synthetic,
            Consumer<String> progress, TrainingCheckpoint.Checkpoints checkpoints) {
        long started = System.nanoTime();
        NameTable names = NameTable.of(kb, options.caseFold());
        List<String> texts = new ArrayList<>();
        names.entries().forEach(e -> texts.add(e.name()));
        train.forEach(i -> texts.add(i.source()));
        synthetic.forEach(s -> texts.add(s.source()));
        byte[] tokenizerJson;
        java.util.function.Function<String, int[]> encode;
        java.util.function.Function<int[], String> decode;
        ModelConfig config;
        io.syncabel.runtime.link.SpecialTokens special;
        io.syncabel.runtime.model.tokenizer.Tokenizer checkpointTokenizer = null;
        if (pretrained == null) {
            BpeVocabulary vocabulary = new BpeTrainer(options.vocabSize(), 2).train(texts, options.caseFold());
            log.printf("train: tokenizer %d tokens; %d names in %d groups%n", vocabulary.size(), names.entries().size(),
                    kb.groups().size());
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            try {
                vocabulary.writeTokenizerJson(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tokenizerJson = json.toByteArray();
            encode = vocabulary::encode;
            decode = vocabulary::decode;
            config = config(options, vocabulary.size());
            special = io.syncabel.runtime.model.tokenizer.Tokenizer.SPECIAL;
        } else {
            config = pretrained.family().describe(pretrained.config(),
                    options.maxSourceLength() != null ? options.maxSourceLength() : ModelConfig.DEFAULT_MAX_SOURCE_LENGTH);
            tokenizerJson = pretrainedTokenizerJson();
            checkpointTokenizer = checkpointTokenizer(tokenizerJson, config);
            encode = checkpointTokenizer::encode;
            decode = checkpointTokenizer::decode;
            special = checkpointTokenizer.special();
            log.printf("train: the checkpoint's tokenizer, %d tokens%s; %d names in %d groups%n", checkpointTokenizer.vocabularySize(),
                    options.caseFold() ? ", lower-cased" : "", names.entries().size(), kb.groups().size());
        }
        try (io.syncabel.runtime.model.tokenizer.Tokenizer closeAtEnd = checkpointTokenizer) {
            return train(train, dev, synthetic, progress, checkpoints, started, names, tokenizerJson, encode, decode, config, special,
                    checkpointTokenizer == null ? io.syncabel.runtime.model.tokenizer.Tokenizer.SourceTemplate.NONE
                            : checkpointTokenizer.sourceTemplate());
        }
    }

    /** The checkpoint's tokenizer.json as the model will read it: lower-cased first when the model is case-folded. */
    private byte[] pretrainedTokenizerJson() {
        try {
            return options.caseFold() ? io.syncabel.runtime.model.tokenizer.Tokenizer.lowercased(pretrained.tokenizerJson())
                    : pretrained.tokenizerJson();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkpoint's tokenizer (as the model reads it) with the special ids its config names. */
    private io.syncabel.runtime.model.tokenizer.Tokenizer checkpointTokenizer(byte[] tokenizerJson, ModelConfig config) {
        try {
            io.syncabel.runtime.model.tokenizer.Tokenizer t = pretrained.family().tokenizer(pretrained.config(), tokenizerJson,
                    "the checkpoint's tokenizer.json");
            if (t.vocabularySize() > config.vocabSize()) {
                t.close();
                throw new io.syncabel.runtime.text.UserError("the checkpoint's tokenizer has " + t.vocabularySize()
                        + " tokens but its config.json only vocab_size " + config.vocabSize());
            }
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result train(List<CorpusExamples.Item> train, List<CorpusExamples.Item> dev, List<SyntheticExample> synthetic,
            Consumer<String> progress, TrainingCheckpoint.Checkpoints checkpoints, long started, NameTable names,
            byte[] tokenizerJson, java.util.function.Function<String, int[]> encode,
            java.util.function.Function<int[], String> decode, ModelConfig config, io.syncabel.runtime.link.SpecialTokens special,
            io.syncabel.runtime.model.tokenizer.Tokenizer.SourceTemplate sourceTemplate) {
        GroupTries tries = GroupTries.build(names.trieNames(), encode, special.end());
        ExampleEncoder encoder = new ExampleEncoder(encode, config.maxSourceLength(), special, sourceTemplate);
        List<TrainingExample> human = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (CorpusExamples.Item item : train) {
            human.add(encoder.example(item.source(), item.mention(), item.names()));
            seen.add(item.example().code());
        }
        List<TrainingExample> kbExamples = new ArrayList<>();
        for (SyntheticExample s : synthetic) {
            kbExamples.add(encoder.example(s.source(), s.mention(), List.of(s.name())));
        }
        Random sampler = new Random(settings.seed());
        int perEpoch = options.syntheticPerEpoch() > 0 ? Math.min(options.syntheticPerEpoch(), kbExamples.size())
                : kbExamples.size();
        log.printf("train: %d human examples, %d synthetic (%d per epoch), mixing %s%n", human.size(), kbExamples.size(),
                perEpoch, options.mix());

        List<GenerativeLinker.Marked> devInputs = new ArrayList<>();
        List<CodeSet> devGold = new ArrayList<>();
        for (CorpusExamples.Item item : dev.subList(0, Math.min(dev.size(), options.devMaxMentions()))) {
            devInputs.add(new GenerativeLinker.Marked(item.source(), item.mention(), item.example().group()));
            devGold.add(CodeSet.parse(item.example().code()));
        }

        String fingerprint = fingerprint(config, tokenizerJson, human, kbExamples, devInputs);
        Optional<TrainingCheckpoint> resume = latest(checkpoints, fingerprint);

        List<String> metrics = new ArrayList<>();
        // the best weights so far live in a local file: a large generator's do not fit one array
        java.nio.file.Path bestFile = createBestFile();
        boolean[] hasBest = {false};
        double[] bestRecall = {-1};
        int[] bestEpoch = {-1};
        long[] exampleCount = {0};
        double minutesBefore = resume.map(TrainingCheckpoint::minutes).orElse(0.0);
        Seq2SeqTrainer.Position from = resume.map(TrainingCheckpoint::next).orElse(Seq2SeqTrainer.Position.START);
        try (Generator model = resume.isPresent() ? resumed(config, resume.get().weights()) : initial(config)) {
            log.printf("train: model %s%s, %,d parameters%n", pretrained == null ? "" : pretrained.family().name() + " ", config,
                    model.parameterCount());
            Linker.Info info = new Linker.Info("syncabel", "training", String.valueOf(kb.metadata().get("version")));
            GenerativeLinker linker = new GenerativeLinker(model, encoder, decode, tries, names, info);
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, settings, options.devEverySteps());
            if (resume.isPresent()) {
                TrainingCheckpoint c = resume.get();
                try (java.io.InputStream state = c.trainerState().open()) {
                    trainer.restoreState(state);
                    if (c.bestWeights() != null) {
                        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(bestFile)) {
                            c.bestWeights().writeTo(out);
                        }
                        hasBest[0] = true;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                metrics.addAll(c.metrics());
                bestRecall[0] = c.bestRecall();
                bestEpoch[0] = c.bestEpoch();
                log.printf("train: resuming at step %d (epoch %d, batch %d) from %s, after %.1f min of training%n",
                        c.next().step(), c.next().epoch() + 1, c.next().batch(), checkpoints, c.minutes());
                log.flush();
            }
            // an epoch's size does not depend on the sampling (counted here too for a run resumed at its very end)
            exampleCount[0] = options.mix().mix(human, kbExamples.subList(0, perEpoch), options.shape().humanUpsampling()).size();
            trainer.train(epoch -> {
                List<TrainingExample> sample = new ArrayList<>(kbExamples);
                Collections.shuffle(sample, new Random(settings.seed() + epoch));
                List<TrainingExample> epochData = options.mix().mix(human, sample.subList(0, perEpoch), options.shape().humanUpsampling());
                exampleCount[0] = epochData.size();
                return epochData;
            }, new Seq2SeqTrainer.Listener() {
                /** When the last checkpoint was written (evaluation points write one too). */
                private long lastCheckpoint = System.nanoTime();

                @Override
                public void afterStep(Seq2SeqTrainer.Position next) {
                    long now = System.nanoTime();
                    if (checkpointInterval.isZero() || now - lastCheckpoint < checkpointInterval.toNanos()) {
                        return;
                    }
                    Payload weights = Payload.written(model::save);
                    // before the first evaluation there is no best yet: the current weights stand in
                    if (save(next, minutesBefore + (now - started) / 6e10, weights, hasBest[0] ? Payload.file(bestFile) : weights)) {
                        log.printf("train: checkpoint at step %d (timer)%n", next.step());
                        log.flush();
                    }
                }

                /** Writes a checkpoint (and restarts the timer); a failure is logged: training goes on, only resuming from here is lost. */
                private boolean save(Seq2SeqTrainer.Position next, double minutes, Payload weights, Payload bestWeights) {
                    lastCheckpoint = System.nanoTime();
                    try {
                        checkpoints.save(new TrainingCheckpoint(fingerprint, next, minutes, bestRecall[0], bestEpoch[0],
                                List.copyOf(metrics), weights, Payload.written(trainer::saveState), bestWeights));
                        return true;
                    } catch (IOException | RuntimeException e) {
                        log.println("train: warning: cannot write the checkpoint at step " + next.step() + ": " + e.getMessage());
                        log.flush();
                        return false;
                    }
                }

                /** When the last progress line was written: one every 50 steps, and at least every 30 s. */
                private long lastLine = System.nanoTime();

                @Override
                public void onStep(int epoch, long step, long totalSteps, float loss) {
                    long now = System.nanoTime();
                    // from the first step on, so a slow machine shows its rate and ETA at once
                    if (step == from.step() + 1 || step % 50 == 0 || step == totalSteps || now - lastLine >= 30_000_000_000L) {
                        lastLine = now;
                        double elapsed = (now - started) / 6e10;
                        double minutes = minutesBefore + elapsed;
                        long done = step - from.step();
                        double eta = elapsed / Math.max(1, done) * (totalSteps - step);
                        String line = String.format("epoch %d step %d/%d loss %.4f (%.1f min, %.1f steps/min, eta %.1f min)",
                                epoch + 1, step, totalSteps, loss, minutes, done / Math.max(elapsed, 1e-9), eta);
                        log.println("train: " + line);
                        log.flush();
                        progress.accept(String.format("{\"done\":%d,\"total\":%d,\"epoch\":%d,\"loss\":%.5f,\"message\":\"%s\"}",
                                step, totalSteps, epoch + 1, loss, line));
                    }
                }

                @Override
                public void onEvaluation(int epoch, long step, float meanLoss, boolean epochEnd, Seq2SeqTrainer.Position next) {
                    double recall = devRecall();
                    boolean better = Double.isNaN(recall) || recall > bestRecall[0];
                    if (better) {
                        keepBest(recall, epoch);
                    }
                    // the weight average competes on the same dev mentions; it becomes the best only by beating both
                    double[] averaged = {Double.NaN};
                    boolean[] averageBetter = {false};
                    if (!devInputs.isEmpty()) {
                        trainer.withAveragedWeights(() -> {
                            averaged[0] = devRecall();
                            if (averaged[0] > bestRecall[0]) {
                                keepBest(averaged[0], epoch);
                                averageBetter[0] = true;
                            }
                        });
                    }
                    double minutes = minutesBefore + (System.nanoTime() - started) / 6e10;
                    String metric = String.format(java.util.Locale.ROOT,
                            "{\"epoch\":%d,\"step\":%d,\"loss\":%.5f,\"devRecallAt1\":%s,%s\"minutes\":%.2f}",
                            epoch + 1, step, meanLoss, Double.isNaN(recall) ? "null" : String.format(java.util.Locale.ROOT, "%.2f", recall),
                            Double.isNaN(averaged[0]) ? "" : String.format(java.util.Locale.ROOT, "\"devRecallAt1Averaged\":%.2f,", averaged[0]),
                            minutes);
                    metrics.add(metric);
                    log.println("train: " + metric);
                    log.flush();
                    boolean ownIsBest = better && !averageBetter[0];
                    save(next, minutes, ownIsBest ? Payload.file(bestFile) : Payload.written(model::save), Payload.file(bestFile));
                }

                /** Greedy Recall@1 (percent) of the model's current weights on the dev mentions; NaN without any. */
                private double devRecall() {
                    if (devInputs.isEmpty()) {
                        return Double.NaN;
                    }
                    List<List<Linker.Candidate>> predictions = linker.linkMarked(devInputs,
                            new Linker.Options(options.devBeams(), 1, true));
                    int hits = 0;
                    for (int i = 0; i < predictions.size(); i++) {
                        List<Linker.Candidate> p = predictions.get(i);
                        if (!p.isEmpty() && new CodeSet(p.get(0).codes()).equals(devGold.get(i))) {
                            hits++;
                        }
                    }
                    return 100.0 * hits / predictions.size();
                }

                /** The model's current weights become the best. */
                private void keepBest(double recall, int epoch) {
                    bestRecall[0] = Double.isNaN(recall) ? bestRecall[0] : recall;
                    bestEpoch[0] = epoch + 1;
                    writeBest(model, bestFile);
                    hasBest[0] = true;
                }
            }, from);
            log.printf("train: %d optimiser updates in %d epochs%n", trainer.updates(), settings.epochs());
            if (trainer.skippedUpdates() > 0) {
                log.printf("train: %d update(s) skipped because the loss or gradient was not finite%n", trainer.skippedUpdates());
            }
            if (!hasBest[0]) {
                writeBest(model, bestFile); // no evaluation point was reached: the last weights are the result
            }
            return new Result(config, bestFile, tokenizerJson, names, tries, seen, metrics,
                    bestRecall[0], bestEpoch[0], exampleCount[0], trainer.updates(), model.parameterCount(),
                    minutesBefore + (System.nanoTime() - started) / 6e10, pretrained, sourceTemplate);
        }
    }

    private Optional<TrainingCheckpoint> latest(TrainingCheckpoint.Checkpoints checkpoints, String fingerprint) {
        Optional<TrainingCheckpoint> latest;
        try {
            latest = checkpoints.latest();
        } catch (IOException | RuntimeException e) {
            log.println("train: warning: cannot read the checkpoints in " + checkpoints + " (" + e.getMessage()
                    + "); starting from scratch");
            return Optional.empty();
        }
        if (latest.isPresent() && !latest.get().fingerprint().equals(fingerprint)) {
            log.println("train: the checkpoint in " + checkpoints + " was made with other settings or data; "
                    + "starting from scratch (it will be replaced)");
            return Optional.empty();
        }
        return latest;
    }

    private Generator resumed(ModelConfig config, Payload weights) {
        try (java.io.InputStream in = weights.open()) {
            return pretrained == null ? Seq2SeqModel.resume(config, in) : pretrained.family().open(pretrained.config(), in, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.nio.file.Path createBestFile() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("syncabel-best", ".weights");
            file.toFile().deleteOnExit(); // Result.close removes it once published; this covers a run that failed
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBest(Generator model, java.nio.file.Path file) {
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 20)) {
            model.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Generator initial(ModelConfig config) {
        return pretrained == null ? Seq2SeqModel.create(config, settings.seed()) : pretrained.initial().get();
    }

    /** What a checkpoint must have been made with to be resumed: shape, optimiser settings, options, data. */
    private String fingerprint(ModelConfig config, byte[] tokenizer, List<TrainingExample> human, List<TrainingExample> synthetic,
            List<GenerativeLinker.Marked> devInputs) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            java.util.function.Consumer<String> add = text -> digest.update((text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            add.accept(config.toString());
            add.accept(settings.toString());
            add.accept(options.toString());
            digest.update(tokenizer);
            for (List<TrainingExample> examples : List.of(human, synthetic)) {
                add.accept("examples " + examples.size());
                for (TrainingExample e : examples) {
                    add.accept(Arrays.toString(e.source()) + Arrays.toString(e.target()) + e.prefix());
                }
            }
            devInputs.forEach(m -> add.accept(m.toString()));
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A KB-derived (or LLM-written) example: the marked source, the mention, the gold name. */
    public record SyntheticExample(String source, String mention, String name, String code) {
        /** Every name of the KB as a mention of itself, with no context: the original's "KB names" data. */
        public static List<SyntheticExample> kbNames(NameTable names) {
            List<SyntheticExample> out = new ArrayList<>();
            for (NameTable.Entry e : names.entries()) {
                out.add(of(e.name(), e.group(), e.name(), e.codes().get(0)));
            }
            return out;
        }

        /**
         * KB-guided pairs (GenBioEL's KB-guided pre-training), what the model learns its output space from when no
         * synthetic dataset is given: every name as a mention of itself ({@link #kbNames}); every other name of a
         * concept as a mention of the concept's title; an inverted MeSH-style name ("Neoplasms, Breast") written
         * the natural way ("Breast Neoplasms") as a mention of the inverted name. Targets are names of the table,
         * so every target is a trie path.
         */
        public static List<SyntheticExample> kbGuided(KnowledgeBase kb, NameTable names) {
            List<SyntheticExample> out = new ArrayList<>(kbNames(names));
            java.util.Map<String, java.util.Map<String, NameTable.Entry>> byName = new java.util.HashMap<>();
            for (NameTable.Entry e : names.entries()) {
                byName.computeIfAbsent(e.group(), g -> new java.util.HashMap<>()).put(e.name(), e);
            }
            for (NameTable.Entry e : names.entries()) {
                String code = e.codes().get(0);
                java.util.Map<String, NameTable.Entry> group = byName.get(e.group());
                kb.concept(code).map(io.syncabel.runtime.kb.Concept::title).map(io.syncabel.runtime.corpus.ExampleBuilder::cleanNatural)
                        .map(t -> group.containsKey(t) ? group.get(t) : group.get(NameTable.fold(t)))
                        .filter(title -> title.id() != e.id() && title.codes().get(0).equals(code))
                        .ifPresent(title -> out.add(of(e.name(), e.group(), title.name(), code)));
                String natural = uninverted(e.name());
                if (natural != null && !group.containsKey(natural) && !group.containsKey(NameTable.fold(natural))) {
                    out.add(of(natural, e.group(), e.name(), code));
                }
            }
            return out;
        }

        /** "Neoplasms, Breast" -> "Breast Neoplasms" (one comma, no other punctuation that would make it a list); else null. */
        static String uninverted(String name) {
            int comma = name.indexOf(", ");
            if (comma <= 0 || name.indexOf(',', comma + 1) >= 0 || name.matches(".*[()\\[\\];:/].*")) {
                return null;
            }
            return name.substring(comma + 2) + " " + name.substring(0, comma);
        }

        private static SyntheticExample of(String mention, String group, String name, String code) {
            return new SyntheticExample("[" + mention + "]{" + group + "}", mention, name, code);
        }
    }
}
