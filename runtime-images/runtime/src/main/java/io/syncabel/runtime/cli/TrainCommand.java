package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.model.LinkerTraining;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.model.StoreCheckpoints;
import io.syncabel.runtime.model.ModelConfig;
import io.syncabel.runtime.model.TrainingMix;
import io.syncabel.runtime.model.TrainingSettings;
import io.syncabel.runtime.model.pretrained.DenseArtifact;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.synth.SynthRecord;
import io.syncabel.runtime.synth.SyntheticDatasets;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `syncabel train`: a generative linker from a KB artifact, annotated corpora and synthetic datasets. From plain
 * flags, from a TrainingRun manifest (-f), or from the pod contract (SYNCABEL_RESOURCE, SYNCABEL_INPUT_KNOWLEDGE_BASE,
 * SYNCABEL_INPUT_SYNTHETIC_DATASETS, SYNCABEL_OUTPUT_URI); flags override the manifest. Field mapping: docs/model.md.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the generative linker (tokenizer, tries, DJL encoder-decoder) and write a model artifact.")
final class TrainCommand implements Callable<Integer>, ModelStage {
    private final Env env;

    TrainCommand() {
        this(Env.system());
    }

    TrainCommand(Env env) {
        this.env = env;
    }

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    UnknownCodesOption unknownCodes = new UnknownCodesOption();

    @Option(names = {"-f", "--filename"}, paramLabel = "TRAININGRUN.YAML",
            description = "A TrainingRun manifest; relative file: URIs resolve against its folder.")
    Path manifest;


    @Option(names = "--kb", paramLabel = "URI", description = "Knowledge-base artifact; default SYNCABEL_INPUT_KNOWLEDGE_BASE.")
    String kb;

    @Option(names = "--train", paramLabel = "FILE", description = "Training corpus (repeatable; replaces the manifest's train corpora).")
    List<Path> train;

    @Option(names = "--dev", paramLabel = "FILE", description = "Development corpus: dev Recall@1 picks the best epoch.")
    List<Path> dev;

    @Option(names = "--synthetic", paramLabel = "URI",
            description = "Synthetic dataset prefix from `syncabel synth generate` (repeatable); default SYNCABEL_INPUT_SYNTHETIC_DATASETS; "
                    + "without any, the KB's names are the synthetic examples.")
    List<String> synthetic;

    @Option(names = "--corpus-format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name).")
    String format;

    @Option(names = "--out", paramLabel = "URI", description = "Output prefix of the model artifact; default SYNCABEL_OUTPUT_URI.")
    String out;

    @Option(names = "--size", description = "tiny, small or base (default small).")
    String size;

    @Option(names = "--hidden-size", description = "Overrides the size's hidden width.")
    Integer hiddenSize;

    @Option(names = "--layers", description = "Overrides the size's encoder and decoder depth.")
    Integer layers;

    @Option(names = "--max-source-length", description = "Overrides the size's source window in tokens.")
    Integer maxSourceLength;

    @Option(names = "--vocab-size", description = "BPE vocabulary size (default 4000).")
    Integer vocabSize;

    @Option(names = "--epochs", description = "default 10")
    Integer epochs;

    @Option(names = "--batch-tokens", description = "Padded tokens per batch (default 4096; a manifest's batchSize B gives B x maxSourceLength).")
    Integer batchTokens;

    @Option(names = "--lr", description = "default 1e-3")
    Float learningRate;

    @Option(names = "--warmup", description = "default 200")
    Integer warmup;

    @Option(names = "--label-smoothing", description = "default 0.1")
    Float labelSmoothing;

    @Option(names = "--weight-average", paramLabel = "DECAY", description = "keep an exponential moving average of the"
            + " weights with this decay cap (0: none) and let dev choose between it and the weights at each evaluation point;"
            + " default 0")
    Float weightAverage;

    @Option(names = "--seed", description = "default 42")
    Long seed;

    @Option(names = "--mixing", description = "alternate or concatenate (default alternate).")
    String mixing;

    @Option(names = "--synthetic-per-epoch", description = "Synthetic examples sampled per epoch (default 0 = all of them).")
    Integer syntheticPerEpoch;

    @Option(names = "--dev-max-mentions", description = "default 1000")
    Integer devMax;

    @Option(names = "--dev-beams", defaultValue = "1")
    int devBeams;

    @Option(names = "--dev-every-steps", description = "Dev Recall@1 and a checkpoint every N steps besides each epoch's end "
            + "(default: epoch ends only).")
    Integer devEverySteps;

