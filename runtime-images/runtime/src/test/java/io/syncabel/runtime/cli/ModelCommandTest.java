package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.model.pretrained.HfCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel model import` on the all-MiniLM-L6-v2 jar from Maven Central (test classpath). */
class ModelCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = SyncabelCli.commandLine(Env.of(Map.of()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    static Path minilmJar() throws Exception {
        String url = ModelCommandTest.class.getClassLoader().getResource("all-minilm-l6-v2.onnx").toString();
        return Path.of(new URI(url.substring("jar:".length(), url.indexOf("!/"))));
    }

    @Test
    void importsTheLangchain4jJarAsAPublishedCheckpoint() throws Exception {
        String prefix = "file:" + dir.resolve("minilm") + "/";
        int code = run("model", "import", "--jar", minilmJar().toString(), "--out", prefix);

        assertThat(code).as(err.toString()).isZero();
        String summary = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> s = io.syncabel.runtime.Json.MAPPER.readValue(summary, Map.class);
        assertThat(s).containsEntry("checkpoint", prefix).containsEntry("modelType", "bert").containsEntry("layers", 6)
                .containsEntry("heads", 12).containsEntry("hiddenSize", 384).containsEntry("tensors", 101);
        assertThat(Files.exists(dir.resolve("minilm/manifest.json"))).isTrue();
        HfCheckpoint checkpoint = HfCheckpoint.open(prefix);
        assertThat(checkpoint.digest()).isEqualTo(s.get("digest"));
        assertThat(checkpoint.tensors()).hasSize(101);
    }

    @Test
    void aMissingOnnxFileIsNamed() {
        int code = run("model", "import", "--onnx", dir.resolve("nope.onnx").toString(), "--tokenizer", dir.resolve("t.json").toString(),
                "--out", dir.resolve("x").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("nope.onnx");
    }
}
