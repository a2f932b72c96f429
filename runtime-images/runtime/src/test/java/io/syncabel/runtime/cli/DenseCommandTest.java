package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.store.Manifest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `syncabel dense train` and `dense evaluate` end to end on the real all-MiniLM-L6-v2 (test classpath) and a
 * five-concept gazetteer: fine-tuning runs, the artifact records the pretrained checkpoint's digest, the KB's
 * names are found again by their own text, and a wrong expected digest refuses the checkpoint.
 */
class DenseCommandTest {
    @TempDir
    static Path dir;

    static String kb;
    static String minilm;
    static Path train;
    static Path test;

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = SyncabelCli.commandLine(Env.of(Map.of()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    Map<String, Object> summary() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = Json.MAPPER.readValue(out.toString().lines().reduce((a, b) -> b).orElseThrow(), Map.class);
        return s;
    }

    @BeforeAll
    static void inputs() throws Exception {
        DenseCommandTest t = new DenseCommandTest();
        Path gazetteer = dir.resolve("kb.tsv");
        Files.writeString(gazetteer, """
                C1\theart attack
                C1\tmyocardial infarction
                C2\tcommon cold
                C2\tcoryza
                C3\tdiabetes mellitus
                C3\tsugar diabetes
                C4\tmigraine
                C4\themicrania
                C5\tasthma
                C5\tbronchial asthma
                """);
        kb = "file:" + dir.resolve("kb") + "/";
        assertThat(t.run("kb", "build", "--format", "tsv", "--source", gazetteer.toString(), "--out", kb)).as(t.err.toString()).isZero();
        minilm = "file:" + dir.resolve("minilm") + "/";
        assertThat(t.run("model", "import", "--jar", ModelCommandTest.minilmJar().toString(), "--out", minilm))
                .as(t.err.toString()).isZero();
        train = dir.resolve("train.jsonl");
        Files.writeString(train, """
                {"id": "d1", "text": "She had a heart attack at work.", "mentions": [{"spans": [[10, 22]], "ids": ["C1"]}]}
                {"id": "d2", "text": "A common cold lasts a week.", "mentions": [{"spans": [[2, 13]], "ids": ["C2"]}]}
                """);
        test = dir.resolve("test.jsonl");
        Files.writeString(test, """
                {"id": "t1", "text": "Coryza and hemicrania were reported.", "mentions": [{"spans": [[0, 6]], "ids": ["C2"]}, {"spans": [[11, 21]], "ids": ["C4"]}]}
                {"id": "t2", "text": "Bronchial asthma and a heart attack.", "mentions": [{"spans": [[0, 16]], "ids": ["C5"]}, {"spans": [[23, 35]], "ids": ["C1"]}]}
                """);
    }

    @Test
    void trainsIndexesAndFindsTheKbsNames() throws Exception {
        String dense = "file:" + dir.resolve("dense") + "/";
        int code = run("dense", "train", "--pretrained", minilm, "--kb", kb, "--train", train.toString(), "--steps", "2",
                "--concepts-per-batch", "2", "--names-per-concept", "2", "--storage", "int8", "--out", dense);
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("sapbert: step 2/2").contains("dense index: 10/10 names embedded");
        Map<String, Object> s = summary();
        assertThat(s).containsEntry("steps", 2).containsEntry("names", 10).containsEntry("dimension", 384)
                .containsEntry("storage", "int8").containsEntry("bytesPerName", 388)
                .containsEntry("index", "flat");
        Manifest manifest = new FolderStore().manifest(dense).orElseThrow();
        assertThat(manifest.kind()).isEqualTo("dense-retriever");
        String digest = (String) s.get("pretrainedDigest");
        assertThat(manifest.inputs()).contains(new Manifest.Input(minilm, digest));
        assertThat(manifest.files().stream().map(Manifest.FileEntry::name))
                .contains("config.json", "model.safetensors", "tokenizer.json", "dense.bin");

        code = run("dense", "evaluate", "--retriever", dense, "--kb", kb, "--dictionary-corpus", train.toString(),
                "--corpus", test.toString(), "--k", "3");
        assertThat(code).as(err.toString()).isZero();
        // every test mention is a KB name: its own vector is nearest; "heart attack" is in the training dictionary
        assertThat(summary()).containsEntry("mentions", 4).containsEntry("recallAt1", 100.0).containsEntry("recallAtK", 100.0)
                .containsEntry("unseenMentions", 3).containsEntry("mergedRecallAtKUnseen", 100.0).containsEntry("k", 3);
    }

    @Test
    void anHnswIndexIsPublishedWithTheRetrieverAndSearchedThrough() throws Exception {
        String dense = "file:" + dir.resolve("dense-hnsw") + "/";
        assertThat(run("dense", "train", "--pretrained", minilm, "--kb", kb, "--steps", "0", "--index", "graph",
                "--out", dense)).isEqualTo(2);
        assertThat(err.toString()).contains("--index graph: use auto, flat or hnsw");
        // auto: a graph only where a scan gets slow
        assertThat(DenseCommand.withGraph("auto", DenseCommand.GRAPH_FROM_NAMES - 1)).isFalse();
        assertThat(DenseCommand.withGraph("auto", DenseCommand.GRAPH_FROM_NAMES)).isTrue();
        assertThat(DenseCommand.withGraph("flat", 10_000_000)).isFalse();
        assertThat(DenseCommand.withGraph("hnsw", 10)).isTrue();
        assertThat(DenseCommand.withGraph("hnsw", 0)).as("nothing to link").isFalse();
        int code = run("dense", "train", "--pretrained", minilm, "--kb", kb, "--steps", "0", "--index", "hnsw", "--out", dense);
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> s = summary();
        assertThat(s).containsEntry("index", "hnsw").containsKey("graphMinutes");
        assertThat(((Number) s.get("bytesPerName")).longValue()).as("float16 vectors plus the graph's links").isGreaterThan(768);
        try (var artifact = io.syncabel.runtime.model.pretrained.DenseArtifact.load(dense)) {
            assertThat(artifact.retriever().index().graph()).isNotNull();
            assertThat(artifact.retriever().index().graph().size()).isEqualTo(10);
        }
        code = run("dense", "evaluate", "--retriever", dense, "--kb", kb, "--corpus", test.toString(), "--k", "3");
        assertThat(code).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("mentions", 4).containsEntry("recallAt1", 100.0).containsEntry("index", "hnsw");

        // the graph dropped and added again without embedding anything: the same vectors, the source in the lineage
        String flat = "file:" + dir.resolve("dense-flat") + "/";
        assertThat(run("dense", "index", "--retriever", dense, "--index", "flat", "--out", flat)).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("index", "flat").containsEntry("bytesPerName", 768);
        String again = "file:" + dir.resolve("dense-again") + "/";
        assertThat(run("dense", "index", "--retriever", flat, "--out", again)).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("index", "hnsw");
        assertThat(new FolderStore().manifest(again).orElseThrow().inputs()).contains(new Manifest.Input(flat, null));
        assertThat(Files.readAllBytes(dir.resolve("dense-again").resolve("dense.bin")))
                .as("the same vectors and seed: the same graph").isEqualTo(Files.readAllBytes(dir.resolve("dense-hnsw").resolve("dense.bin")));
        String threaded = "file:" + dir.resolve("dense-threaded") + "/";
        assertThat(run("dense", "index", "--retriever", flat, "--graph-threads", "2", "--out", threaded)).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("index", "hnsw");
        assertThat(run("dense", "index", "--retriever", flat, "--graph-threads", "0", "--out", threaded)).isEqualTo(2);
        assertThat(err.toString()).contains("--graph-threads 0: expected 1 or more");
    }

    @Test
    void aWrongExpectedDigestRefusesTheCheckpoint() throws Exception {
        String wrong = "sha256:" + "0".repeat(64);
        int code = run("dense", "train", "--pretrained", minilm, "--pretrained-digest", wrong, "--kb", kb, "--steps", "0",
                "--out", "file:" + dir.resolve("refused") + "/");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(wrong);
        assertThat(new FolderStore().manifest("file:" + dir.resolve("refused") + "/")).isEmpty();
    }

    @Test
    void trainWithAPretrainedCheckpointPublishesTheModelAndItsDenseRetrieverWhichLinkingThenUses() throws Exception {
        String model = "file:" + dir.resolve("model") + "/";
        String densePrefix = "file:" + dir.resolve("model.dense") + "/";
        int code = run("train", "--kb", kb, "--train", train.toString(), "--dev", train.toString(), "--out", model,
                "--size", "tiny", "--epochs", "1", "--vocab-size", "300", "--pretrained", minilm, "--dense-steps", "0",
                "--checkpoint-minutes", "0");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> s = summary();
        assertThat(s).containsEntry("denseRetriever", densePrefix);
        FolderStore store = new FolderStore();
        Manifest dense = store.manifest(densePrefix).orElseThrow();
        assertThat(dense.kind()).isEqualTo("dense-retriever");
        String digest = dense.inputs().get(0).sha256();
        assertThat(dense.inputs().get(0)).isEqualTo(new Manifest.Input(minilm, digest));
        assertThat(store.manifest(model).orElseThrow().inputs()).contains(new Manifest.Input(minilm, digest));
        assertThat(Json.MAPPER.readTree(dir.resolve("model").resolve("model.json").toFile()).path("denseUri").asText())
                .isEqualTo(densePrefix);
        assertThat(Json.MAPPER.readTree(dir.resolve("model").resolve("reranker.json").toFile()).toString())
                .as("the re-ranker learnt from the dense retriever's features").contains("denseCosine");

        // link uses the model's dense retriever by default: "sugar diabetes" is only found through it or TF-IDF, and
        // the re-ranker fitted with dense features refuses to rank without them, so a zero exit proves it was there
        code = run("link", "--model", model, "He has [sugar diabetes]{DISO}.");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("C3");

        // serve opens the model with it too
        java.util.List<String> steps = new java.util.ArrayList<>();
        var loaded = new ModelLinkerProvider().loader().load(model, steps::add);
        try (var linker = loaded.linker()) {
            assertThat(steps).anySatisfy(step -> assertThat(step).contains("reading dense retriever " + densePrefix));
            var result = linker.link(java.util.List.of(new io.syncabel.runtime.link.Linker.Query("He has sugar diabetes.", 7, 21,
                    "DISO")), io.syncabel.runtime.link.Linker.Options.defaults());
            assertThat(result.get(0).candidates().get(0).codes()).containsExactly("C3");
        }

        // evaluate --model links with the model's default pipeline too (re-ranker + dense)
        code = run("evaluate", "--model", model, "--test", test.toString(), "--bootstrap", "10",
                "--out", dir.resolve("report").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("mentions=4 recall_at_1=");

        // a run stopped after publishing its dense retriever: the rerun of that output reuses it instead of training it
        copyTree(dir.resolve("model.dense"), dir.resolve("rerun.dense"));
        code = run("train", "--kb", kb, "--train", train.toString(), "--out", "file:" + dir.resolve("rerun") + "/",
                "--size", "tiny", "--epochs", "1", "--vocab-size", "300", "--pretrained", minilm, "--checkpoint-minutes", "0");
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("reusing the dense retriever").doesNotContain("sapbert: step");
    }

    @Test
    void trainRefusesAWrongDigestBeforeTraining() throws Exception {
        String wrong = "sha256:" + "f".repeat(64);
        String model = "file:" + dir.resolve("refused-model") + "/";
        int code = run("train", "--kb", kb, "--train", train.toString(), "--out", model, "--size", "tiny", "--epochs", "1",
                "--pretrained", minilm, "--pretrained-digest", wrong);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(wrong).doesNotContain("train: epoch");
        assertThat(new FolderStore().manifest(model)).isEmpty();
    }

    static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}