    @Option(names = "--no-abbreviations", description = "Do not expand short forms defined in the same document.")
    boolean noAbbreviations;

    @Option(names = "--human-upsampling", description = "Human examples k times per epoch, mixed with the synthetic sample "
            + "(TrainingRun spec.mixing.humanUpsampling; default: cycled as long as the synthetic side lasts).")
    Integer humanUpsampling;

    @Option(names = "--keep-case", description = "Train a case-sensitive model (default: case-folded text, tokenizer and tries).")
    boolean keepCase;

    @Option(names = "--dev-train-fraction", description = "Fraction of the dev documents (a seeded choice) trained on "
            + "with the training split; the rest picks the checkpoint (default 0: dev only picks).")
    Double devTrainFraction;

    @Option(names = "--checkpoint-minutes", defaultValue = "5", paramLabel = "M",
            description = "A checkpoint every M minutes between evaluation points too, so a preempted run loses little "
                    + "(default ${DEFAULT-VALUE}; 0: only at evaluation points).")
    double checkpointMinutes;

    @Option(names = "--no-reranker", description = "Do not fit the learned re-ranker after training (default: fitted when "
            + "there is a dev split, saved as reranker.json; the model then links with fixed-weight fusion).")
    boolean noReranker;

    @Option(names = "--pretrained", paramLabel = "URI", description = "A pretrained checkpoint (HF layout; "
            + "spec.model.pretrained.uri); it and its digest join the model's lineage. A BART-family one (model_type bart or "
            + "mbart) is fine-tuned as the generator, with its own tokenizer. Any other (BERT family): after the model, a "
            + "SapBERT-style dense retriever is fine-tuned from it and published beside it as <out>.dense/ (`syncabel dense "
            + "train`); the re-ranker learns from its candidates, link, evaluate and serve retrieve with it by default.")
    String pretrained;

    @Option(names = "--pretrained-digest", paramLabel = "sha256:HEX",
            description = "Refuse the checkpoint unless its digest is this one (spec.model.pretrained.digest).")
    String pretrainedDigest;

    @Option(names = "--dense-pretrained", paramLabel = "URI", description = "A pretrained BERT-family checkpoint the dense "
            + "retriever is fine-tuned from beside the generator (the project's own or a BART --pretrained; "
            + "spec.model.densePretrained.uri): one run then trains both, and the re-ranker learns from both. Default: "
            + "SYNCABEL_DENSE_ENCODER, the encoder the runtime image carries. Not with a BERT-family --pretrained (the dense "
            + "encoder already).")
    String densePretrained;

    @Option(names = "--dense-pretrained-digest", paramLabel = "sha256:HEX",
            description = "Refuse the dense checkpoint unless its digest is this one (spec.model.densePretrained.digest).")
    String densePretrainedDigest;

    @Option(names = "--no-dense", description = "Train no dense retriever, not even from the runtime's default encoder "
            + "(SYNCABEL_DENSE_ENCODER; spec.model.dense: false). Not with --dense-pretrained or a BERT-family --pretrained.")
    boolean noDense;

    @Option(names = "--dense-steps", paramLabel = "N", description = "SapBERT updates of the dense retriever (default: three "
            + "passes over the KB's concepts, at most 1000; 0: as it is).")
    Integer denseSteps;

    @Option(names = "--language", paramLabel = "en|fr|es", description = "Language of the corpora (spec.language; default en), "
            + "recorded with the model; for an mBART checkpoint the language code of its sources and targets.")
    String language;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Path cwd = Path.of("").toAbsolutePath();
        Path base = cwd;
        TrainingRunSpec run = null;
        if (manifest != null) {
            run = parse(read(manifest), manifest.toString());
            base = manifest.toAbsolutePath().getParent();
        } else if (env.get("SYNCABEL_RESOURCE") != null) {
            run = parse(env.get("SYNCABEL_RESOURCE"), "SYNCABEL_RESOURCE");
        }
        if (language == null) {
            language = run != null && run.getLanguage() != null ? run.getLanguage().name().toLowerCase(java.util.Locale.ROOT) : "en";
        }
        String kbLocation = kb != null ? kb : env.get("SYNCABEL_INPUT_KNOWLEDGE_BASE");
        if (kbLocation == null) {
            throw new UserError("no knowledge base: give --kb URI (or set SYNCABEL_INPUT_KNOWLEDGE_BASE)");
        }
        String outLocation = out != null ? out : env.get("SYNCABEL_OUTPUT_URI");
        if (outLocation == null) {
            throw new UserError("no output: give --out URI (or set SYNCABEL_OUTPUT_URI)");
        }
        String kbUri = Uris.prefix(kbLocation);
        String outUri = Uris.prefix(outLocation);

