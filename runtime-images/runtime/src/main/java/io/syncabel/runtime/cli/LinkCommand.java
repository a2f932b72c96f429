package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.CorpusLinking;
import io.syncabel.runtime.link.HybridLinking;
import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.link.MentionDictionary;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel link`: a trained model over an annotated corpus, predictions as JSONL for `syncabel evaluate`. */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = "Link every gold mention of a corpus with a trained model; writes predictions JSONL.")
final class LinkCommand implements Callable<Integer>, ModelStage {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    UnknownCodesOption unknownCodes = new UnknownCodesOption();


    @Option(names = "--model", required = true, paramLabel = "URI", description = "Model artifact (file: or s3://, or a folder).")
    String model;

    @Option(names = "--corpus", paramLabel = "FILE", description = "Annotated corpus whose mentions are linked.")
    Path corpus;

    @picocli.CommandLine.Parameters(paramLabel = "MARKED", arity = "0..*",
            description = "Sentences with one mention marked, e.g. \"Her [mammary cancer]{DISO} returned.\" "
                    + "(instead of --corpus); one JSON result per line on stdout.")
    List<String> marked = new ArrayList<>();

    @Option(names = "--corpus-format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name).")
    String format;

    @Option(names = "--kb", paramLabel = "URI", description = "KB artifact for gold ids (default: the model's).")
    String kb;

    @Option(names = "--out", paramLabel = "FILE", description = "Predictions JSONL (with --corpus).")
    Path out;

    @Option(names = "--beams", defaultValue = "5")
    int beams;

    @Option(names = "--top-k", description = "Candidates kept per mention (default: beams).")
    Integer topK;

    @Option(names = "--unconstrained", description = "Generate freely instead of under the trie (for comparison).")
    boolean unconstrained;

    @Option(names = "--dictionary-corpus", paramLabel = "FILE",
            description = "Annotated corpora (usually the training data) whose mentions are looked up exactly before "
                    + "the model runs and join the TF-IDF retriever (repeatable).")
    List<Path> dictionaryCorpora = new ArrayList<>();

    @Option(names = "--candidates", paramLabel = "K",
            description = "Generate only among the names of the top K TF-IDF concepts (0: the whole KB), or with --fusion rank them.")
    Integer candidates;

    @Option(names = "--generate-only", description = "Constrained generation over the whole KB only: no training-mention "
            + "lookup, no TF-IDF candidates (the default of a model without mentions.tsv).")
    boolean generateOnly;

    @Option(names = "--fusion", description = "Rank the TF-IDF top K concepts (--candidates) by a fusion of the model's "
            + "score of their best name and the TF-IDF cosine, instead of generating among their names.")
    boolean fusion;

    @Option(names = "--fusion-weight", defaultValue = "0.15", paramLabel = "A",
            description = "The model's weight a in [0, 1] (default ${DEFAULT-VALUE}).")
    double fusionWeight;

    @Option(names = "--fusion-method", defaultValue = "linear", paramLabel = "METHOD",
            description = "linear: a*log p + (1-a)*log cosine; rrf: weighted reciprocal-rank fusion (default ${DEFAULT-VALUE}).")
    String fusionMethod;

    @Option(names = "--fusion-gate", paramLabel = "C",
            description = "A TF-IDF top-1 cosine at or above which retrieval's ranking stands and the model is not asked "
                    + "(default: none, the model weighs in on every mention).")
    Double fusionGate;

    @Option(names = "--no-abbreviations", description = "Do not expand short forms defined in the same document.")
    boolean noAbbreviations;

    @Option(names = "--reranker", paramLabel = "FILE", description = "A learned re-ranker (`syncabel rerank --out FILE`) ranks "
            + "the top K concepts after the exact lookup (default: the model's own reranker.json when it has one).")
    Path reranker;

    @Option(names = "--dense", paramLabel = "URI", description = "A dense retriever (`syncabel dense train`): its top K "
            + "concepts join the TF-IDF candidates and its cosine feeds the re-ranker, which must have been fitted with it "
            + "(`syncabel rerank --dense URI`). Default: the one the model was trained with (model.json's denseUri), if any, "
            + "unless a --reranker FILE was fitted without one.")
    String dense;

    @Option(names = "--without-model", description = "With a re-ranker: rank by its model-free layer only, the model "
            + "is not consulted (the same pipeline without the model, for comparison).")
    boolean withoutModel;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if ((corpus == null) == marked.isEmpty()) {
            throw new UserError("give either --corpus FILE --out FILE, or marked sentences as arguments");
        }
        if (corpus != null && out == null) {
            throw new UserError("--corpus needs --out FILE for the predictions");
        }
        String modelUri = Uris.prefix(model);
        if (!marked.isEmpty()) {
            // marked sentences are linked as `serve` links them; these flags would otherwise be silently ignored
            for (String corpusOnly : List.of("--out", "--reranker", "--dictionary-corpus", "--candidates",
                    "--fusion", "--fusion-weight", "--fusion-method", "--fusion-gate", "--corpus-format")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(corpusOnly)) {
                    throw new UserError(corpusOnly + " applies to --corpus linking; marked sentences are linked as the model is "
                            + "served (its training mentions, re-ranker and dense retriever)");
                }
            }
            return linkSentences(modelUri);
        }
        HybridLinking.Fusion fused = null;
        if (fusion) {
            if (candidates == null || candidates <= 0) {
                throw new UserError("--fusion needs --candidates K (the TF-IDF concepts to rank), e.g. --candidates 10");
            }
            try {
                fused = new HybridLinking.Fusion(HybridLinking.FusionMethod.valueOf(fusionMethod.toUpperCase(java.util.Locale.ROOT)),
                        fusionWeight, fusionGate == null ? HybridLinking.Fusion.NO_GATE : fusionGate);
            } catch (IllegalArgumentException e) {
                throw new UserError("--fusion-method linear|rrf, --fusion-weight in [0, 1], --fusion-gate in (0, 1]: "
                        + e.getMessage(), e);
            }
        }
        try (ArtifactStore store = Stores.forUri(modelUri); ModelArtifact artifact = ModelArtifact.load(store, modelUri)) {
            String kbUri = Uris.prefix(kb != null ? kb : artifact.info().kbUri());
            KnowledgeBase knowledgeBase = KbArtifact.load(kbUri);
            String language = artifact.info().language();
            io.syncabel.runtime.text.Problems problems = unknownCodes.problems(false);
            List<CorpusExamples.Item> items = CorpusLinking.read(corpus, format, knowledgeBase, language, !noAbbreviations, problems);
            unknownCodes.report(problems, "link", err);
            CorpusLinking.Settings settings = settings(artifact, knowledgeBase, language, fused);
            settings = withDense(artifact, settings);
            CorpusLinking.Result result = CorpusLinking.write(items, CorpusLinking.model(artifact.linker(modelUri), knowledgeBase,
                    settings), knowledgeBase, artifact.seenCodes(), settings.dictionary(), out, err);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("mentions", result.mentions());
            summary.put("top1Correct", result.top1Correct());
            summary.put("mentionsPerSecond", result.mentionsPerSecond());
            summary.put("predictions", out.toString());
            Summary.emit(spec.commandLine().getOut(), summary);
        }
        return 0;
    }

    /**
     * Attaches the dense retriever the settings need. A re-ranker file of the user's own says whether it was fitted
     * with one ({@link io.syncabel.runtime.link.Reranker#usesDense()}): if so, --dense or else the model's own; if not,
     * none, and a --dense beside it is refused rather than ignored. Otherwise (the model's own re-ranker, or plain
     * retrieval candidates) --dense or the model's own joins retrieval.
     */
    private CorpusLinking.Settings withDense(ModelArtifact artifact, CorpusLinking.Settings settings) throws IOException {
        if (settings.candidates() <= 0) {
            if (dense != null) {
                throw new UserError("--dense needs retrieval candidates: a re-ranker or --candidates K");
            }
            return settings;
        }
        if (reranker != null && !settings.reranker().usesDense()) {
            if (dense != null) {
                throw new UserError("--reranker " + reranker + " was fitted without a dense retriever: link without --dense, "
                        + "or fit it again with `syncabel rerank --dense " + dense + "`");
            }
            return settings;
        }
        String denseUri = ModelDense.attach(artifact, dense);
        if (denseUri != null) {
            spec.commandLine().getErr().println("link: dense retriever " + denseUri);
        } else if (reranker != null) {
            throw new UserError("--reranker " + reranker + " was fitted with a dense retriever (`syncabel rerank --dense URI`) and "
                    + "the model " + model + " has none: give the same --dense URI");
        }
        return artifact.dense() == null ? settings : settings.withDense(artifact.dense());
    }

    /**
     * Explicit flags (--dictionary-corpus, --candidates, --fusion) as given, the artifact's own training mentions
     * standing in for --dictionary-corpus; without any, the model's default (CorpusLinking.Settings.recommended).
     */
    private CorpusLinking.Settings settings(ModelArtifact artifact, KnowledgeBase knowledgeBase, String language,
            HybridLinking.Fusion fused) {
        Linker.Options options = new Linker.Options(beams, topK == null ? beams : topK, !unconstrained);
        if (generateOnly || unconstrained) {
            return new CorpusLinking.Settings(options, MentionDictionary.EMPTY, 0, null);
        }
        io.syncabel.runtime.link.Reranker ranker = reranker != null ? RerankCommand.read(reranker) : fused == null && candidates == null
                ? artifact.reranker() : null;
        if (withoutModel && ranker == null) {
            throw new UserError("--without-model needs a re-ranker (--reranker FILE, or a model that has one)");
        }
        MentionDictionary dictionary = artifact.mentions();
        if (!dictionaryCorpora.isEmpty()) {
            List<CorpusExamples.Item> annotated = new ArrayList<>();
            for (Path p : dictionaryCorpora) {
                annotated.addAll(CorpusLinking.read(p, format, knowledgeBase, language, !noAbbreviations,
                        unknownCodes.problems(false)));
            }
            dictionary = MentionDictionary.of(annotated);
        }
        if (ranker != null) {
            if (dictionary.isEmpty()) {
                throw new UserError("a re-ranker needs the training mentions: give --dictionary-corpus FILE (the model has no mentions.tsv)");
            }
            return new CorpusLinking.Settings(options, dictionary, ranker.candidates(), null,
                    withoutModel ? ranker.withoutModel() : ranker);
        }
        if (candidates == null && !fusion && dictionaryCorpora.isEmpty()) {
            CorpusLinking.Settings recommended = CorpusLinking.Settings.recommended(beams, dictionary);
            return topK == null ? recommended
                    : new CorpusLinking.Settings(options, recommended.dictionary(), recommended.candidates(), recommended.fusion());
        }
        return new CorpusLinking.Settings(options, dictionary, candidates == null ? 0 : candidates, fused);
    }

    /** Marked sentences from the command line: one JSON line per sentence, as `POST /v1/link` answers. */
    private int linkSentences(String modelUri) throws IOException {
        List<Linker.Query> queries = new ArrayList<>();
        for (String sentence : marked) {
            io.syncabel.runtime.link.MarkedText.Marked m;
            try {
                m = io.syncabel.runtime.link.MarkedText.parse(sentence);
            } catch (IllegalArgumentException e) {
                throw new UserError("'" + sentence + "': " + e.getMessage(), e);
            }
            queries.add(new Linker.Query(m.text(), m.start(), m.end(), m.group()));
        }
        try (ArtifactStore store = Stores.forUri(modelUri); ModelArtifact artifact = ModelArtifact.load(store, modelUri)) {
            Linker.Options options = new Linker.Options(beams, topK == null ? beams : topK, !unconstrained);
            if (!generateOnly) {
                ModelDense.attach(artifact, dense);
            }
            String kbUri = Uris.prefix(kb != null ? kb : artifact.info().kbUri());
            Linker linker;
            if (generateOnly) {
                linker = artifact.linker(modelUri);
            } else if (withoutModel) {
                if (artifact.reranker() == null || artifact.mentions().isEmpty()) {
                    throw new UserError("--without-model needs a model with a re-ranker and training mentions; " + model
                            + " has " + (artifact.reranker() == null ? "no reranker.json" : "no mentions.tsv"));
                }
                linker = new io.syncabel.runtime.link.FusionLinker(artifact.linker(modelUri), KbArtifact.load(kbUri),
                        artifact.defaultSettings(1).withReranker(artifact.reranker().withoutModel()));
            } else {
                linker = artifact.defaultLinker(modelUri, kbUri);
            }
            for (Linker.Result result : linker.link(queries, options)) {
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("mention", result.query().mention());
                line.put("group", result.query().group());
                ArrayNode out = line.putArray("candidates");
                for (Linker.Candidate c : result.candidates()) {
                    ObjectNode node = out.addObject();
                    c.codes().forEach(node.putArray("codes")::add);
                    node.put("name", c.name());
                    node.put("score", c.score());
                    node.put("rank", c.rank());
                }
                spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(line));
            }
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
