package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmConfig;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.synth.ConceptSelection;
import io.syncabel.runtime.synth.Generator;
import io.syncabel.runtime.synth.LlmGenerator;
import io.syncabel.runtime.synth.StyleCorpus;
import io.syncabel.runtime.synth.SynthRun;
import io.syncabel.runtime.synth.TemplateGenerator;
import io.syncabel.runtime.synth.Unit;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel synth ...`: synthetic training data. */
@Command(name = "synth", description = "Synthetic contextual training data for every concept of a knowledge base.",
        subcommands = {SynthCommand.Generate.class})
final class SynthCommand {

    /**
     * `syncabel synth generate`: one shard of a SyntheticDataset, from a manifest (-f), from the pod contract
     * (SYNCABEL_RESOURCE, SYNCABEL_INPUT_KNOWLEDGE_BASE, SYNCABEL_OUTPUT_URI, JOB_COMPLETION_INDEX, SYNCABEL_SHARDS) or
     * from plain flags; flags override the manifest. See docs/synthetic-data.md.
     */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write synthetic examples (LLM or offline templates) for the selected concepts, one shard at a time.")
    static final class Generate implements Callable<Integer> {
        static final int DEFAULT_PER_CONCEPT = 5;
        static final int DEFAULT_BATCH = 200;
        static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 50;

        private final Env env;

        Generate() {
            this(Env.system());
        }

        Generate(Env env) {
            this.env = env;
        }

        @Spec
        CommandSpec spec;

        @Option(names = {"-f", "--filename"}, paramLabel = "SYNTH.YAML",
                description = "A SyntheticDataset manifest; relative file: URIs resolve against its folder.")
        Path manifest;

        @Option(names = "--kb", paramLabel = "URI", description = "Knowledge-base artifact; default SYNCABEL_INPUT_KNOWLEDGE_BASE.")
        String kb;

        @Option(names = "--out", paramLabel = "URI", description = "Dataset prefix (file: or s3://); default SYNCABEL_OUTPUT_URI.")
        String out;

        @Option(names = "--generator", paramLabel = "TYPE", description = "template (offline, default) or llm.")
        String generatorType;

        @Option(names = "--endpoint", paramLabel = "URL", description = "OpenAI-compatible API base, e.g. http://vllm:8000/v1 (llm).")
        String endpoint;

        @Option(names = "--model", paramLabel = "NAME", description = "Model name sent in each request (llm).")
        String model;

        @Option(names = "--api-key-env", paramLabel = "VAR", description = "Variable holding the API key (default SYNCABEL_LLM_API_KEY).")
        String apiKeyEnv;

        @Option(names = "--temperature")
        Double temperature;

        @Option(names = "--top-p")
        Double topP;

        @Option(names = "--max-tokens")
        Integer maxTokens;

        @Option(names = "--concurrency", description = "Requests in flight at once (default 8).")
        Integer concurrency;

        @Option(names = "--retries", description = "Retries per concept on faults and invalid answers (default 3).")
        Integer retries;

        @Option(names = "--request-timeout-s", description = "Timeout of one request in seconds (default 120).")
        Integer requestTimeout;

        @Option(names = "--per-concept", description = "Examples per concept (default 5).")
        Integer perConcept;

        @Option(names = "--language", description = "en, fr or es (default en).")
        String language;

        @Option(names = "--style-corpus", paramLabel = "FILE|URI", description = "Annotated corpus: style examples and template contexts.")
        String styleCorpus;

        @Option(names = "--style-corpus-format", description = "pubtator, brat or jsonl (default: from the file name).")
        String styleFormat;

        @Option(names = "--selection", description = "all (default), groups, sample or unseen.")
        String selection;

        @Option(names = "--groups", split = ",", description = "Groups kept by --selection groups.")
        List<String> groups;

        @Option(names = "--sample-size", description = "Concepts sampled by --selection sample.")
        Integer sampleSize;

        @Option(names = "--seed", description = "Seed of the sample and of every random choice (default 42).")
        Long seed;

        @Option(names = "--seen-in", paramLabel = "FILE|URI", description = "Corpus whose concepts --selection unseen leaves out.")
        String seenIn;

        @Option(names = "--seen-in-format", description = "pubtator, brat or jsonl (default: from the file name).")
        String seenInFormat;

        @Option(names = "--shard", description = "Shard index (default JOB_COMPLETION_INDEX, else 0).")
        Integer shard;

        @Option(names = "--shards", description = "Shard count (default SYNCABEL_SHARDS, else spec.shards, else 1).")
        Integer shards;

        @Option(names = "--batch-size", description = "Concepts per published batch, the resume granularity (default 200).")
        Integer batchSize;

        @Option(names = "--max-consecutive-failures",
                description = "Endpoint failures in a row that stop the run so a retry resumes (default 50; 0 = never).")
        Integer maxConsecutiveFailures;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter log = spec.commandLine().getErr();
            Path cwd = Path.of("").toAbsolutePath();
            Path base = cwd;
            SyntheticDatasetSpec s = null;
            if (manifest != null) {
                s = parse(read(manifest), manifest.toString());
                base = manifest.toAbsolutePath().getParent();
            } else if (env.get("SYNCABEL_RESOURCE") != null) {
                s = parse(env.get("SYNCABEL_RESOURCE"), "SYNCABEL_RESOURCE");
            }
            SyntheticDatasetSpec.Generator g = s == null ? null : s.getGenerator();
            SyntheticDatasetSpec.Selection sel = s == null ? null : s.getSelection();

            String kbUri = kb != null ? Uris.prefix(kb) : env.get("SYNCABEL_INPUT_KNOWLEDGE_BASE") != null
                    ? Uris.prefix(env.get("SYNCABEL_INPUT_KNOWLEDGE_BASE")) : null;
            if (kbUri == null) {
                throw new UserError("no knowledge base: give --kb URI (or set SYNCABEL_INPUT_KNOWLEDGE_BASE)");
            }
            String outUri = out != null ? Uris.prefix(out) : env.get("SYNCABEL_OUTPUT_URI") != null
                    ? Uris.prefix(env.get("SYNCABEL_OUTPUT_URI")) : null;
            if (outUri == null) {
                throw new UserError("no output: give --out URI (or set SYNCABEL_OUTPUT_URI)");
            }
            String type = generatorType != null ? generatorType.toLowerCase(Locale.ROOT)
                    : g != null && g.getType() != null ? g.getType().name().toLowerCase(Locale.ROOT) : TemplateGenerator.NAME;
            if (!type.equals("template") && !type.equals("llm")) {
                throw new UserError("--generator " + type + ": expected template or llm");
            }
            String lang = language != null ? language.toLowerCase(Locale.ROOT)
                    : g != null && g.getLanguage() != null ? g.getLanguage().name().toLowerCase(Locale.ROOT) : "en";
            if (!List.of("en", "fr", "es").contains(lang)) {
                throw new UserError("--language " + lang + ": expected en, fr or es");
            }
            int n = perConcept != null ? perConcept : g != null && g.getExamplesPerConcept() != null
                    ? g.getExamplesPerConcept() : DEFAULT_PER_CONCEPT;
            if (n < 1) {
                throw new UserError("--per-concept must be >= 1, got " + n);
            }
            long theSeed = seed != null ? seed : sel != null && sel.getSeed() != null ? sel.getSeed() : 42L;
            int count = shards != null ? shards : env.get("SYNCABEL_SHARDS") != null ? intEnv("SYNCABEL_SHARDS")
                    : s != null && s.getShards() != null ? s.getShards() : 1;
            int index = shard != null ? shard : env.get("JOB_COMPLETION_INDEX") != null ? intEnv("JOB_COMPLETION_INDEX") : 0;
            SynthRun.Options runOptions = new SynthRun.Options(index, count, batchSize != null ? batchSize : DEFAULT_BATCH,
                    maxConsecutiveFailures != null ? maxConsecutiveFailures : DEFAULT_MAX_CONSECUTIVE_FAILURES);
            LlmConfig llm = type.equals("llm") ? llmConfig(g == null ? null : g.getLlm()) : null;

            Map<String, ArtifactStore> stores = new LinkedHashMap<>();
            try {
                KnowledgeBase knowledgeBase = KbArtifact.load(store(stores, kbUri), kbUri);
                Problems problems = new Problems(true);
                // style corpus
                String styleLocation = styleCorpus;
                String styleFmt = styleFormat;
                if (styleLocation == null && s != null && s.getStyleCorpus() != null) {
                    styleLocation = s.getStyleCorpus().getUri();
                    styleFmt = styleFmt != null ? styleFmt : CorpusInputs.format(s.getStyleCorpus().getFormat());
                }
                StyleCorpus style = StyleCorpus.empty();
                List<Manifest.Input> inputs = new ArrayList<>();
                inputs.add(new Manifest.Input(kbUri, store(stores, kbUri).manifest(kbUri).map(SynthCommand::digest).orElse(null)));
                if (styleLocation != null) {
                    Path p = CorpusInputs.local(styleLocation, styleCorpus != null ? cwd : base, env.vars());
                    style = StyleCorpus.of(CorpusExamples.read(p, styleFmt, knowledgeBase, lang, false, problems));
                    inputs.add(new Manifest.Input("file:" + p, null));
                    log.printf("synth: style corpus %s: %d sentences %s%n", p, style.size(), style.sizes());
                }
                ConceptSelection selection = selection(sel, base, cwd, theSeed, knowledgeBase, lang, problems);
                List<Unit> units = selection.select(knowledgeBase);
                log.printf("synth: %d concept(s) selected (%s) of %d%n", units.size(),
                        selection.mode().name().toLowerCase(Locale.ROOT), knowledgeBase.concepts().size());
                Generator generator = llm == null ? new TemplateGenerator(style, lang, n, theSeed)
                        : new LlmGenerator(new LlmClient(llm, env, d -> Thread.sleep(d.toMillis()), Clock.systemUTC(),
                                () -> ThreadLocalRandom.current().nextDouble()), style, lang, n, theSeed);
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("language", lang);
                settings.put("examplesPerConcept", n);
                settings.put("selection", selection.mode().name().toLowerCase(Locale.ROOT));
                settings.put("selectedConcepts", units.size());
                settings.put("seed", theSeed);
                settings.put("styleSentences", style.size());
                if (llm != null) {
                    settings.put("endpoint", llm.baseUrl().toString());
                }
                Map<String, Object> summary;
                try {
                    summary = new SynthRun(store(stores, outUri), outUri, knowledgeBase, units, generator, runOptions, log,
                            settings, inputs).run();
                } catch (SynthRun.Aborted e) {
                    log.println("error: " + e.getMessage());
                    log.flush();
                    return 1;
                }
                summary.put("datasetUri", outUri);
                Summary.emit(spec.commandLine().getOut(), summary, env);
            } finally {
                for (ArtifactStore st : stores.values()) {
                    st.close();
                }
            }
            return 0;
        }

        private ConceptSelection selection(SyntheticDatasetSpec.Selection sel, Path base, Path cwd, long theSeed,
                KnowledgeBase knowledgeBase, String lang, Problems problems) {
            ConceptSelection.Mode mode = selection != null ? ConceptSelection.Mode.parse(selection)
                    : sel != null && sel.getMode() != null ? ConceptSelection.Mode.valueOf(sel.getMode().name()) : ConceptSelection.Mode.ALL;
            Set<String> gs = groups != null ? new LinkedHashSet<>(groups)
                    : sel != null && sel.getGroups() != null ? new LinkedHashSet<>(sel.getGroups()) : Set.of();
            Integer size = sampleSize != null ? sampleSize : sel != null ? sel.getSampleSize() : null;
            Set<String> seen = new TreeSet<>();
            switch (mode) {
                case GROUPS -> {
                    if (gs.isEmpty()) {
                        throw new UserError("selection groups needs --groups G,... (spec.selection.groups)");
                    }
                }
                case SAMPLE -> {
                    if (size == null || size < 1) {
                        throw new UserError("selection sample needs --sample-size N >= 1 (spec.selection.sampleSize)");
                    }
                }
                case UNSEEN -> {
                    String where = seenIn;
                    String fmt = seenInFormat;
                    Path from = cwd;
                    if (where == null && sel != null && sel.getSeenIn() != null) {
                        where = sel.getSeenIn().getUri();
                        fmt = fmt != null ? fmt : CorpusInputs.format(sel.getSeenIn().getFormat());
                        from = base;
                    }
                    if (where == null) {
                        throw new UserError("selection unseen needs --seen-in CORPUS (spec.selection.seenIn)");
                    }
                    Path p = CorpusInputs.local(where, from, env.vars());
                    for (CorpusExamples.Item item : CorpusExamples.read(p, fmt, knowledgeBase, lang, false, problems)) {
                        seen.addAll(List.of(item.example().code().split("\\+")));
                    }
                }
                default -> {
                }
            }
            return new ConceptSelection(mode, gs, size, theSeed, seen);
        }

        private LlmConfig llmConfig(LlmEndpoint m) {
            String url = endpoint != null ? endpoint : m == null ? null : m.getEndpoint();
            String name = model != null ? model : m == null ? null : m.getModel();
            if (url == null || name == null || name.isBlank()) {
                throw new UserError("generator llm needs --endpoint URL and --model NAME (spec.generator.llm)");
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new UserError("--endpoint '" + url + "' is not a URL");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new UserError("--endpoint '" + url + "' is not an http(s) URL");
            }
            LlmConfig c = LlmConfig.of(url, name)
                    .withTemperature(temperature != null ? temperature : m != null && m.getTemperature() != null ? m.getTemperature() : 0.7)
                    .withSampling(topP != null ? topP : m != null && m.getTopP() != null ? m.getTopP() : 0.95,
                            maxTokens != null ? maxTokens : m != null && m.getMaxTokens() != null ? m.getMaxTokens() : 1024)
                    .withLimits(concurrency != null ? concurrency : m != null && m.getConcurrency() != null ? m.getConcurrency() : 8,
                            retries != null ? retries : m != null && m.getRetries() != null ? m.getRetries() : 3,
                            Duration.ofSeconds(requestTimeout != null ? requestTimeout
                                    : m != null && m.getRequestTimeoutSeconds() != null ? m.getRequestTimeoutSeconds() : 120));
            if (apiKeyEnv != null) {
                c = c.withApiKeyEnv(apiKeyEnv);
            }
            return c;
        }

        private int intEnv(String name) {
            try {
                return Integer.parseInt(env.get(name).strip());
            } catch (NumberFormatException e) {
                throw new UserError(name + "=" + env.get(name) + ": not an integer");
            }
        }

        private ArtifactStore store(Map<String, ArtifactStore> stores, String uri) {
            String scheme = io.syncabel.runtime.store.StoreUris.isS3(uri) ? "s3" : "file";
            return stores.computeIfAbsent(scheme, k -> Stores.forUri(uri, env.vars()));
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UserError(file + ": cannot read: " + e.getMessage(), e);
            }
        }

        static SyntheticDatasetSpec parse(String text, String where) {
            Object parsed;
            try {
                parsed = Serialization.unmarshal(text);
            } catch (RuntimeException e) {
                throw new UserError(where + ": not a valid manifest: " + e.getMessage(), e);
            }
            if (!(parsed instanceof SyntheticDataset sd)) {
                throw new UserError(where + ": expected a syncabel.io/v1alpha1 SyntheticDataset");
            }
            if (sd.getSpec() == null) {
                throw new UserError(where + ": field spec: required");
            }
            return sd.getSpec();
        }
    }

    /** The sha256 of an input artifact's manifest content (its files' digests), for lineage. */
    static String digest(Manifest m) {
        try {
            byte[] bytes = io.syncabel.runtime.Json.MAPPER.writeValueAsBytes(m.files());
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

}
