package io.syncabel.runtime.cli;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.model.LinkerTraining;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.model.TrainingMix;
import io.syncabel.runtime.model.TrainingSettings;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.PrintWriter;
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

/** `syncabel train`: a generative linker from a KB artifact and annotated corpora. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the generative linker (tokenizer, tries, DJL encoder-decoder) and write a model artifact.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--kb", required = true, paramLabel = "URI", description = "Knowledge-base artifact (file: or s3://, or a folder).")
    String kb;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training corpus (repeatable).")
    List<Path> train;

    @Option(names = "--dev", paramLabel = "FILE", description = "Development corpus: dev Recall@1 picks the best epoch.")
    List<Path> dev = new ArrayList<>();

    @Option(names = "--corpus-format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "Output prefix of the model artifact.")
    String out;

    @Option(names = "--size", defaultValue = "small", description = "tiny, small or base (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--hidden-size", description = "Overrides the size's hidden width.")
    Integer hiddenSize;

    @Option(names = "--layers", description = "Overrides the size's encoder and decoder depth.")
    Integer layers;

    @Option(names = "--max-source-length", description = "Overrides the size's source window in tokens.")
    Integer maxSourceLength;

    @Option(names = "--vocab-size", defaultValue = "4000", description = "BPE vocabulary size (default ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--batch-tokens", defaultValue = "4096", description = "Padded tokens per batch (default ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--lr", defaultValue = "1e-3")
    float learningRate;

    @Option(names = "--warmup", defaultValue = "200")
    int warmup;

    @Option(names = "--label-smoothing", defaultValue = "0.1")
    float labelSmoothing;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--mixing", defaultValue = "alternate", description = "alternate or concatenate (default ${DEFAULT-VALUE}).")
    String mixing;

    @Option(names = "--synthetic-per-epoch", defaultValue = "0",
            description = "KB-name examples sampled per epoch (0 = all of them).")
    int syntheticPerEpoch;

    @Option(names = "--dev-max-mentions", defaultValue = "1000")
    int devMax;

    @Option(names = "--dev-beams", defaultValue = "1")
    int devBeams;

    @Option(names = "--no-abbreviations", description = "Do not expand short forms defined in the same document.")
    boolean noAbbreviations;

    @Option(names = "--language", defaultValue = "en")
    String language;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String kbUri = Uris.prefix(kb);
        String outUri = Uris.prefix(out);
        KnowledgeBase knowledgeBase;
        try (ArtifactStore store = Stores.forUri(kbUri)) {
            knowledgeBase = KbArtifact.load(store, kbUri);
        }
        try (ArtifactStore store = Stores.forUri(outUri)) {
            if (store.manifest(outUri).isPresent()) {
                throw new UserError(outUri + " already holds a published model; artifacts are immutable, choose another --out");
            }
        }
        Problems problems = new Problems(false);
        List<CorpusExamples.Item> trainItems = new ArrayList<>();
        for (Path p : train) {
            trainItems.addAll(CorpusExamples.read(p, format, knowledgeBase, language, !noAbbreviations, problems));
        }
        List<CorpusExamples.Item> devItems = new ArrayList<>();
        for (Path p : dev) {
            devItems.addAll(CorpusExamples.read(p, format, knowledgeBase, language, !noAbbreviations, problems));
        }
        TrainingSettings settings = new TrainingSettings(epochs, batchTokens, learningRate, warmup, labelSmoothing,
                0.01f, 1.0f, seed);
        LinkerTraining.Options options = new LinkerTraining.Options(size, hiddenSize, layers, maxSourceLength, vocabSize, syntheticPerEpoch,
                TrainingMix.valueOf(mixing.toUpperCase(Locale.ROOT)), devMax, devBeams);
        try (ArtifactStore store = Stores.forUri(outUri)) {
            LinkerTraining training = new LinkerTraining(knowledgeBase, settings, options, err);
            var names = io.syncabel.runtime.model.NameTable.of(knowledgeBase);
            LinkerTraining.Result result = training.run(trainItems, devItems,
                    LinkerTraining.SyntheticExample.kbNames(names), json -> {
                        try {
                            store.writeProgress(outUri, json);
                        } catch (IOException e) {
                            err.println("train: cannot write progress.json: " + e.getMessage());
                        }
                    });
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("examples", result.examples());
            counts.put("humanExamples", trainItems.size());
            counts.put("devMentions", Math.min(devItems.size(), devMax));
            counts.put("epochs", epochs);
            counts.put("bestEpoch", result.bestEpoch());
            if (result.bestDevRecallAt1() >= 0) {
                counts.put("devRecallAt1", Math.round(result.bestDevRecallAt1() * 10) / 10.0);
            }
            counts.put("trainMinutes", Math.round(result.minutes() * 10) / 10.0);
            List<Manifest.Input> inputs = new ArrayList<>();
            inputs.add(new Manifest.Input(kbUri, null));
            for (Path p : train) {
                inputs.add(new Manifest.Input("file:" + p.toAbsolutePath(), null));
            }
            try (ArtifactWriter writer = store.create(outUri)) {
                ModelArtifact.Info info = new ModelArtifact.Info(result.config(), kbUri,
                        String.valueOf(knowledgeBase.metadata().get("version")), language, result.parameters());
                ModelArtifact.write(writer, info, o -> o.write(result.bestWeights()), result.tokenizerJson(),
                        result.names(), result.tries(), result.seenCodes(), result.metrics(), counts, inputs);
            }
            Map<String, Object> summary = new LinkedHashMap<>(counts);
            summary.put("parameters", result.parameters());
            summary.put("outputUri", outUri);
            Summary.emit(spec.commandLine().getOut(), summary);
        }
        return 0;
    }
}
