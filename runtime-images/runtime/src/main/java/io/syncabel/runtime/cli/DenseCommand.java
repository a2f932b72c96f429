package io.syncabel.runtime.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.CorpusLinking;
import io.syncabel.runtime.link.DenseEvaluation;
import io.syncabel.runtime.link.DenseGraph;
import io.syncabel.runtime.link.DenseIndex;
import io.syncabel.runtime.link.DenseRetriever;
import io.syncabel.runtime.link.Embedder;
import io.syncabel.runtime.link.MentionDictionary;
import io.syncabel.runtime.model.pretrained.DenseArtifact;
import io.syncabel.runtime.model.pretrained.HfCheckpoint;
import io.syncabel.runtime.model.pretrained.SapBertTraining;
import io.syncabel.runtime.model.pretrained.SentenceEncoder;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel dense ...`: a SapBERT-style dense retriever from a pretrained encoder (docs/model.md, "Dense retrieval"). */
@Command(name = "dense", description = "Dense retrieval: fine-tune a pretrained encoder on the KB's synonyms, index the KB, evaluate.",
        subcommands = {DenseCommand.Train.class, DenseCommand.Index.class, DenseCommand.Evaluate.class})
final class DenseCommand {

    /** `syncabel dense train`: SapBERT fine-tuning, then every KB name embedded into a dense retriever artifact. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Fine-tune a pretrained encoder (SapBERT objective) on the KB's synonyms and training mentions; "
                    + "publish it with the KB's name vectors as a dense retriever.")
    static final class Train implements Callable<Integer>, ModelStage {
        @Spec
        CommandSpec spec;

        @Mixin
        UnknownCodesOption unknownCodes = new UnknownCodesOption();

        @Option(names = "--pretrained", required = true, paramLabel = "URI",
                description = "A Hugging Face BERT-family checkpoint (folder, file: or s3://; e.g. from `syncabel model import`).")
        String pretrained;

        @Option(names = "--pretrained-digest", paramLabel = "sha256:HEX",
                description = "Refuse the checkpoint unless its digest (docs/model.md) is this one.")
        String pretrainedDigest;

        @Option(names = "--kb", required = true, paramLabel = "URI", description = "Knowledge-base artifact.")
        String kb;

        @Option(names = "--train", paramLabel = "FILE", description = "Annotated corpora whose mentions join the KB's synonyms (repeatable).")
        List<Path> train = new ArrayList<>();

        @Option(names = "--format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name).")
        String format;

        @Option(names = "--steps", paramLabel = "N", description = "Optimiser updates (default: three passes over the KB's "
                + "concepts, at most 1000; 0: index with the pretrained encoder as it is).")
        Integer steps;

        @Option(names = "--concepts-per-batch", defaultValue = "32", paramLabel = "C", description = "default ${DEFAULT-VALUE}")
        int conceptsPerBatch;

        @Option(names = "--names-per-concept", defaultValue = "4", paramLabel = "N", description = "default ${DEFAULT-VALUE}")
        int namesPerConcept;

        @Option(names = "--lr", defaultValue = "2e-5", description = "Peak AdamW rate (default ${DEFAULT-VALUE}, SapBERT's).")
        float lr;

        @Option(names = "--mention-share", defaultValue = "0.5", paramLabel = "S",
                description = "Share of a batch's seed concepts drawn among the concepts with training mentions; their "
                        + "names then include a mention (default ${DEFAULT-VALUE}; 0: uniform over the KB).")
        float mentionShare;

        @Option(names = "--hard-negatives", defaultValue = "0", paramLabel = "N",
                description = "Nearest concepts (character TF-IDF) joining a batch with each seed concept (default "
                        + "${DEFAULT-VALUE}: on NCBI-disease dev they lowered recall; 0: no hard negatives).")
        int hardNegatives;

        @Option(names = "--max-length", defaultValue = "32", paramLabel = "T",
                description = "Tokens per name or mention (default ${DEFAULT-VALUE}; names are short).")
        int maxLength;

        @Option(names = "--storage", defaultValue = "float16", paramLabel = "TYPE",
                description = "Vector storage: float16 or int8 (default ${DEFAULT-VALUE}).")
        String storage;

        @Option(names = "--index", defaultValue = "auto", paramLabel = "KIND",
                description = "auto (the default: hnsw from " + GRAPH_FROM_NAMES + " names on, else flat), flat (exact scan) "
                        + "or hnsw (an HNSW graph over the names: approximate and sub-linear; docs/model.md, \"HNSW graphs for large KBs\").")
        String index;

        @Mixin
        GraphOptions graph = new GraphOptions();

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--language", defaultValue = "en")
        String language;

        @Option(names = "--out", required = true, paramLabel = "URI", description = "Where the dense retriever goes.")
        String out;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            if (steps != null && steps < 0 || maxLength < 4) {
                throw new UserError("--steps must be >= 0 and --max-length >= 4");
            }
            if (mentionShare < 0 || mentionShare > 1 || hardNegatives < 0) {
                throw new UserError("--mention-share must be in [0, 1] and --hard-negatives >= 0");
            }
            DenseIndex.Storage store = storage(storage);
            if (!index.equals("flat") && !index.equals("hnsw") && !index.equals("auto")) {
                throw new UserError("--index " + index + ": use auto, flat or hnsw");
            }
            String checkpointUri = Uris.prefix(pretrained);
            HfCheckpoint checkpoint = pretrainedDigest == null ? HfCheckpoint.open(checkpointUri)
                    : HfCheckpoint.open(checkpointUri, pretrainedDigest);
            String kbUri = Uris.prefix(kb);
            KnowledgeBase knowledgeBase = KbArtifact.load(kbUri);
            List<CorpusExamples.Item> items = new ArrayList<>();
            for (Path p : train) {
                items.addAll(CorpusLinking.read(p, format, knowledgeBase, language, true, unknownCodes.problems(false)));
            }
            int updates = steps != null ? steps : SapBertTraining.defaultSteps(knowledgeBase.concepts().size(), conceptsPerBatch);
            SapBertTraining.Settings settings = updates == 0 ? null : new SapBertTraining.Settings(updates, conceptsPerBatch,
                    namesPerConcept, lr, 0.01f, 0.1f, 1f, seed, mentionShare, hardNegatives);
            List<Manifest.Input> inputs = new ArrayList<>();
            inputs.add(new Manifest.Input(kbUri, null));
            train.forEach(p -> inputs.add(new Manifest.Input("file:" + p.toAbsolutePath(), null)));
            graph.check();
            Map<String, Object> summary = trainAndPublish(checkpoint, knowledgeBase, items, settings, store,
                    index, graph.efSearch, graph.threads, maxLength, inputs, Uris.prefix(out), err);
            Summary.emit(spec.commandLine().getOut(), summary);
            return 0;
        }
    }

    /** `syncabel dense evaluate`: the retriever alone and beside TF-IDF on an annotated corpus. */
    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Recall@1/@k of a dense retriever alone, and candidate recall@k of TF-IDF alone and TF-IDF + dense "
                    + "on the mentions the training dictionary lacks.")
    static final class Evaluate implements Callable<Integer>, ModelStage {
        @Spec
        CommandSpec spec;

        @Mixin
        UnknownCodesOption unknownCodes = new UnknownCodesOption();

        @Option(names = "--retriever", required = true, paramLabel = "URI", description = "A dense retriever from `syncabel dense train`.")
        String retriever;

        @Option(names = "--kb", required = true, paramLabel = "URI", description = "The knowledge-base artifact it indexes.")
        String kb;

        @Option(names = "--dictionary-corpus", paramLabel = "FILE",
                description = "Annotated corpora whose mentions form the training dictionary (repeatable).")
        List<Path> dictionary = new ArrayList<>();

        @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "The annotated corpus to evaluate on.")
        Path corpus;

        @Option(names = "--format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name).")
        String format;

        @Option(names = "--k", defaultValue = "10", description = "Candidates per mention (default ${DEFAULT-VALUE}).")
        int k;

        @Option(names = "--language", defaultValue = "en")
        String language;

        @Override
        public Integer call() throws IOException {
            if (k < 1) {
                throw new UserError("--k must be at least 1");
            }
            KnowledgeBase knowledgeBase = KbArtifact.load(Uris.prefix(kb));
            List<CorpusExamples.Item> dict = new ArrayList<>();
            for (Path p : dictionary) {
                dict.addAll(CorpusLinking.read(p, format, knowledgeBase, language, true, unknownCodes.problems(false)));
            }
            List<CorpusExamples.Item> test = CorpusLinking.read(corpus, format, knowledgeBase, language, true,
                    unknownCodes.problems(false));
            try (DenseArtifact artifact = DenseArtifact.load(Uris.prefix(retriever))) {
                DenseEvaluation.Figures f = DenseEvaluation.evaluate(knowledgeBase, artifact.retriever(),
                        MentionDictionary.of(dict), test, k);
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("mentions", f.mentions());
                summary.put("recallAt1", f.recallAt1());
                summary.put("recallAtK", f.recallAtK());
                summary.put("k", k);
                summary.put("dictionaryRecallAt1", f.dictionaryRecallAt1());
                summary.put("dictionaryRecallAtK", f.dictionaryRecallAtK());
                summary.put("unseenMentions", f.unseenMentions());
                summary.put("tfidfRecallAtKUnseen", f.tfidfRecallAtKUnseen());
                summary.put("denseRecallAtKUnseen", f.denseRecallAtKUnseen());
                summary.put("mergedRecallAtKUnseen", f.mergedRecallAtKUnseen());
                summary.put("queryMs", Math.round(f.queryMs() * 100) / 100.0);
                summary.put("index", artifact.retriever().index().graph() == null ? "flat" : "hnsw");
                summary.put("bytesPerName", bytesPerName(artifact.retriever()));
                Object minutes = artifact.manifest().counts().get("trainMinutes");
                summary.put("trainMinutes", minutes == null ? 0 : minutes);
                Summary.emit(spec.commandLine().getOut(), summary);
            }
            return 0;
        }
    }

    /**
     * Fine-tunes the checkpoint's encoder (no settings: as it is), embeds the KB's names and publishes the dense
     * retriever under {@code prefix}, the checkpoint and its digest first among its inputs. Returns the summary.
     */
    static Map<String, Object> trainAndPublish(HfCheckpoint checkpoint, KnowledgeBase kb, List<CorpusExamples.Item> items,
            SapBertTraining.Settings settings, DenseIndex.Storage storage, String index, int efSearch, int graphThreads, int maxLength,
            List<Manifest.Input> inputs,
            String prefix, PrintWriter err) throws IOException {
        long start = System.nanoTime();
        Map<String, Object> summary = new LinkedHashMap<>();
        try (SentenceEncoder encoder = SentenceEncoder.load(checkpoint, maxLength)) {
            List<SapBertTraining.Pair> pairs = SapBertTraining.pairs(kb, items);
            err.printf("dense train: %,d names of %,d concepts (%,d training mentions), %s, %s pooling%n", pairs.size(),
                    kb.concepts().size(), items.size(), checkpoint.digest(), encoder.pooling().name().toLowerCase(java.util.Locale.ROOT));
            err.flush();
            if (settings != null) {
                SapBertTraining.Result result = SapBertTraining.train(encoder.block(), encoder::tokenize,
                        (NDList in, NDList outputs) -> encoder.pooling().pool(outputs.singletonOrThrow(), in.get(1)),
                        pairs, settings, settings.neighboursPerSeed() == 0 ? null
                                : SapBertTraining.nearestByTfIdf(kb, 4 * settings.neighboursPerSeed()),
                        encoder.manager(), err);
                summary.put("steps", result.steps());
                summary.put("firstLoss", Math.round(result.firstLoss() * 1000) / 1000.0);
                summary.put("lastLoss", Math.round(result.lastLoss() * 1000) / 1000.0);
            }
            double trainMinutes = (System.nanoTime() - start) / 6e10;
            long names = kb.dictionaries().values().stream().mapToLong(Map::size).sum();
            DenseRetriever retriever = DenseRetriever.build(new Progress(encoder, names, err), kb, storage);
            summary.put("names", retriever.rows().size());
            summary.put("pooling", encoder.pooling().name().toLowerCase(java.util.Locale.ROOT));
            summary.put("dimension", encoder.dimension());
            summary.put("storage", storage.name().toLowerCase(java.util.Locale.ROOT));
            if (withGraph(index, retriever.rows().size())) {
                long graphStart = System.nanoTime();
                int total = retriever.rows().size();
                retriever = retriever.withGraph(efSearch, 42, graphThreads, n -> {
                    err.printf("dense train: HNSW graph %,d/%,d names (%.1f min)%n", n, total, (System.nanoTime() - graphStart) / 6e10);
                    err.flush();
                });
                summary.put("graphMinutes", Math.round((System.nanoTime() - graphStart) / 6e9) / 10.0);
            }
            summary.put("index", retriever.index().graph() == null ? "flat" : "hnsw");
            summary.put("bytesPerName", bytesPerName(retriever));
            summary.put("trainMinutes", Math.round(trainMinutes * 10) / 10.0);
            summary.put("minutes", Math.round((System.nanoTime() - start) / 6e9) / 10.0);
            summary.put("pretrainedDigest", checkpoint.digest());
            List<Manifest.Input> lineage = new ArrayList<>();
            lineage.add(new Manifest.Input(checkpoint.uri(), checkpoint.digest()));
            lineage.addAll(inputs);
            DenseArtifact.write(prefix, encoder, checkpoint, retriever, new LinkedHashMap<>(summary), lineage);
            summary.put("retriever", prefix);
        }
        return summary;
    }

    /** `syncabel dense index`: the same retriever with another index (an HNSW graph over its names), without re-embedding. */
    @Command(name = "index", mixinStandardHelpOptions = true,
            description = "Publish a dense retriever again with an HNSW graph over its names (or without one), reusing its "
                    + "encoder and name vectors: nothing is embedded again.")
    static final class Index implements Callable<Integer>, ModelStage {
        @Spec
        CommandSpec spec;

        @Option(names = "--retriever", required = true, paramLabel = "URI", description = "A dense retriever from `syncabel dense train`.")
        String retriever;

        @Option(names = "--index", defaultValue = "hnsw", paramLabel = "KIND",
                description = "hnsw (default) or flat (drop the graph: exact search again).")
        String index;

        @Mixin
        GraphOptions graph = new GraphOptions();

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "URI", description = "Where the re-indexed retriever goes.")
        String out;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            if (!index.equals("flat") && !index.equals("hnsw")) {
                throw new UserError("--index " + index + ": use flat or hnsw");
            }
            graph.check();
            String from = Uris.prefix(retriever);
            String to = Uris.prefix(out);
            long start = System.nanoTime();
            try (DenseArtifact artifact = DenseArtifact.load(from)) {
                DenseRetriever source = artifact.retriever();
                DenseRetriever indexed;
                if (index.equals("flat")) {
                    indexed = source.withoutGraph();
                } else {
                    int total = source.rows().size();
                    indexed = source.withGraph(graph.efSearch, seed, graph.threads, n -> {
                        err.printf("dense index: HNSW graph %,d/%,d names (%.1f min)%n", n, total, (System.nanoTime() - start) / 6e10);
                        err.flush();
                    });
                }
                Map<String, Object> summary = new LinkedHashMap<>(artifact.manifest().counts());
                summary.put("index", index);
                if (indexed.index().graph() != null) {
                    summary.put("efSearch", graph.efSearch);
                }
                summary.put("bytesPerName", bytesPerName(indexed));
                summary.put("indexMinutes", Math.round((System.nanoTime() - start) / 6e9) / 10.0);
                // the encoder is the source retriever's, as its own lineage says; the source joins the lineage
                List<Manifest.Input> lineage = new ArrayList<>(artifact.manifest().inputs());
                lineage.add(new Manifest.Input(from, null));
                DenseArtifact.write(to, artifact.encoder(), HfCheckpoint.open(from), indexed, new LinkedHashMap<>(summary), lineage);
                summary.put("retriever", to);
                Summary.emit(spec.commandLine().getOut(), summary);
            }
            return 0;
        }
    }

    /**
     * Names from which {@code --index auto} builds an HNSW graph: an exact scan of 500k float16 names costs ~60 ms a query
     * on 2 cores, the graph a few (docs/benchmarks.md, "HNSW graphs"); below, the scan is exact and cheap enough.
     */
    static final int GRAPH_FROM_NAMES = 500_000;

    /** Whether a retriever of {@code names} names gets a graph under {@code --index} (auto, flat or hnsw). */
    /** The HNSW graph's options of `dense train` and `dense index`. */
    static final class GraphOptions {
        @Option(names = "--ef-search", defaultValue = "" + DenseGraph.EF_SEARCH, paramLabel = "N",
                description = "With --index hnsw: candidates a search visits at least, stored with the graph (default ${DEFAULT-VALUE}).")
        int efSearch;

        @Option(names = "--graph-threads", defaultValue = "1", paramLabel = "N",
                description = "Threads that build an HNSW graph (default ${DEFAULT-VALUE}: seeded, the same names give the same graph; "
                        + "more build it faster, as Lucene merges segments, and the graph then depends on their timing).")
        int threads;

        void check() {
            if (efSearch < 1) {
                throw new UserError("--ef-search " + efSearch + ": expected 1 or more");
            }
            if (threads < 1) {
                throw new UserError("--graph-threads " + threads + ": expected 1 or more");
            }
        }
    }

    static boolean withGraph(String index, int names) {
        return names > 0 && (index.equals("hnsw") || index.equals("auto") && names >= GRAPH_FROM_NAMES);
    }

    /** Bytes a name takes in the retriever's index: its vector and its share of the graph, if any. */
    static long bytesPerName(DenseRetriever retriever) {
        DenseIndex index = retriever.index();
        long graph = index.graph() == null ? 0 : index.graph().bytes();
        return Math.round(index.bytesPerVector() + (double) graph / Math.max(1, retriever.rows().size()));
    }

    static DenseIndex.Storage storage(String name) {
        for (DenseIndex.Storage s : DenseIndex.Storage.values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new UserError("--storage " + name + ": use float16 or int8");
    }

    /** The encoder, logging how far indexing the KB has got (minutes for large KBs). */
    private record Progress(Embedder encoder, long total, PrintWriter err, long[] done, long start) implements Embedder {
        Progress(Embedder encoder, long total, PrintWriter err) {
            this(encoder, total, err, new long[1], System.nanoTime());
        }

        @Override
        public int dimension() {
            return encoder.dimension();
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = encoder.embed(texts);
            long before = done[0];
            done[0] += texts.size();
            if (before / 5000 != done[0] / 5000 || done[0] >= total) {
                double min = (System.nanoTime() - start) / 6e10;
                err.printf("dense index: %,d/%,d names embedded (%.1f min, %.0f names/s)%n", done[0], total, min,
                        done[0] / Math.max(1e-9, min * 60));
                err.flush();
            }
            return out;
        }
    }
}
