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
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Everything `syncabel train` does between reading inputs and publishing the artifact: tokenizer,
 * tries, examples (human + KB names as synthetic), training with per-epoch dev Recall@1, best
 * checkpoint kept in memory.
 */
public final class LinkerTraining {

    /** Options beyond the optimiser's. */
    public record Options(String size, Integer hiddenSize, Integer layers, Integer maxSourceLength, int vocabSize, int syntheticPerEpoch, TrainingMix mix, int devMaxMentions,
            int devBeams, Shape shape) {
        public Options(String size, Integer hiddenSize, Integer layers, Integer maxSourceLength, int vocabSize,
                int syntheticPerEpoch, TrainingMix mix, int devMaxMentions, int devBeams) {
            this(size, hiddenSize, layers, maxSourceLength, vocabSize, syntheticPerEpoch, mix, devMaxMentions, devBeams,
                    Shape.NONE);
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

    /** The result, ready to be written as a model artifact. */
    public record Result(ModelConfig config, byte[] bestWeights, byte[] tokenizerJson, NameTable names, GroupTries tries,
            Set<String> seenCodes, List<String> metrics, double bestDevRecallAt1, int bestEpoch, long examples,
            long parameters, double minutes) {
    }

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
        long started = System.nanoTime();
        NameTable names = NameTable.of(kb);
        List<String> texts = new ArrayList<>();
        names.entries().forEach(e -> texts.add(e.name()));
        train.forEach(i -> texts.add(i.source()));
        synthetic.forEach(s -> texts.add(s.source()));
        BpeVocabulary vocabulary = new BpeTrainer(options.vocabSize(), 2).train(texts);
        log.printf("train: tokenizer %d tokens; %d names in %d groups%n", vocabulary.size(), names.entries().size(),
                kb.groups().size());
        GroupTries tries = GroupTries.build(names.trieNames(), vocabulary::encode, BpeVocabulary.END);
        ModelConfig config = config(options, vocabulary.size());
        ExampleEncoder encoder = new ExampleEncoder(vocabulary::encode, config.maxSourceLength());
        List<TrainingExample> human = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (CorpusExamples.Item item : train) {
            human.add(new TrainingExample(encoder.source(item.source(), item.mention()),
                    encoder.target(item.mention(), item.names())));
            seen.add(item.example().code());
        }
        List<TrainingExample> kbExamples = new ArrayList<>();
        for (SyntheticExample s : synthetic) {
            kbExamples.add(new TrainingExample(encoder.source(s.source(), s.mention()), encoder.target(s.mention(), List.of(s.name()))));
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

        List<String> metrics = new ArrayList<>();
        ByteArrayOutputStream[] best = {null};
        double[] bestRecall = {-1};
        int[] bestEpoch = {-1};
        long[] exampleCount = {0};
        try (Seq2SeqModel model = Seq2SeqModel.create(config, settings.seed())) {
            log.printf("train: model %s, %,d parameters%n", config, model.parameterCount());
            Linker.Info info = new Linker.Info("syncabel", "training", String.valueOf(kb.metadata().get("version")));
            GenerativeLinker linker = new GenerativeLinker(model, encoder, vocabulary::decode, tries, names, info);
            Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, settings);
            trainer.train(epoch -> {
                List<TrainingExample> sample = new ArrayList<>(kbExamples);
                Collections.shuffle(sample, new Random(settings.seed() + epoch));
                List<TrainingExample> epochData = options.mix().mix(human, sample.subList(0, perEpoch), options.shape().humanUpsampling());
                exampleCount[0] = epochData.size();
                return epochData;
            }, new Seq2SeqTrainer.Listener() {
                @Override
                public void onStep(int epoch, long step, long totalSteps, float loss) {
                    if (step % 50 == 0 || step == totalSteps) {
                        double minutes = (System.nanoTime() - started) / 6e10;
                        double eta = minutes / step * (totalSteps - step);
                        String line = String.format("epoch %d step %d/%d loss %.4f (%.1f min, eta %.1f min)",
                                epoch + 1, step, totalSteps, loss, minutes, eta);
                        log.println("train: " + line);
                        log.flush();
                        progress.accept(String.format("{\"done\":%d,\"total\":%d,\"epoch\":%d,\"loss\":%.5f,\"message\":\"%s\"}",
                                step, totalSteps, epoch + 1, loss, line));
                    }
                }

                @Override
                public void onEpoch(int epoch, long step, float meanLoss) {
                    double recall = Double.NaN;
                    if (!devInputs.isEmpty()) {
                        List<List<Linker.Candidate>> predictions = linker.linkMarked(devInputs,
                                new Linker.Options(options.devBeams(), 1, true));
                        int hits = 0;
                        for (int i = 0; i < predictions.size(); i++) {
                            List<Linker.Candidate> p = predictions.get(i);
                            if (!p.isEmpty() && new CodeSet(p.get(0).codes()).equals(devGold.get(i))) {
                                hits++;
                            }
                        }
                        recall = 100.0 * hits / predictions.size();
                    }
                    double minutes = (System.nanoTime() - started) / 6e10;
                    String metric = String.format(java.util.Locale.ROOT,
                            "{\"epoch\":%d,\"step\":%d,\"loss\":%.5f,\"devRecallAt1\":%s,\"minutes\":%.2f}",
                            epoch + 1, step, meanLoss, Double.isNaN(recall) ? "null" : String.format(java.util.Locale.ROOT, "%.2f", recall),
                            minutes);
                    metrics.add(metric);
                    log.println("train: " + metric);
                    log.flush();
                    boolean better = Double.isNaN(recall) || recall > bestRecall[0];
                    if (better) {
                        bestRecall[0] = Double.isNaN(recall) ? bestRecall[0] : recall;
                        bestEpoch[0] = epoch + 1;
                        best[0] = new ByteArrayOutputStream();
                        try {
                            model.save(best[0]);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
            });
            if (trainer.skippedUpdates() > 0) {
                log.printf("train: %d update(s) skipped because the loss or gradient was not finite%n", trainer.skippedUpdates());
            }
            ByteArrayOutputStream tokenizerJson = new ByteArrayOutputStream();
            try {
                vocabulary.writeTokenizerJson(tokenizerJson);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Result(config, best[0].toByteArray(), tokenizerJson.toByteArray(), names, tries, seen, metrics,
                    bestRecall[0], bestEpoch[0], exampleCount[0], model.parameterCount(),
                    (System.nanoTime() - started) / 6e10);
        }
    }

    /** A KB-derived (or LLM-written) example: the marked source, the mention, the gold name. */
    public record SyntheticExample(String source, String mention, String name, String code) {
        /** Every name of the KB as a mention of itself, with no context: the original's "KB names" data. */
        public static List<SyntheticExample> kbNames(NameTable names) {
            List<SyntheticExample> out = new ArrayList<>();
            for (NameTable.Entry e : names.entries()) {
                out.add(new SyntheticExample("[" + e.name() + "]{" + e.group() + "}", e.name(), e.name(), e.codes().get(0)));
            }
            return out;
        }
    }
}
