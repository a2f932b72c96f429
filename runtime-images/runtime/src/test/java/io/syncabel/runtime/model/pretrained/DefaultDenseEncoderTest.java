package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncabel.runtime.cli.Env;
import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.model.LinkerTrainingTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dense retriever is on by default where the runtime has an encoder (the image names all-MiniLM-L6-v2 in
 * SYNCABEL_DENSE_ENCODER), off with --no-dense or spec.model.dense: false, and a TrainingRun's own checkpoints are
 * read from the manifest, so a local `train -f` trains what the operator's Job trains.
 */
class DefaultDenseEncoderTest {
    @TempDir
    Path dir;
    String kbArtifact;
    Path train;
    String minilm;

    @BeforeEach
    void toyRun() throws IOException {
        kbArtifact = LinkerTrainingTest.toyKbArtifact(dir);
        train = Files.writeString(dir.resolve("train.pubtator"), LinkerTrainingTest.pubtator());
        minilm = "file:" + MiniLm.checkpoint() + "/";
    }

    /** Runs {@code train} on the toy corpus (a tiny model, one epoch) into {@code <dir>/<name>}. */
    Result train(Map<String, String> env, String name, String... more) {
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine(Env.of(env));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("train", "--kb", kbArtifact, "--train", train.toString(), "--size", "tiny",
                "--epochs", "1", "--no-reranker", "--out", "file:" + dir.resolve(name) + "/"));
        args.addAll(List.of(more));
        return new Result(cli.execute(args.toArray(String[]::new)), err.toString());
    }

    record Result(int exit, String err) {
    }

    JsonNode modelJson(String name) throws IOException {
        return new ObjectMapper().readTree(dir.resolve(name).resolve("model.json").toFile());
    }

    Path manifest(String model) throws IOException {
        return Files.writeString(dir.resolve("run-" + Math.abs(model.hashCode()) + ".yaml"), """
                apiVersion: syncabel.io/v1alpha1
                kind: TrainingRun
                metadata:
                  name: toy
                spec:
                  knowledgeBaseRef:
                    name: toy
                  corpora:
                    - uri: file:%s
                  model:
                %s""".formatted(train, model.indent(4)));
    }

    @Test
    void theRuntimesDefaultEncoderTrainsTheDenseRetrieverUnlessTheRunSaysNo() throws IOException {
        Map<String, String> image = Map.of("SYNCABEL_DENSE_ENCODER", minilm);

        Result byDefault = train(image, "model");
        assertThat(byDefault.exit()).as(byDefault.err()).isZero();
        assertThat(byDefault.err()).contains("the dense retriever is fine-tuned from the runtime's default encoder " + minilm)
                .as("three passes over the toy KB's 6 concepts, 32 a batch: one update").contains("sapbert: step 1/1 ");
        assertThat(modelJson("model").path("denseUri").asText()).isEqualTo("file:" + dir.resolve("model.dense") + "/");
        assertThat(Files.readString(dir.resolve("model/manifest.json"))).as("the encoder and its digest in the lineage")
                .contains(minilm).containsPattern("sha256:[0-9a-f]{64}");

        Result flag = train(image, "no-dense", "--no-dense");
        assertThat(flag.exit()).as(flag.err()).isZero();
        assertThat(modelJson("no-dense").path("denseUri").isNull()).isTrue();
        assertThat(dir.resolve("no-dense.dense")).doesNotExist();

        Result field = train(image, "dense-false", "-f", manifest("dense: false").toString());
        assertThat(field.exit()).as(field.err()).isZero();
        assertThat(modelJson("dense-false").path("denseUri").isNull()).isTrue();

        // no encoder in the environment: none, and the log says how to get one
        Result bare = train(Map.of(), "bare");
        assertThat(bare.exit()).as(bare.err()).isZero();
        assertThat(bare.err()).contains("train: no dense retriever (give --dense-pretrained URI or set SYNCABEL_DENSE_ENCODER");
        assertThat(modelJson("bare").path("denseUri").isNull()).isTrue();
    }

    @Test
    void contradictionsAndABrokenDefaultAreRefusedBeforeTraining() throws IOException {
        Result both = train(Map.of(), "both", "--no-dense", "--dense-pretrained", minilm);
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--no-dense: --dense-pretrained " + minilm + " names the dense retriever's encoder");

        Result bert = train(Map.of(), "bert", "-f", manifest("dense: false").toString(), "--pretrained", minilm);
        assertThat(bert.exit()).isEqualTo(2);
        assertThat(bert.err()).contains("field spec.model.dense: false: --pretrained " + minilm + " is a bert checkpoint, "
                + "which becomes the dense retriever");

        // a digest checks the URI it comes with, never the runtime's default encoder
        Result digestAlone = train(Map.of("SYNCABEL_DENSE_ENCODER", minilm), "digest-alone", "--dense-pretrained-digest",
                "sha256:" + "0".repeat(64));
        assertThat(digestAlone.exit()).isEqualTo(2);
        assertThat(digestAlone.err()).contains("--dense-pretrained-digest needs --dense-pretrained URI");

        Result missing = train(Map.of("SYNCABEL_DENSE_ENCODER", "file:" + dir.resolve("nowhere") + "/"), "missing");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("SYNCABEL_DENSE_ENCODER=file:" + dir.resolve("nowhere") + "/: ")
                .contains("no such checkpoint folder");
        // refused wherever it comes, not only when a retriever is trained
        Result negative = train(Map.of(), "negative", "--no-dense", "--dense-steps", "-1");
        assertThat(negative.exit()).isEqualTo(2);
        assertThat(negative.err()).contains("--dense-steps -1: expected 0 or more");

        assertThat(List.of("both", "bert", "digest-alone", "missing", "negative")).allSatisfy(name -> assertThat(dir.resolve(name)).doesNotExist());
    }

    @Test
    void aManifestsOwnDenseCheckpointIsTrainedFromWithoutFlags() throws IOException {
        Result fromManifest = train(Map.of(), "from-manifest", "--dense-steps", "0", "-f", manifest("""
                densePretrained:
                  uri: %s""".formatted(minilm)).toString());
        assertThat(fromManifest.exit()).as(fromManifest.err()).isZero();
        assertThat(modelJson("from-manifest").path("denseUri").asText()).isEqualTo("file:" + dir.resolve("from-manifest.dense") + "/");

        // its digest is checked as the flag's would be
        Result wrongDigest = train(Map.of(), "wrong-digest", "-f", manifest("""
                densePretrained:
                  uri: %s
                  digest: sha256:%s""".formatted(minilm, "0".repeat(64))).toString());
        assertThat(wrongDigest.exit()).isEqualTo(2);
        assertThat(wrongDigest.err()).contains(minilm + ": checkpoint digest is sha256:").contains("expected sha256:" + "0".repeat(64));
    }
}
