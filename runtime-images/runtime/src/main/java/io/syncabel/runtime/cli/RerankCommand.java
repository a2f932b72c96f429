package io.syncabel.runtime.cli;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.CorpusLinking;
import io.syncabel.runtime.link.Reranker;
import io.syncabel.runtime.link.RerankerTraining;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.model.pretrained.DenseArtifact;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `syncabel rerank`: fits a model's learned re-ranker. The model-free layer learns on the training corpora (each
 * mention retrieved with the other documents' mentions as dictionary); the model layer on the dev corpora, which
 * the model must not have trained on, retrieved with all training mentions as dictionary.
 */
@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = "Fit a learned re-ranker of a model's candidates (training corpora: model-free layer; dev: model layer).")
final class RerankCommand implements Callable<Integer>, ModelStage {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    UnknownCodesOption unknownCodes = new UnknownCodesOption();


    @Option(names = "--model", required = true, paramLabel = "URI", description = "Model artifact (file: or s3://, or a folder).")
    String model;

    @Option(names = "--kb", paramLabel = "URI", description = "KB artifact (default: the model's).")
    String kb;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Annotated training corpora (repeatable): "
            + "the model-free layer learns here, and their mentions are the dictionary.")
    List<Path> train = new ArrayList<>();

    @Option(names = "--dev", paramLabel = "FILE", description = "Held-out annotated corpora the model never trained on "
            + "(repeatable): the model layer learns here. Without: a model-free re-ranker.")
    List<Path> dev = new ArrayList<>();

    @Option(names = "--candidates", defaultValue = "" + RerankerTraining.CANDIDATES, paramLabel = "K",
            description = "TF-IDF candidates per mention (default ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--folds", defaultValue = "" + RerankerTraining.FOLDS, paramLabel = "N",
            description = "Document folds of the leave-documents-out dictionary on the training corpora (default ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--dense", paramLabel = "URI", description = "A dense retriever (`syncabel dense train`): its candidates "
            + "join the lists and its cosine and rank become features; `syncabel link --reranker` then retrieves with the "
            + "model's own or the same --dense. Default: the one the model was trained with (model.json's denseUri), if any.")
    String dense;

    @Option(names = "--no-dense", description = "Fit without a dense retriever, even where the model has one.")
    boolean noDense;

    @Option(names = "--model-layer", defaultValue = "auto", paramLabel = "auto|always",
            description = "auto (default): keep the model layer only when, fit on the other dev documents, it ranks held-out "
                    + "dev documents better than the model-free layer alone; always: keep it.")
    String modelLayer;

    @Option(names = "--format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the re-ranker JSON goes.")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (candidates < 2 || folds < 2) {
            throw new UserError("--candidates and --folds must be at least 2");
        }
        RerankerTraining.ModelLayer keep = switch (modelLayer) {
            case "auto" -> RerankerTraining.ModelLayer.AUTO;
            case "always" -> RerankerTraining.ModelLayer.ALWAYS;
            default -> throw new UserError("--model-layer " + modelLayer + ": expected auto or always");
        };
        if (noDense && dense != null) {
            throw new UserError("--dense and --no-dense: give one");
        }
        String modelUri = Uris.prefix(model);
        try (ArtifactStore store = Stores.forUri(modelUri); ModelArtifact artifact = ModelArtifact.load(store, modelUri)) {
            String denseUri = noDense ? null : dense != null ? Uris.prefix(dense) : artifact.info().denseUri();
            if (dense == null && denseUri != null) {
                err.println("rerank: with the model's dense retriever " + denseUri + " (--no-dense: without)");
            }
            String kbUri = Uris.prefix(kb != null ? kb : artifact.info().kbUri());
            KnowledgeBase knowledgeBase = KbArtifact.load(kbUri);
            String language = artifact.info().language();
            List<CorpusExamples.Item> trainItems = read(train, knowledgeBase, language);
            List<CorpusExamples.Item> devItems = read(dev, knowledgeBase, language);
            RerankerTraining.Fitted fitted;
            try (DenseArtifact denseArtifact = denseUri == null ? null : DenseArtifact.load(denseUri)) {
                fitted = RerankerTraining.fit(knowledgeBase, trainItems, devItems,
                        devItems.isEmpty() ? null : artifact.linker(modelUri), candidates, folds,
                        denseArtifact == null ? null : denseArtifact.retriever(), keep);
            } catch (IllegalArgumentException e) {
                throw new UserError("--train " + train + ": " + e.getMessage(), e);
            }
            write(fitted.reranker(), out);
            Map<String, Object> summary = summary(fitted, err);
            summary.put("trainMentions", trainItems.size());
            summary.put("devMentions", devItems.size());
            summary.put("denseRetriever", denseUri);
            summary.put("reranker", out.toString());
            Summary.emit(spec.commandLine().getOut(), summary);
        }
        return 0;
    }

    /** What a fit learnt, for the command's summary (and the train command's); also logged. */
    static Map<String, Object> summary(RerankerTraining.Fitted fitted, PrintWriter err) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rerankerTrainLists", fitted.baseLists());
        summary.put("rerankerTrainTop1", round(fitted.baseTop1()));
        err.printf("rerank: model-free layer from %d training lists (top-1 %.1f%% of them, leave-documents-out)%n",
                fitted.baseLists(), 100 * fitted.baseTop1());
        summary.put("rerankerBaseWeights", weights(fitted.reranker().base()));
        if (fitted.reranker().usesModel() || fitted.modelLayerDropped()) {
            summary.put("rerankerDevLists", fitted.devLists());
            summary.put("rerankerDevTop1WithoutModel", round(fitted.devTop1WithoutModel()));
            summary.put("rerankerDevTop1WithModel", round(fitted.devTop1WithModel()));
            summary.put("rerankerDevTop1WithModelHeldOut",
                    Double.isNaN(fitted.devTop1WithModelHeldOut()) ? null : round(fitted.devTop1WithModelHeldOut()));
            summary.put("rerankerModelLayer", fitted.modelLayerDropped() ? "dropped" : "kept");
            if (fitted.reranker().usesModel()) {
                summary.put("rerankerModelWeights", weights(fitted.reranker().model()));
            }
            err.printf("rerank: model layer from %d dev lists: top-1 %.1f%% without the model, %.1f%% with it (in-sample), %s"
                    + " on held-out dev documents: %s%n", fitted.devLists(), 100 * fitted.devTop1WithoutModel(),
                    100 * fitted.devTop1WithModel(), Double.isNaN(fitted.devTop1WithModelHeldOut()) ? "not measured (one document)"
                            : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * fitted.devTop1WithModelHeldOut()),
                    fitted.modelLayerDropped() ? "dropped (the model does not earn its place; links without it)" : "kept");
        } else {
            err.println("rerank: no model layer (no dev mention whose gold concept is among its candidates)");
        }
        return summary;
    }

    private static Map<String, Double> weights(Reranker.Layer layer) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int f = 0; f < layer.features().size(); f++) {
            out.put(layer.features().get(f), Math.round(layer.weights()[f] * 1000) / 1000.0);
        }
        return out;
    }

    private static double round(double share) {
        return Math.round(share * 1000) / 10.0;
    }

    private List<CorpusExamples.Item> read(List<Path> corpora, KnowledgeBase kb, String language) {
        List<CorpusExamples.Item> items = new ArrayList<>();
        for (Path p : corpora) {
            items.addAll(CorpusLinking.read(p, format, kb, language, true, unknownCodes.problems(false)));
        }
        return items;
    }

    /** Written whole or not at all. */
    static void write(Reranker reranker, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createFile(parent.resolve(".reranker-" + java.util.UUID.randomUUID() + ".tmp")); // umask's mode, not 0600
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) {
                reranker.write(o);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A re-ranker file given on the command line. */
    static Reranker read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Reranker.read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file (fit one with `syncabel rerank --out " + file + "`)", e);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
