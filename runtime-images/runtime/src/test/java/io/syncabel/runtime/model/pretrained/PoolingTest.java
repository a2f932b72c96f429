package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.model.LinkerTrainingTest;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's sentence vectors are pooled as the model was trained: the mean over tokens, or the [CLS] state where
 * sentence-transformers' 1_Pooling/config.json says so (bge, SapBERT). The choice is part of the checkpoint (its digest),
 * survives import and fine-tuning, and a mode this runtime cannot compute is an error naming the file and field.
 */
class PoolingTest {
    @TempDir
    Path dir;

    /** MiniLM's weights with a pooling file saying {@code pooling}. */
    Path minilmPooledWith(SentenceEncoder.Pooling pooling, String name) throws IOException {
        Path out = dir.resolve(name);
        HfCheckpoint.write(out, MiniLm.imported().config(), MiniLm.imported().tensors(), MiniLm.checkpoint().resolve("tokenizer.json"),
                pooling);
        return out;
    }

    @Test
    void aClsCheckpointEmbedsWithItsFirstTokensStateAndADifferentDigest() throws IOException {
        Path cls = minilmPooledWith(SentenceEncoder.Pooling.CLS, "cls");
        assertThat(cls.resolve(HfCheckpoint.POOLING)).exists();
        HfCheckpoint clsCheckpoint = HfCheckpoint.open(cls.toString());
        HfCheckpoint meanCheckpoint = HfCheckpoint.open(MiniLm.checkpoint().toString());
        assertThat(clsCheckpoint.pooling()).isEqualTo(SentenceEncoder.Pooling.CLS);
        assertThat(meanCheckpoint.pooling()).isEqualTo(SentenceEncoder.Pooling.MEAN);
        assertThat(clsCheckpoint.digest()).as("same weights, another embedding").isNotEqualTo(meanCheckpoint.digest());

        List<String> texts = List.of("breast cancer", "Hereditary nonpolyposis colorectal cancer");
        try (SentenceEncoder clsEncoder = SentenceEncoder.load(clsCheckpoint);
                SentenceEncoder meanEncoder = SentenceEncoder.load(meanCheckpoint);
                NDManager scope = NDManager.newBaseManager()) {
            float[][] pooled = clsEncoder.embed(texts);
            NDList inputs = clsEncoder.tokenize(scope, texts);
            NDArray hidden = clsEncoder.block().forward(new ParameterStore(scope, false), inputs, false).singletonOrThrow();
            NDArray first = hidden.get(":, 0, :");
            float[] expected = first.div(first.norm(new int[] {1}, true)).toFloatArray();
            int h = clsEncoder.dimension();
            for (int i = 0; i < texts.size(); i++) {
                for (int d = 0; d < h; d++) {
                    assertThat(pooled[i][d]).isCloseTo(expected[i * h + d], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            assertThat(cosine(pooled[0], meanEncoder.embed(texts)[0])).as("the mean is another vector").isLessThan(0.99);
        }
    }

    @Test
    void aPoolingModeThisRuntimeCannotComputeIsAnErrorNamingTheFileAndField() throws IOException {
        Path max = minilmPooledWith(SentenceEncoder.Pooling.CLS, "max");
        Files.writeString(max.resolve(HfCheckpoint.POOLING), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false,
                 "pooling_mode_max_tokens": true}""");
        assertThatThrownBy(() -> HfCheckpoint.open(max.toString()).pooling()).isInstanceOf(UserError.class)
                .hasMessageContaining("1_Pooling/config.json").hasMessageContaining("field pooling_mode_max_tokens is true");
        Files.writeString(max.resolve(HfCheckpoint.POOLING), "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": true}");
        assertThatThrownBy(() -> HfCheckpoint.open(max.toString()).pooling()).isInstanceOf(UserError.class)
                .hasMessageContaining("expected exactly one of pooling_mode_mean_tokens and pooling_mode_cls_token");
    }

    @Test
    void aLangchain4jJarsModelClassNamesItsPooling() throws IOException {
        try (ZipFile jar = new ZipFile(MiniLm.jar().toFile())) {
            var entry = jar.stream().filter(e -> e.getName().endsWith("AllMiniLmL6V2EmbeddingModel.class")).findFirst().orElseThrow();
            try (InputStream in = jar.getInputStream(entry)) {
                assertThat(OnnxImporter.poolingOf(in.readAllBytes())).isEqualTo(SentenceEncoder.Pooling.MEAN);
            }
        }
        assertThat(OnnxImporter.readJar(MiniLm.jar()).pooling()).isEqualTo(SentenceEncoder.Pooling.MEAN);
        // bge's class passes PoolingMode.CLS: a constant-pool UTF-8 entry "CLS" (tag 1, length 0x0003)
        byte[] bgeLike = {(byte) 0xCA, (byte) 0xFE, 1, 0, 3, 'C', 'L', 'S', 1, 0, 4, 'L', 'i', 's', 't'};
        assertThat(OnnxImporter.poolingOf(bgeLike)).isEqualTo(SentenceEncoder.Pooling.CLS);
        assertThat(OnnxImporter.poolingOf(new byte[] {1, 0, 2, 'C', 'L'})).as("neither named").isNull();
    }

    @Test
    void importAndFineTuningKeepTheCheckpointsPooling() throws IOException {
        String imported = "file:" + dir.resolve("imported") + "/";
        StringWriter out = new StringWriter();
        var importCli = SyncabelCli.commandLine();
        importCli.setOut(new PrintWriter(out, true));
        assertThat(importCli.execute("model", "import", "--jar", MiniLm.jar().toString(), "--pooling", "cls", "--out", imported))
                .isZero();
        assertThat(Json.MAPPER.readTree(out.toString().strip()).path("pooling").asText()).isEqualTo("cls");
        assertThat(dir.resolve("imported").resolve(HfCheckpoint.POOLING)).exists();

        String kbArtifact = LinkerTrainingTest.toyKbArtifact(dir);
        String dense = "file:" + dir.resolve("dense") + "/";
        StringWriter trained = new StringWriter();
        var train = SyncabelCli.commandLine();
        train.setOut(new PrintWriter(trained, true));
        assertThat(train.execute("dense", "train", "--pretrained", imported, "--kb", kbArtifact, "--steps", "1", "--out", dense))
                .isZero();
        assertThat(trained.toString()).contains("\"pooling\":\"cls\"");
        try (DenseArtifact artifact = DenseArtifact.load(dense)) {
            assertThat(artifact.encoder().pooling()).isEqualTo(SentenceEncoder.Pooling.CLS);
        }
        var wrong = SyncabelCli.commandLine();
        StringWriter err = new StringWriter();
        wrong.setErr(new PrintWriter(err, true));
        assertThat(wrong.execute("model", "import", "--jar", MiniLm.jar().toString(), "--pooling", "max", "--out",
                "file:" + dir.resolve("never") + "/")).isEqualTo(2);
        assertThat(err.toString()).contains("--pooling max: expected mean or cls");
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