        // corpora: flags replace the manifest's
        List<Path> trainFiles = new ArrayList<>();
        List<Path> devFiles = new ArrayList<>();
        List<String> trainFormats = new ArrayList<>();
        List<String> devFormats = new ArrayList<>();
        if (run != null && run.getCorpora() != null) {
            for (int i = 0; i < run.getCorpora().size(); i++) {
                CorpusSource c = run.getCorpora().get(i);
                if (c.getUri() == null) {
                    throw new UserError("field spec.corpora[" + i + "].uri: required");
                }
                CorpusSource.Split split = c.getSplit() == null ? CorpusSource.Split.TRAIN : c.getSplit();
                if (split == CorpusSource.Split.TEST) {
                    throw new UserError("field spec.corpora[" + i + "].split: test corpora are not used for training; "
                            + "give them to an Evaluation");
                }
                Path p = CorpusInputs.local(c.getUri(), base, env.vars());
                (split == CorpusSource.Split.DEV ? devFiles : trainFiles).add(p);
                (split == CorpusSource.Split.DEV ? devFormats : trainFormats).add(CorpusInputs.format(c.getFormat()));
            }
        }
        if (train != null) {
            trainFiles = new ArrayList<>(train);
            trainFormats = new ArrayList<>(java.util.Collections.nCopies(train.size(), (String) null));
        }
        if (dev != null) {
            devFiles = new ArrayList<>(dev);
            devFormats = new ArrayList<>(java.util.Collections.nCopies(dev.size(), (String) null));
        }
        List<String> syntheticUris = syntheticUris(run);
        if (trainFiles.isEmpty() && syntheticUris.isEmpty()) {
            throw new UserError("nothing to train on: give --train FILE and/or --synthetic URI (spec.corpora, spec.syntheticDatasetRefs)");
        }

