package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.store.FolderStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel train` as a TrainingRun pod runs it: the resource JSON, the KB and synthetic dataset URIs from the environment. */
class TrainFromResourceTest {
    static final String KB = """
            D001||Duchenne muscular dystrophy|DMD|muscular dystrophy, Duchenne
            D002||Breast cancer|breast carcinoma|mammary cancer
            D003||Wilson disease|hepatolenticular degeneration
            D004||Cystic fibrosis|mucoviscidosis
            """;
    static final String CORPUS = """
            1|t|Duchenne muscular dystrophy in boys.
            1|a|Breast cancer was rare.
            1\t0\t27\tDuchenne muscular dystrophy\tSpecificDisease\tD001
            1\t37\t50\tBreast cancer\tSpecificDisease\tD002

            2|t|Wilson disease and copper.
            2|a|Children with cystic fibrosis need care.
            2\t0\t14\tWilson disease\tSpecificDisease\tD003
            2\t41\t56\tcystic fibrosis\tSpecificDisease\tD004

            """;

    @TempDir
    Path dir;
    StringWriter out;
    StringWriter err;

    int run(Map<String, String> env, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = SyncabelCli.commandLine(Env.of(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> summary() throws IOException {
        List<String> lines = out.toString().lines().toList();
        return Json.MAPPER.readValue(lines.get(lines.size() - 1), Map.class);
    }

    String resource(Path corpus, String devSelection) {
        return """
                {"apiVersion":"syncabel.io/v1alpha1","kind":"TrainingRun","metadata":{"name":"t","namespace":"ns","generation":1},
                 "spec":{"knowledgeBaseRef":{"name":"kb"},
                   "corpora":[{"uri":"file:%1$s","format":"pubtator","split":"train"},{"uri":"file:%1$s","format":"pubtator","split":"dev"}],
                   "syntheticDatasetRefs":[{"name":"synth"}],
                   "mixing":{"strategy":"alternate","humanUpsampling":2},
                   "model":{"architecture":"encoder-decoder","size":"tiny","hiddenSize":32,"encoderLayers":1,"decoderLayers":1,
                            "heads":2,"ffnSize":64,"vocabSize":300,"maxSourceLength":24,"maxTargetLength":24},
                   "hyperparameters":{"epochs":2,"batchSize":8,"learningRate":0.003,"warmupSteps":2,"labelSmoothing":0.0,"seed":7},
                   "devSelection":%2$s,"language":"fr"}}""".formatted(corpus, devSelection);
    }

    @Test
    void trainsFromATrainingRunWithASyntheticDataset() throws IOException {
        Path kbFile = Files.writeString(dir.resolve("kb.txt"), KB);
        Path corpus = Files.writeString(dir.resolve("train.pubtator"), CORPUS);
        String kbUri = "file:" + dir.resolve("kb") + "/";
        assertThat(run(Map.of(), "kb", "build", "--format", "dnorm", "--source", kbFile.toString(), "--out", kbUri))
                .as(err.toString()).isZero();
        String synth = "file:" + dir.resolve("synth") + "/";
        assertThat(run(Map.of(), "synth", "generate", "--kb", kbUri, "--out", synth, "--style-corpus", corpus.toString(),
                "--per-concept", "2")).as(err.toString()).isZero();

        String model = "file:" + dir.resolve("model") + "/";
        Map<String, String> env = new HashMap<>(Map.of("SYNCABEL_RESOURCE", resource(corpus, "{\"maxMentions\":3,\"everySteps\":1}"),
                "SYNCABEL_INPUT_KNOWLEDGE_BASE", kbUri, "SYNCABEL_INPUT_SYNTHETIC_DATASETS", synth, "SYNCABEL_OUTPUT_URI", model));
        assertThat(run(env, "train")).as(err.toString()).isZero();
        Map<String, Object> s = summary();
        assertThat(s).containsEntry("syntheticSource", "datasets").containsEntry("syntheticExamples", 8)
                .containsEntry("humanExamples", 4).containsEntry("devMentions", 3).containsEntry("epochs", 2)
                .containsEntry("outputUri", model);
        // alternate with human upsampling 2: 8 human (4 x 2) interleaved with the 8 synthetic
        assertThat(s).containsEntry("examples", 16);
        assertThat(err.toString()).contains("synthetic dataset " + synth + ": 8 records");
        // devSelection.everySteps 1: a dev evaluation (and a checkpoint) after every step, not only at epoch ends
        List<String> metrics = Files.readAllLines(dir.resolve("model/metrics.jsonl"));
        assertThat(metrics).hasSizeGreaterThan(2).allMatch(line -> line.contains("\"devRecallAt1\""));
        assertThat(dir.resolve("model.checkpoints")).as("checkpoints removed once the model is published").doesNotExist();
        try (FolderStore store = new FolderStore(); ModelArtifact artifact = ModelArtifact.load(store, model)) {
            assertThat(artifact.info().config().hiddenSize()).isEqualTo(32);
            assertThat(artifact.info().config().encoderLayers()).isEqualTo(1);
            assertThat(artifact.info().config().heads()).isEqualTo(2);
            assertThat(artifact.info().config().ffnSize()).isEqualTo(64);
            assertThat(artifact.info().config().maxTargetLength()).isEqualTo(24);
            assertThat(artifact.info().language()).as("spec.language").isEqualTo("fr");
        }

        // what the runtime cannot honour fails clearly, before any work
        env.put("SYNCABEL_OUTPUT_URI", "file:" + dir.resolve("model2") + "/");
        assertThat(run(env, "train", "--weight-average", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--weight-average 1.0: expected a decay in [0, 1) (0: no average)");
        env.put("SYNCABEL_RESOURCE", resource(corpus, "{\"metric\":\"loss\"}"));
        assertThat(run(env, "train")).isEqualTo(2);
        assertThat(err.toString()).contains("spec.devSelection.metric: loss is not supported");
        env.put("SYNCABEL_RESOURCE", resource(corpus, "{}"));
        env.remove("SYNCABEL_INPUT_SYNTHETIC_DATASETS");
        assertThat(run(env, "train")).isEqualTo(2);
        assertThat(err.toString()).contains("spec.syntheticDatasetRefs names 1 dataset(s) but no output URI was given");
    }
}
