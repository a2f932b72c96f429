package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.EvaluationSpec;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.corpus.CorpusReader;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.CorpusLinking;
import io.syncabel.runtime.link.HybridLinking;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.Problems;
import io.syncabel.runtime.eval.CodeSet;
import io.syncabel.runtime.eval.EvaluationReport;
import io.syncabel.runtime.eval.Evaluator;
import io.syncabel.runtime.eval.Figure;
import io.syncabel.runtime.eval.Judge;
import io.syncabel.runtime.eval.Judgement;
import io.syncabel.runtime.eval.PairedComparison;
import io.syncabel.runtime.eval.PredictionFormat;
import io.syncabel.runtime.eval.PredictionReader;
import io.syncabel.runtime.eval.Predictions;
import io.syncabel.runtime.eval.RecordedJudgements;
import io.syncabel.runtime.eval.ReportOutput;
import io.syncabel.runtime.eval.ReportRenderer;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmConfig;
import io.syncabel.runtime.store.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `syncabel evaluate`: scores a prediction file (the original's TSV or `syncabel link` JSONL), optionally
 * judges the errors with an LLM, optionally compares it with another file on the same mentions, writes
 * report.json / report.md / recall_at_1.svg, and ends with the one line
 * `mentions=<n> recall_at_1=<x> ci_low=<l> ci_high=<h> lenient_recall_at_1=<y>` (then
 * ` delta=<d> delta_ci_low=<l> delta_ci_high=<h>` with --compare-to). Settings come from flags, else from an
 * Evaluation manifest (-f, or SYNCABEL_RESOURCE in a pod), else the defaults.
 */
@Command(name = "evaluate", description = "Recall@k with bootstrap intervals, strata and LLM-as-a-judge over a prediction file.")
public final class EvaluateCommand implements Callable<Integer>, ModelStage {
    static final String TERMINATION_LOG = "/dev/termination-log";
    static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    UnknownCodesOption unknownCodes = new UnknownCodesOption();


    @Option(names = "--predictions", paramLabel = "FILE",
            description = "Prediction file: the original's TSV (.tsv) or syncabel link JSONL (.jsonl).")
    Path predictions;

    @Option(names = "--compare-to", paramLabel = "FILE",
            description = "Another prediction file on the same mentions: reports the difference in Recall@1 (these "
                    + "predictions minus those) with its paired-bootstrap 95%% interval.")
    Path compareTo;

    @Option(names = "--model", paramLabel = "URI",
            description = "Run this model artifact over --test and evaluate its predictions (default in a pod: $SYNCABEL_INPUT_MODEL).")
    String model;

    @Option(names = "--test", paramLabel = "FILE|URI",
            description = "Annotated test corpus: linked with --model (default: the Evaluation's spec.testCorpus); with "
                    + "--predictions, every predicted document must be in it.")
    String test;

    @Option(names = "--corpus-format", paramLabel = "FORMAT",
            description = "Test corpus format: pubtator, brat or jsonl (default: spec.testCorpus.format, else from the file name).")
    String corpusFormat;

    @Option(names = "--beams", description = "Beams when the model is run (default: spec.metrics.beams, else 5).")
    Integer beams;

    @Option(names = "--generate-only", description = "When the model is run: constrained generation over the whole KB only, "
            + "without the model's training-mention lookup and fusion with TF-IDF candidates (its default when its artifact "
            + "holds mentions.tsv).")
    boolean generateOnly;

    @Option(names = "--kb", paramLabel = "URI",
            description = "KB artifact: the test corpus's gold ids when the model is run (default: the model's), and the "
                    + "synonyms of gold and predicted concepts shown to the judge.")
    String kb;

    @Option(names = "--linker-url", paramLabel = "URL",
            description = "Link through this linker service (POST /v1/link) instead of loading the model; the model "
                    + "artifact still gives the KB and the seen codes (default in a pod with spec.linkerRef: $SYNCABEL_LINKER_URL).")
    String linkerUrl;

    @Option(names = "--format", paramLabel = "tsv|jsonl", description = "Prediction format (default: by extension).")
    String format;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE",
            description = "Evaluation manifest: metrics (k, bootstrapResamples, seed) and judge are read from it.")
    Path manifest;

    @Option(names = "--seen-codes", paramLabel = "FILE",
            description = "Gold codes seen in training, one per line (composites as a+b): stratifies seen/unseen.")
    Path seenCodes;

    @Option(names = "--dictionary-corpus", paramLabel = "FILE",
            description = "Training corpora (repeatable; pubtator, brat or jsonl by file name): strata of the mentions "
                    + "whose text they hold (case and spacing aside) and of the others, as BioSyn and SapBERT split them.")
    List<Path> dictionaryCorpora;

    @Option(names = {"-k", "--k"}, split = ",", paramLabel = "K", description = "Recall@k values (default 1,5).")
    List<Integer> k;

    @Option(names = "--bootstrap", paramLabel = "N", description = "Bootstrap resamples (default 1000; 0: no intervals).")
    Integer bootstrap;

    @Option(names = "--seed", description = "Bootstrap seed (default 42).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR|URI",
            description = "Report folder, or a file:/s3:// artifact prefix (default $SYNCABEL_OUTPUT_URI, else ./evaluation).")
    String out;

    @Option(names = "--judge-endpoint", paramLabel = "URL", description = "OpenAI-compatible base URL for LLM-as-a-judge, e.g. http://vllm:8000/v1.")
    String judgeEndpoint;

    @Option(names = "--judge-model", paramLabel = "NAME", description = "Judge model name.")
    String judgeModel;

    @Option(names = "--judge-api-key-env", paramLabel = "VAR",
            description = "Environment variable holding the judge's API key (default SYNCABEL_LLM_API_KEY).")
    String judgeApiKeyEnv;

    @Option(names = "--judge-concurrency", description = "Judge requests in flight (default 8).")
    Integer judgeConcurrency;

    @Option(names = "--judge-retries", description = "Retries per judged mention (default 3).")
    Integer judgeRetries;

    @Option(names = "--judge-timeout", paramLabel = "SECONDS", description = "Timeout of one judge request (default 120).")
    Integer judgeTimeout;

    @Option(names = "--judge-temperature", description = "Judge temperature (default 0).")
    Double judgeTemperature;

    private final Function<String, String> env;
    /** The KB of the model run (or --kb), for the judge's synonyms. */
    private KnowledgeBase knowledgeBase;
    /** What a model run linked, with what: the report names these, not its scratch copy of the predictions. */
    private String linkedModel;
    private String linkedTest;

    public EvaluateCommand() {
        this(System::getenv);
    }

    EvaluateCommand(Env env) {
        this((Function<String, String>) env);
    }

    EvaluateCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        EvaluationSpec fromManifest = manifestSpec();
        byte[] linked = null;
        Path scratch = null;
        Predictions p;
        try {
            if (predictions == null) {
                scratch = Files.createTempDirectory("syncabel-evaluate");
                predictions = scratch.resolve("predictions.jsonl");
                runModel(fromManifest, predictions, scratch);
                linked = Files.readAllBytes(predictions);
            }
            p = PredictionReader.read(predictions, predictionFormat(predictions));
            if (test != null && linked == null) {
                requireDocumentsIn(p, test, fromManifest, scratch == null ? scratch = Files.createTempDirectory("syncabel-evaluate") : scratch);
            }
            return evaluate(fromManifest, p, linked);
        } finally {
            if (scratch != null) {
                try (var files = Files.walk(scratch)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /**
     * Links the test corpus with the model (or the linker service) into {@code out}: the Evaluation contract
     * when run in a pod (spec.testCorpus, spec.metrics.beams, SYNCABEL_INPUT_MODEL, SYNCABEL_LINKER_URL with
     * spec.linkerRef), flags otherwise.
     */
    private void runModel(EvaluationSpec spec, Path out, Path scratch) throws IOException {
        String testUri = test != null ? test
                : spec != null && spec.getTestCorpus() != null ? spec.getTestCorpus().getUri() : null;
        String modelUri = model != null ? model : env.apply("SYNCABEL_INPUT_MODEL");
        if (testUri == null || testUri.isBlank()) {
            throw new UserError("nothing to evaluate: give --predictions FILE, or --model URI --test CORPUS "
                    + "(in a pod: the Evaluation's spec.testCorpus and SYNCABEL_INPUT_MODEL)");
        }
        if (modelUri == null || modelUri.isBlank()) {
            throw new UserError("--test needs a model to run: --model URI (in a pod: SYNCABEL_INPUT_MODEL)");
        }
        String serviceUrl = linkerUrl != null ? linkerUrl
                : spec != null && spec.getLinkerRef() != null ? env.apply("SYNCABEL_LINKER_URL") : null;
        if (spec != null && spec.getLinkerRef() != null && linkerUrl == null && (serviceUrl == null || serviceUrl.isBlank())) {
            throw new UserError("the Evaluation references a linker (spec.linkerRef) but SYNCABEL_LINKER_URL is not set");
        }
        int b = beams != null ? beams
                : spec != null && spec.getMetrics() != null && spec.getMetrics().getBeams() != null ? spec.getMetrics().getBeams() : 5;
        if (b < 1) {
            throw new UserError("--beams: must be >= 1, got " + b);
        }
        Path corpus = localCorpus(testUri, scratch);
        String fmt = corpusFormat(spec);
        String prefix = Uris.prefix(modelUri);
        linkedModel = serviceUrl != null ? serviceUrl : modelUri;
        linkedTest = testUri;
        PrintWriter err = this.spec.commandLine().getErr();
        try (ArtifactStore store = Stores.forUri(prefix)) {
            CorpusLinking.Result result;
            if (serviceUrl == null) {
                try (ModelArtifact artifact = ModelArtifact.load(store, prefix)) {
                    if (!generateOnly) {
                        ModelDense.attach(artifact, null);
                    }
                    knowledgeBase = loadKb(kb != null ? kb : artifact.info().kbUri());
                    List<CorpusExamples.Item> items = CorpusLinking.read(corpus, fmt, knowledgeBase, artifact.info().language(), true,
                            unknownCodes.problems(false));
                    result = CorpusLinking.write(items, CorpusLinking.model(artifact.linker(prefix), knowledgeBase,
                            generateOnly ? CorpusLinking.Settings.plain(b) : artifact.defaultSettings(b)),
                            knowledgeBase, artifact.seenCodes(), artifact.mentions(), out, err);
                }
            } else {
                ModelArtifact.Info info = ModelArtifact.readInfo(store, prefix);
                knowledgeBase = loadKb(kb != null ? kb : info.kbUri());
                List<CorpusExamples.Item> items = CorpusLinking.read(corpus, fmt, knowledgeBase, info.language(), true,
                        unknownCodes.problems(false));
                result = CorpusLinking.write(items, CorpusLinking.service(serviceUrl, b, 5), knowledgeBase,
                        ModelArtifact.readSeenCodes(store, prefix), null, out, err);
            }
            err.printf(Locale.ROOT, "evaluate: linked %d mentions of %s with %s (%.1f mentions/s)%n", result.mentions(),
                    testUri, serviceUrl != null ? serviceUrl : prefix, result.mentionsPerSecond());
            err.flush();
        }
    }

    /** The mention texts of the corpora, normalised as the linker's exact lookup does. */
    private static Set<String> dictionary(List<Path> corpora) {
        Set<String> texts = new java.util.HashSet<>();
        for (Path corpus : corpora) {
            if (!Files.exists(corpus)) {
                throw new UserError("--dictionary-corpus " + corpus + ": no such file or folder");
            }
            CorpusReader.forFormat(CorpusExamples.formatOf(corpus, null)).read(corpus, new Problems(false),
                    doc -> doc.mentions().forEach(m -> texts.add(HybridLinking.normalise(m.text()))));
        }
        return texts;
    }

    /** The KB whose synonyms the judge sees: the one the model run used, else --kb, else none. */
    private KnowledgeBase judgeKb() throws IOException {
        if (knowledgeBase == null && kb != null) {
            knowledgeBase = loadKb(kb);
        }
        return knowledgeBase;
    }

    private static KnowledgeBase loadKb(String uri) throws IOException {
        return KbArtifact.load(Uris.prefix(uri));
    }

    private String corpusFormat(EvaluationSpec spec) {
        if (corpusFormat != null) {
            return corpusFormat;
        }
        if (test == null && spec != null && spec.getTestCorpus() != null && spec.getTestCorpus().getFormat() != null) {
            return spec.getTestCorpus().getFormat().name().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /** A corpus URI as a local path: file: (relative ones against the working directory) or a path as is; s3:// copied. */
    private static Path localCorpus(String uri, Path scratch) throws IOException {
        return localCorpus(uri, scratch, "test corpus");
    }

    private static Path localCorpus(String uri, Path scratch, String what) throws IOException {
        if (StoreUris.isS3(uri)) {
            Path copy = scratch.resolve(uri.substring(uri.lastIndexOf('/') + 1).isEmpty() ? "corpus" : uri.substring(uri.lastIndexOf('/') + 1));
            try (ArtifactStore store = Stores.forUri(uri); InputStream in = store.open(uri)) {
                Files.copy(in, copy);
            }
            return copy;
        }
        if (uri.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new UserError(uri + ": a " + what + " must be a file:, s3:// or local path");
        }
        Path path = StoreUris.isFile(uri) ? Path.of(uri.substring("file:".length()).replaceFirst("^//(?=/)", "")) : Path.of(uri);
        if (!Files.exists(path)) {
            throw new UserError(uri + ": no such " + what + " (relative paths resolve against " + Path.of("").toAbsolutePath() + ")");
        }
        return path;
    }

    /** Every predicted document must be a document of the test corpus: a clear error names the file and line. */
    private void requireDocumentsIn(Predictions p, String testUri, EvaluationSpec spec, Path scratch) throws IOException {
        Path corpus = localCorpus(testUri, scratch);
        Set<String> documents = new java.util.HashSet<>();
        CorpusReader.forFormat(CorpusExamples.formatOf(corpus, corpusFormat(spec)))
                .read(corpus, new Problems(false), d -> documents.add(d.id()));
        for (var m : p.mentions()) {
            if (!documents.contains(m.document())) {
                throw new UserError(m.source() + ": document '" + m.document() + "' is not in the test corpus " + testUri
                        + " (" + documents.size() + " documents)");
            }
        }
    }

    private Integer evaluate(EvaluationSpec fromManifest, Predictions p, byte[] linked) throws IOException, InterruptedException {
        EvaluationSpec.Metrics metrics = fromManifest == null ? null : fromManifest.getMetrics();
        Evaluator.Options defaults = Evaluator.Options.defaults();
        List<Integer> ks = k != null ? k : metrics != null && metrics.getK() != null ? metrics.getK() : defaults.k();
        if (ks.stream().anyMatch(x -> x < 1)) {
            throw new UserError("--k: values must be >= 1, got " + ks);
        }
        int resamples = bootstrap != null ? bootstrap
                : metrics != null && metrics.getBootstrapResamples() != null ? metrics.getBootstrapResamples() : defaults.resamples();
        if (resamples < 0) {
            throw new UserError("--bootstrap: must be >= 0, got " + resamples);
        }
        long s = seed != null ? seed : metrics != null && metrics.getSeed() != null ? metrics.getSeed() : defaults.seed();
        Set<String> seen = seenCodes != null ? readSeenCodes(seenCodes) : seenInCorpora(fromManifest);
        String seenSource = seenCodes != null ? "--seen-codes " + seenCodes : seen != null ? "spec.seenCorpora" : null;
        var options = new Evaluator.Options(ks, resamples, s, seen, seenSource,
                dictionaryCorpora == null ? null : dictionary(dictionaryCorpora));

        String target = out != null ? out : env.apply("SYNCABEL_OUTPUT_URI") != null ? env.apply("SYNCABEL_OUTPUT_URI") : "evaluation";
        String sha256 = sha256(predictions);
        Predictions other = compareTo == null ? null : PredictionReader.read(compareTo, predictionFormat(compareTo));
        LlmConfig judgeConfig = judgeConfig(fromManifest == null ? null : fromManifest.getJudge()); // checked before output is touched
        EvaluationReport report;
        Map<String, Object> summary;
        String where;
        try (ReportOutput output = ReportOutput.open(target)) {
            List<Judgement> judgements = null;
            EvaluationReport.JudgeSummary judgeSummary = null;
            if (judgeConfig != null) {
                LlmClient client = new LlmClient(judgeConfig, env, d -> Thread.sleep(d.toMillis()), Clock.systemUTC(),
                        () -> ThreadLocalRandom.current().nextDouble());
                int total = p.mentions().size();
                output.progress(0, total, "judging");
                long[] last = {System.nanoTime()};
                KnowledgeBase synonyms = judgeKb();
                judgements = new Judge(client, code -> synonyms == null ? List.of()
                        : synonyms.concept(code).map(c -> c.names()).orElse(List.of())).judge(p.mentions(), done -> {
                    // every few seconds is plenty for a status line, and keeps S3 writes cheap
                    if (done == total || System.nanoTime() - last[0] > PROGRESS_EVERY_NANOS) {
                        last[0] = System.nanoTime();
                        try {
                            output.progress(done, total, "judging");
                        } catch (IOException e) {
                            spec.commandLine().getErr().println("warning: cannot write progress: " + e.getMessage());
                        }
                    }
                });
                judgeSummary = RecordedJudgements.summary("llm", judgeConfig.baseUrl().toString(), judgeConfig.model(),
                        judgements, client.usage().asMap());
            } else if (RecordedJudgements.present(p)) {
                judgements = RecordedJudgements.read(p);
                judgeSummary = RecordedJudgements.summary("file", null, null, judgements, null);
            }
            report = Evaluator.evaluate(p, options, sha256, judgements, judgeSummary);
            if (linked != null) {
                report = report.withInput(new EvaluationReport.Input(ReportRenderer.PREDICTIONS, report.input().format(),
                        sha256, linkedModel, linkedTest));
            }
            if (other != null) {
                report = report.withComparison(PairedComparison.compare(p, other, sha256(compareTo), resamples, s));
            }
            summary = summary(report);
            // labels read from the file are already in it: judgements.jsonl only for a run that judged
            Map<String, byte[]> files = new LinkedHashMap<>(ReportRenderer.render(report, judgeConfig != null ? judgements : null));
            if (linked != null) {
                files.put(ReportRenderer.PREDICTIONS, linked);
            }
            List<Manifest.Input> inputs = new java.util.ArrayList<>();
            if (linked != null) {
                inputs.add(new Manifest.Input(linkedModel, null));
                inputs.add(new Manifest.Input(linkedTest, null));
            } else {
                inputs.add(new Manifest.Input(predictions.toAbsolutePath().toUri().toString(), sha256));
            }
            if (other != null) {
                inputs.add(new Manifest.Input(compareTo.toAbsolutePath().toUri().toString(), report.comparison().other().sha256()));
            }
            where = output.finish(files, summary, inputs);
        }

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("report: " + where);
        String json = Json.MAPPER.writeValueAsString(summary);
        if (writeTerminationLog(json)) {
            stdout.println(json);
        }
        stdout.println(lastLine(report));
        stdout.flush();
        return 0;
    }

    /** The contract line; each figure rounded once, from its exact value, as in report.md. */
    static String lastLine(EvaluationReport report) {
        Figure r1 = report.overall().recallAt1();
        String line = "mentions=" + report.counts().mentions() + " recall_at_1=" + r1.valueText()
                + " ci_low=" + Figure.oneDecimal(r1.ciLow()) + " ci_high=" + Figure.oneDecimal(r1.ciHigh())
                + " lenient_recall_at_1=" + report.overall().lenientRecallAt1().valueText();
        if (report.comparison() != null) {
            EvaluationReport.Delta d = report.comparison().delta();
            line += " delta=" + Figure.percent(d.difference(), d.mentions()) + " delta_ci_low=" + Figure.oneDecimal(d.ciLow())
                    + " delta_ci_high=" + Figure.oneDecimal(d.ciHigh());
        }
        return line;
    }

    /** --format for every prediction file read, else by extension. */
    private PredictionFormat predictionFormat(Path file) {
        if (format == null) {
            return PredictionFormat.of(file);
        }
        try {
            return PredictionFormat.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--format: '" + format + "' is not tsv or jsonl");
        }
    }

    /** The Evaluation's spec from -f, else from SYNCABEL_RESOURCE (the pod contract), else null. */
    private EvaluationSpec manifestSpec() {
        if (manifest != null) {
            // only this manifest is read: the resources it references need not be at hand to evaluate predictions
            String text;
            try {
                text = Files.readString(manifest);
            } catch (IOException e) {
                throw new UserError(manifest + ": cannot read: " + e.getMessage(), e);
            }
            List<Evaluation> evaluations = new java.util.ArrayList<>();
            for (String doc : text.split("(?m)^---\\s*$")) {
                if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                    continue;
                }
                Object parsed;
                try {
                    parsed = Serialization.unmarshal(doc);
                } catch (RuntimeException e) {
                    throw new UserError(manifest + ": not a valid manifest: " + e.getMessage(), e);
                }
                if (parsed instanceof Evaluation evaluation) {
                    evaluations.add(evaluation);
                }
            }
            if (evaluations.size() != 1 || evaluations.get(0).getSpec() == null) {
                throw new UserError(manifest + ": expected one Evaluation with a spec, found " + evaluations.size());
            }
            return evaluations.get(0).getSpec();
        }
        String resource = env.apply("SYNCABEL_RESOURCE");
        if (resource == null || resource.isBlank()) {
            return null;
        }
        try {
            return Serialization.unmarshal(resource, Evaluation.class).getSpec();
        } catch (RuntimeException e) {
            throw new UserError("SYNCABEL_RESOURCE: not an Evaluation: " + e.getMessage(), e);
        }
    }

    /** Flags win over the manifest's judge; no endpoint from either means no LLM judging. */
    private LlmConfig judgeConfig(LlmEndpoint m) {
        String endpoint = judgeEndpoint != null ? judgeEndpoint : m == null ? null : m.getEndpoint();
        if (endpoint == null) {
            if (judgeModel != null) {
                throw new UserError("--judge-model needs --judge-endpoint");
            }
            return null;
        }
        String model = judgeModel != null ? judgeModel : m == null ? null : m.getModel();
        if (model == null || model.isBlank()) {
            throw new UserError("--judge-endpoint needs --judge-model");
        }
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new UserError("--judge-endpoint: '" + endpoint + "' is not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new UserError("--judge-endpoint: '" + endpoint + "' is not an http(s) URL");
        }
        LlmConfig c = LlmConfig.of(endpoint, model)
                .withTemperature(judgeTemperature != null ? judgeTemperature
                        : m != null && m.getTemperature() != null ? m.getTemperature() : 0.0)
                .withSampling(m != null && m.getTopP() != null ? m.getTopP() : 0.95,
                        m != null && m.getMaxTokens() != null ? m.getMaxTokens() : 1024)
                .withLimits(judgeConcurrency != null ? judgeConcurrency : m != null && m.getConcurrency() != null ? m.getConcurrency() : 8,
                        judgeRetries != null ? judgeRetries : m != null && m.getRetries() != null ? m.getRetries() : 3,
                        Duration.ofSeconds(judgeTimeout != null ? judgeTimeout
                                : m != null && m.getRequestTimeoutSeconds() != null ? m.getRequestTimeoutSeconds() : 120));
        if (judgeApiKeyEnv != null) {
            c = c.withApiKeyEnv(judgeApiKeyEnv);
        }
        if (c.concurrency() < 1 || c.retries() < 0) {
            throw new UserError("--judge-concurrency must be >= 1 and --judge-retries >= 0");
        }
        return c;
    }

    /**
     * The gold codes of the Evaluation's {@code spec.seenCorpora}, as KB codes when a KB is at hand (the model's, or
     * --kb), else as the corpora write them; null without such corpora.
     */
    private Set<String> seenInCorpora(EvaluationSpec spec) throws IOException {
        if (spec == null || spec.getSeenCorpora() == null || spec.getSeenCorpora().isEmpty()) {
            return null;
        }
        KnowledgeBase kb = judgeKb();
        Path scratch = Files.createTempDirectory("syncabel-seen");
        try {
            Set<String> codes = new LinkedHashSet<>();
            for (var source : spec.getSeenCorpora()) {
                Path corpus = localCorpus(source.getUri(), scratch, "seen corpus (spec.seenCorpora)");
                String format = source.getFormat() == null ? null : source.getFormat().name().toLowerCase(Locale.ROOT);
                if (kb != null) {
                    CorpusExamples.read(corpus, format, kb, "en", false, unknownCodes.problems(false))
                            .forEach(item -> codes.add(CodeSet.parse(item.example().code()).key()));
                } else {
                    CorpusReader.forFormat(CorpusExamples.formatOf(corpus, format)).read(corpus, new Problems(false),
                            doc -> doc.mentions().forEach(m -> codes.add(CodeSet.parse(String.join("+", m.ids())).key())));
                }
            }
            return codes;
        } finally {
            FolderStore.deleteTree(scratch);
        }
    }

    static Set<String> readSeenCodes(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        Set<String> codes = new LinkedHashSet<>();
        for (String line : lines) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                codes.add(CodeSet.parse(l).key());
            }
        }
        if (codes.isEmpty()) {
            throw new UserError(file + ": no codes (expected one gold code per line)");
        }
        return codes;
    }

    /** The headline figures, named as the Evaluation status fields (the operator copies them from here). */
    static Map<String, Object> summary(EvaluationReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Figure r1 = r.overall().recallAt1();
        m.put("mentions", r.counts().mentions());
        m.put("recallAt1", Figure.round(r1.value()));
        if (r1.ciLow() != null) {
            m.put("ciLow", Figure.round(r1.ciLow()));
            m.put("ciHigh", Figure.round(r1.ciHigh()));
        }
        Map<String, Double> atK = new LinkedHashMap<>();
        r.overall().recallAtK().forEach((key, f) -> atK.put(key, Figure.round(f.value())));
        m.put("recallAtK", atK);
        for (EvaluationReport.Stratum s : r.strata()) {
            if (s.dimension().equals("seen")) {
                m.put(s.name().equals("seen") ? "recallAt1Seen" : "recallAt1Unseen", Figure.round(s.recallAt1().value()));
            }
            if (s.dimension().equals("dictionary")) {
                m.put(s.name().equals("in dictionary") ? "recallAt1InDictionary" : "recallAt1NotInDictionary",
                        Figure.round(s.recallAt1().value()));
            }
        }
        if (r.overall().judge() != null) {
            m.put("judgeCorrect", Figure.round(r.overall().judge().get("correct").value()));
            m.put("judgeFailed", r.judge().failed());
        }
        return m;
    }

    /** Per docs/architecture.md: $SYNCABEL_TERMINATION_LOG, else /dev/termination-log when it exists (in a pod). */
    private boolean writeTerminationLog(String json) {
        String path = env.apply("SYNCABEL_TERMINATION_LOG");
        Path file = path != null && !path.isBlank() ? Path.of(path) : Path.of(TERMINATION_LOG);
        if (path == null && !Files.isWritable(file)) {
            return false;
        }
        try {
            Files.writeString(file, json + "\n");
            return true;
        } catch (IOException e) {
            spec.commandLine().getErr().println("warning: cannot write the termination log " + file + ": " + e.getMessage());
            return false;
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