        // model, optimiser, mixing, dev selection: flag, else manifest, else default
        TrainingRunSpec.ModelSpec m = run == null ? null : run.getModel();
        TrainingRunSpec.Hyperparameters h = run == null ? null : run.getHyperparameters();
        TrainingRunSpec.DevSelection d = run == null ? null : run.getDevSelection();
        TrainingRunSpec.Mixing mix = run == null ? null : run.getMixing();
        // pretrained checkpoints: flag, else manifest (a digest only ever checks the URI it was given with)
        String thePretrained = pretrained;
        String thePretrainedDigest = pretrainedDigest;
        if (thePretrained == null && m != null && m.getPretrained() != null) {
            thePretrained = m.getPretrained().getUri();
            thePretrainedDigest = pretrainedDigest != null ? pretrainedDigest : m.getPretrained().getDigest();
        }
        String theDensePretrained = densePretrained;
        String theDensePretrainedDigest = densePretrainedDigest;
        if (theDensePretrained == null && m != null && m.getDensePretrained() != null) {
            theDensePretrained = m.getDensePretrained().getUri();
            theDensePretrainedDigest = densePretrainedDigest != null ? densePretrainedDigest : m.getDensePretrained().getDigest();
        }
        boolean trainDense = !noDense && !(m != null && Boolean.FALSE.equals(m.getDense()));
        String noDenseSource = noDense ? "--no-dense" : "field spec.model.dense: false";
        if (d != null && d.getMetric() == TrainingRunSpec.DevMetric.LOSS) {
            throw new UserError("field spec.devSelection.metric: loss is not supported by this runtime (dev Recall@1 picks "
                    + "the checkpoint); leave it out or use recall-at-1");
        }
        int theDevEvery = devEverySteps != null ? devEverySteps : d != null && d.getEverySteps() != null ? d.getEverySteps() : 0;
        if (denseSteps != null && denseSteps < 0) {
            throw new UserError("--dense-steps " + denseSteps + ": expected 0 or more");
        }
        if (theDevEvery < 0) {
            throw new UserError("--dev-every-steps " + theDevEvery + ": expected a positive number of steps");
        }
        String theSize = size != null ? size : m != null && m.getSize() != null ? m.getSize().name().toLowerCase(Locale.ROOT) : "small";
        if (!List.of("tiny", "small", "base").contains(theSize)) {
            throw new UserError("--size " + theSize + ": expected tiny, small or base");
        }
        LinkerTraining.Shape shape = new LinkerTraining.Shape(
                layers != null ? null : m == null ? null : m.getEncoderLayers(),
                layers != null ? null : m == null ? null : m.getDecoderLayers(),
                m == null ? null : m.getHeads(), m == null ? null : m.getFfnSize(),
                m == null || m.getDropout() == null ? null : m.getDropout().floatValue(),
                m == null ? null : m.getMaxTargetLength(),
                humanUpsampling != null ? humanUpsampling : mix == null ? null : mix.getHumanUpsampling());
        String theMixing = mixing != null ? mixing : mix != null && mix.getStrategy() != null
                ? mix.getStrategy().name().toLowerCase(Locale.ROOT) : "alternate";
        TrainingMix trainingMix;
        try {
            trainingMix = TrainingMix.valueOf(theMixing.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--mixing " + theMixing + ": expected alternate or concatenate");
        }
        int theDevMax = devMax != null ? devMax : d != null && d.getMaxMentions() != null ? d.getMaxMentions() : 1000;
        LinkerTraining.Options options = new LinkerTraining.Options(theSize,
                hiddenSize != null ? hiddenSize : m == null ? null : m.getHiddenSize(), layers,
                maxSourceLength != null ? maxSourceLength : m == null ? null : m.getMaxSourceLength(),
                vocabSize != null ? vocabSize : m != null && m.getVocabSize() != null ? m.getVocabSize() : 4000,
                syntheticPerEpoch != null ? syntheticPerEpoch : 0, trainingMix, theDevMax, devBeams, shape,
                theDevEvery, !keepCase);
        double theDevTrainFraction = devTrainFraction != null ? devTrainFraction : 0;
        if (!(theDevTrainFraction >= 0 && theDevTrainFraction < 1)) {
            throw new UserError("--dev-train-fraction " + devTrainFraction + ": expected a fraction in [0, 1)");
        }
        if (weightAverage != null && !(weightAverage >= 0 && weightAverage < 1)) {
            throw new UserError("--weight-average " + weightAverage + ": expected a decay in [0, 1) (0: no average)");
        }
        ModelConfig shapeCheck;
        try {
            shapeCheck = LinkerTraining.config(options, 1000);
        } catch (IllegalArgumentException e) {
            throw new UserError("model: " + e.getMessage());
        }
        TrainingSettings defaults = TrainingSettings.defaults();
        int tokens = batchTokens != null ? batchTokens : h != null && h.getBatchSize() != null
                ? h.getBatchSize() * shapeCheck.maxSourceLength() : defaults.maxBatchTokens();
        TrainingSettings settings = new TrainingSettings(
                epochs != null ? epochs : h != null && h.getEpochs() != null ? h.getEpochs() : defaults.epochs(),
                tokens,
                learningRate != null ? learningRate : h != null && h.getLearningRate() != null ? h.getLearningRate().floatValue() : defaults.learningRate(),
                warmup != null ? warmup : h != null && h.getWarmupSteps() != null ? h.getWarmupSteps() : defaults.warmupSteps(),
                labelSmoothing != null ? labelSmoothing : h != null && h.getLabelSmoothing() != null ? h.getLabelSmoothing().floatValue() : defaults.labelSmoothing(),
                h != null && h.getWeightDecay() != null ? h.getWeightDecay().floatValue() : defaults.weightDecay(),
                h != null && h.getGradientClip() != null ? h.getGradientClip().floatValue() : defaults.gradientClip(),
                seed != null ? seed : h != null && h.getSeed() != null ? h.getSeed() : defaults.seed(),
                weightAverage != null ? weightAverage : defaults.weightAverage());

        try (ArtifactStore kbStore = Stores.forUri(kbUri, env.vars()); ArtifactStore store = Stores.forUri(outUri, env.vars())) {
            KnowledgeBase knowledgeBase = KbArtifact.load(kbStore, kbUri);
            if (store.manifest(outUri).isPresent()) {
                throw new UserError(outUri + " already holds a published model; artifacts are immutable, choose another --out");
            }
            Problems problems = unknownCodes.problems(false);
            List<CorpusExamples.Item> trainItems = new ArrayList<>();
            for (int i = 0; i < trainFiles.size(); i++) {
                String f = format != null ? format : trainFormats.get(i);
                trainItems.addAll(CorpusExamples.read(trainFiles.get(i), f, knowledgeBase, language, !noAbbreviations, problems));
            }
            List<CorpusExamples.Item> devItems = new ArrayList<>();
            for (int i = 0; i < devFiles.size(); i++) {
                String f = format != null ? format : devFormats.get(i);
                devItems.addAll(CorpusExamples.read(devFiles.get(i), f, knowledgeBase, language, !noAbbreviations, problems));
            }
            unknownCodes.report(problems, "train", err);
            if (theDevTrainFraction > 0) {
                List<CorpusExamples.Item> held = new ArrayList<>();
                int folded = io.syncabel.runtime.corpus.DevSplit.fold(devItems, theDevTrainFraction, settings.seed(), trainItems, held);
                err.printf("train: %d dev mentions trained on (%.0f%% of the dev documents), %d kept to pick the checkpoint%n",
                        folded, 100 * theDevTrainFraction, held.size());
                devItems = held;
            }
            var names = io.syncabel.runtime.model.NameTable.of(knowledgeBase, options.caseFold());
            List<LinkerTraining.SyntheticExample> syntheticExamples;
            long syntheticSkipped = 0;
            List<Manifest.Input> inputs = new ArrayList<>();
            inputs.add(new Manifest.Input(kbUri, null));
            // opened (and its digest checked) before hours of training, not after
            io.syncabel.runtime.model.pretrained.HfCheckpoint checkpoint = null;
            // a BART-family checkpoint becomes the generator; any other (BERT-family) the dense retriever
            io.syncabel.runtime.model.GeneratorFamily generatorFamily = null;
            if (thePretrained != null) {
                String checkpointUri = Uris.prefix(thePretrained);
                checkpoint = thePretrainedDigest == null ? io.syncabel.runtime.model.pretrained.HfCheckpoint.open(checkpointUri)
                        : io.syncabel.runtime.model.pretrained.HfCheckpoint.open(checkpointUri, thePretrainedDigest);
                inputs.add(new Manifest.Input(checkpointUri, checkpoint.digest()));
                generatorFamily = generatorFamily(checkpoint);
                List<String> shaping = generatorFamily == null ? List.of() : shapingSettings(m);
                if (!shaping.isEmpty()) {
                    throw new UserError(String.join(", ", shaping) + ": shape the project's own network; " + checkpointUri
                            + " is a " + checkpoint.config().path("model_type").asText()
                            + " checkpoint whose config.json fixes the generator's shape and whose tokenizer.json its vocabulary");
                }
            } else if (thePretrainedDigest != null) {
                throw new UserError("--pretrained-digest needs --pretrained URI");
            }
            // the encoder the dense retriever starts from: a BERT-family --pretrained, or --dense-pretrained beside a generator
            io.syncabel.runtime.model.pretrained.HfCheckpoint denseCheckpoint = generatorFamily == null ? checkpoint : null;
            boolean defaultEncoder = false;
            if (!trainDense) {
                if (denseCheckpoint != null) {
                    throw new UserError(noDenseSource + ": --pretrained " + thePretrained + " is a "
                            + checkpoint.config().path("model_type").asText("BERT-family")
                            + " checkpoint, which becomes the dense retriever; leave out one of them");
                }
                if (theDensePretrained != null) {
                    throw new UserError(noDenseSource + ": --dense-pretrained " + theDensePretrained
                            + " names the dense retriever's encoder; leave out one of them");
                }
            } else if (denseCheckpoint == null && theDensePretrained == null && theDensePretrainedDigest == null) {
                // the image carries an encoder (all-MiniLM-L6-v2) and names it: the dense retriever is on by default
                String fallback = env.get(DenseArtifact.DEFAULT_ENCODER_ENV);
                if (fallback != null && !fallback.isBlank()) {
                    theDensePretrained = fallback.strip();
                    defaultEncoder = true;
                    err.println("train: the dense retriever is fine-tuned from the runtime's default encoder " + theDensePretrained
                            + " (" + DenseArtifact.DEFAULT_ENCODER_ENV + "; --no-dense or spec.model.dense: false trains none)");
                } else {
                    err.println("train: no dense retriever (give --dense-pretrained URI or set " + DenseArtifact.DEFAULT_ENCODER_ENV
                            + "; the runtime image carries all-MiniLM-L6-v2, tools/fetch-model.sh fetches it)");
                }
            }
            if (theDensePretrained != null) {
                if (denseCheckpoint != null) {
                    throw new UserError("--dense-pretrained " + theDensePretrained + ": --pretrained " + thePretrained + " is a "
                            + checkpoint.config().path("model_type").asText("BERT-family")
                            + " checkpoint, already the dense retriever's encoder; give one of them");
                }
                String denseUri = Uris.prefix(theDensePretrained);
                try {
                    denseCheckpoint = theDensePretrainedDigest == null ? io.syncabel.runtime.model.pretrained.HfCheckpoint.open(denseUri)
                            : io.syncabel.runtime.model.pretrained.HfCheckpoint.open(denseUri, theDensePretrainedDigest);
                } catch (UserError e) {
                    throw defaultEncoder ? new UserError(DenseArtifact.DEFAULT_ENCODER_ENV + "=" + theDensePretrained + ": " + e.getMessage(), e) : e;
                }
                if (generatorFamily(denseCheckpoint) != null) {
                    throw new UserError("--dense-pretrained " + denseUri + " is a " + denseCheckpoint.config().path("model_type").asText()
                            + " checkpoint, a generator, not a sentence encoder: give a BERT-family one (SapBERT, PubMedBERT, MiniLM)");
                }
                inputs.add(new Manifest.Input(denseUri, denseCheckpoint.digest()));
            } else if (theDensePretrainedDigest != null) {
                throw new UserError("--dense-pretrained-digest needs --dense-pretrained URI");
            }
            if (syntheticUris.isEmpty()) {
                syntheticExamples = LinkerTraining.SyntheticExample.kbGuided(knowledgeBase, names);
            } else {
                List<SynthRecord> records = new ArrayList<>();
                for (String uri : syntheticUris) {
                    try (ArtifactStore s = Stores.forUri(uri, env.vars())) {
                        List<SynthRecord> r = SyntheticDatasets.read(s, uri);
                        err.printf("train: synthetic dataset %s: %d records%n", uri, r.size());
                        records.addAll(r);
                    }
                    inputs.add(new Manifest.Input(uri, null));
                }
                SyntheticDatasets.TrainingExamples te = SyntheticDatasets.trainingExamples(knowledgeBase, records);
                syntheticExamples = te.examples();
                syntheticSkipped = te.skipped();
            }
            if (!(checkpointMinutes >= 0)) {
                throw new UserError("--checkpoint-minutes " + checkpointMinutes + ": expected 0 or more");
            }
            io.syncabel.runtime.model.GeneratorFamily.Localised localised = generatorFamily == null ? null
                    : generatorFamily.localise(checkpoint.config(), Files.readAllBytes(checkpoint.tokenizerFile()), language, checkpoint.uri());
            LinkerTraining training = new LinkerTraining(knowledgeBase, settings, options, err)
                    .checkpointInterval(java.time.Duration.ofMillis(Math.round(checkpointMinutes * 60_000)));
            if (generatorFamily != null) {
                io.syncabel.runtime.model.GeneratorFamily family = generatorFamily;
                io.syncabel.runtime.model.pretrained.HfCheckpoint from = checkpoint;
                err.printf("train: the generator is the %s checkpoint %s, fine-tuned with its own tokenizer%s%n", family.name(), from.uri(),
                        localised.languageCode() == null ? "" : ", language code " + localised.languageCode() + " (source and target)");
                training.pretrained(new LinkerTraining.Pretrained(family, localised.config(), localised.tokenizerJson(), () -> {
                    try {
                        return family.openCheckpoint(localised.config(), from.dir());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            StoreCheckpoints checkpoints = new StoreCheckpoints(store, StoreCheckpoints.prefixFor(outUri), err);
            LinkerTraining.Result result = training.run(trainItems, devItems, syntheticExamples, json -> {
                try {
                    store.writeProgress(outUri, json);
                } catch (IOException e) {
                    err.println("train: cannot write progress.json: " + e.getMessage());
                }
            }, checkpoints);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("examples", result.examples());
            counts.put("humanExamples", trainItems.size());
            counts.put("syntheticExamples", syntheticExamples.size());
            counts.put("syntheticSource", syntheticUris.isEmpty() ? "kb-guided" : "datasets");
            counts.put("updates", result.updates());
            counts.put("caseFold", options.caseFold());
            if (syntheticSkipped > 0) {
                counts.put("syntheticSkipped", syntheticSkipped);
            }
            counts.put("devMentions", Math.min(devItems.size(), theDevMax));
            counts.put("epochs", settings.epochs());
            counts.put("bestEpoch", result.bestEpoch());
            if (result.bestDevRecallAt1() >= 0) {
                counts.put("devRecallAt1", Math.round(result.bestDevRecallAt1() * 10) / 10.0);
            }
            counts.put("trainMinutes", Math.round(result.minutes() * 10) / 10.0);
            for (Path p : trainFiles) {
                inputs.add(new Manifest.Input("file:" + p.toAbsolutePath(), null));
            }
            // every annotated mention of the human data (dev too: it only picked the epoch) for lookup and retrieval
            List<CorpusExamples.Item> annotated = new ArrayList<>(trainItems);
            annotated.addAll(devItems);
            io.syncabel.runtime.link.MentionDictionary trainingMentions = io.syncabel.runtime.link.MentionDictionary.of(annotated);
            counts.put("dictionaryMentions", trainingMentions.size());
            ModelArtifact.Info info = new ModelArtifact.Info(result.config(), kbUri,
                    java.util.Objects.toString(knowledgeBase.metadata().get("version"), null), language, result.parameters());
            if (generatorFamily != null) {
                info = info.withGenerator(generatorFamily.name(), localised.config(), result.sourceTemplate());
            }
            Map<String, Object> denseSummary = null;
            io.syncabel.runtime.model.pretrained.DenseArtifact denseArtifact = null;
            if (denseCheckpoint != null) {
                // before the re-ranker, which learns from its candidates and cosines; beside the model, as checkpoints are
                String densePrefix = densePrefixFor(outUri);
                if (store.manifest(densePrefix).isPresent()) {
                    err.println("train: reusing the dense retriever an earlier run of this output published at " + densePrefix);
                    denseSummary = Map.of("minutes", 0.0);
                } else {
                    // the training mentions only: the held-out dev mentions stay unseen for the re-ranker's model layer
                    int updates = denseSteps != null ? denseSteps : io.syncabel.runtime.model.pretrained.SapBertTraining.defaultSteps(
                            knowledgeBase.concepts().size(), io.syncabel.runtime.model.pretrained.SapBertTraining.CONCEPTS_PER_BATCH);
                    denseSummary = DenseCommand.trainAndPublish(denseCheckpoint, knowledgeBase, trainItems, updates == 0 ? null
                            : io.syncabel.runtime.model.pretrained.SapBertTraining.Settings.defaults(updates)
                                    .withSeed(settings.seed()),
                            io.syncabel.runtime.link.DenseIndex.Storage.FLOAT16, "auto", io.syncabel.runtime.link.DenseGraph.EF_SEARCH, 1, 32, List.of(new Manifest.Input(kbUri, null)),
                            densePrefix, err);
                }
                denseArtifact = io.syncabel.runtime.model.pretrained.DenseArtifact.load(densePrefix);
                info = info.withDense(densePrefix);
            }
            io.syncabel.runtime.link.Reranker reranker = null;
            if (!noReranker && !devItems.isEmpty() && !trainItems.isEmpty()) {
                try {
                    var fitted = fitReranker(knowledgeBase, trainItems, devItems, result, info,
                            denseArtifact == null ? null : denseArtifact.retriever());
                    reranker = fitted.reranker();
                    counts.putAll(RerankCommand.summary(fitted, err));
                } catch (IllegalArgumentException e) {
                    err.println("train: no re-ranker (" + e.getMessage() + "); the model links with fixed-weight fusion");
                }
            }
            try (ArtifactWriter writer = store.create(outUri)) {
                ModelArtifact.write(writer, info, o -> Files.copy(result.bestWeights(), o), result.tokenizerJson(),
                        result.names(), result.tries(), result.seenCodes(), trainingMentions, reranker, result.metrics(),
                        counts, inputs);
            }
            result.close();
            try {
                checkpoints.clear(); // the model is published: nothing left to resume
            } catch (IOException | RuntimeException e) {
                err.println("train: warning: cannot remove the checkpoints in " + checkpoints + ": " + e.getMessage());
            }
            if (denseArtifact != null) {
                denseArtifact.close();
            }
            Map<String, Object> summary = new LinkedHashMap<>(counts);
            summary.put("parameters", result.parameters());
            summary.put("outputUri", outUri);
            if (denseSummary != null) {
                summary.put("denseRetriever", info.denseUri());
                summary.put("denseMinutes", denseSummary.get("minutes"));
            }
            Summary.emit(spec.commandLine().getOut(), summary, env);
        }
        return 0;
    }

    /** Where `train --pretrained` publishes the dense retriever: beside the model, {@code <out>.dense/}. */
    static String densePrefixFor(String modelPrefix) {
        return io.syncabel.runtime.store.StoreUris.sibling(modelPrefix, ".dense");
    }

    /**
     * The re-ranker of the trained model (its best weights, in memory): the model-free layer learnt on the training
     * mentions, the model layer on the dev mentions (held out from training; they only picked the checkpoint).
     */
    private static io.syncabel.runtime.link.RerankerTraining.Fitted fitReranker(KnowledgeBase kb, List<CorpusExamples.Item> train,
            List<CorpusExamples.Item> dev, LinkerTraining.Result result, ModelArtifact.Info info,
            io.syncabel.runtime.link.DenseRetriever dense) throws IOException {
        try (LinkerTraining.Opened best = result.open(new io.syncabel.runtime.link.Linker.Info("syncabel", "training", info.kbVersion()))) {
            return io.syncabel.runtime.link.RerankerTraining.fit(kb, train, dev, best.linker(),
                    io.syncabel.runtime.link.RerankerTraining.CANDIDATES, io.syncabel.runtime.link.RerankerTraining.FOLDS, dense);
        }
    }

    /** The flags and manifest fields given that only the project's own network has (a pretrained generator's config fixes them). */
    private List<String> shapingSettings(TrainingRunSpec.ModelSpec m) {
        List<String> set = new ArrayList<>();
        java.util.function.BiConsumer<String, Object> add = (name, value) -> {
            if (value != null) {
                set.add(name);
            }
        };
        add.accept("--size", size);
        add.accept("--hidden-size", hiddenSize);
        add.accept("--layers", layers);
        add.accept("--vocab-size", vocabSize);
        if (m != null) {
            add.accept("field spec.model.size", m.getSize());
            add.accept("field spec.model.hiddenSize", m.getHiddenSize());
            add.accept("field spec.model.encoderLayers", m.getEncoderLayers());
            add.accept("field spec.model.decoderLayers", m.getDecoderLayers());
            add.accept("field spec.model.heads", m.getHeads());
            add.accept("field spec.model.ffnSize", m.getFfnSize());
            add.accept("field spec.model.dropout", m.getDropout());
            add.accept("field spec.model.vocabSize", m.getVocabSize());
            add.accept("field spec.model.maxTargetLength", m.getMaxTargetLength());
        }
        return set;
    }

    /** The generator family of a checkpoint's config.json, or null when it is not one (a BERT-family encoder). */
    private static io.syncabel.runtime.model.GeneratorFamily generatorFamily(io.syncabel.runtime.model.pretrained.HfCheckpoint checkpoint) {
        return io.syncabel.runtime.model.GeneratorFamily.all().stream().filter(f -> f.accepts(checkpoint.config())).findFirst()
                .orElse(null);
    }

    /** --synthetic flags, else SYNCABEL_INPUT_SYNTHETIC_DATASETS; a manifest naming datasets needs the latter. */
    private List<String> syntheticUris(TrainingRunSpec run) {
        List<String> uris = new ArrayList<>();
        if (synthetic != null) {
            synthetic.forEach(s -> uris.add(Uris.prefix(s)));
            return uris;
        }
        String fromEnv = env.get("SYNCABEL_INPUT_SYNTHETIC_DATASETS");
        if (fromEnv != null && !fromEnv.isBlank()) {
            for (String s : fromEnv.split(",")) {
                if (!s.isBlank()) {
                    uris.add(Uris.prefix(s.strip()));
                }
            }
        }
        int refs = run == null || run.getSyntheticDatasetRefs() == null ? 0 : run.getSyntheticDatasetRefs().size();
        if (refs > 0 && uris.size() != refs) {
            throw new UserError("field spec.syntheticDatasetRefs names " + refs + " dataset(s) but "
                    + (uris.isEmpty() ? "no output URI was given" : uris.size() + " URI(s) were given")
                    + ": pass each dataset's prefix with --synthetic URI (or SYNCABEL_INPUT_SYNTHETIC_DATASETS)");
        }
        return uris;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    static TrainingRunSpec parse(String text, String where) {
        Object parsed;
        try {
            parsed = Serialization.unmarshal(text);
        } catch (RuntimeException e) {
            throw new UserError(where + ": not a valid manifest: " + e.getMessage(), e);
        }
        if (!(parsed instanceof TrainingRun tr)) {
            throw new UserError(where + ": expected a syncabel.io/v1alpha1 TrainingRun");
        }
        if (tr.getSpec() == null) {
            throw new UserError(where + ": field spec: required");
        }
        return tr.getSpec();
    }

}
