package io.syncabel.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    static final Path QUICKSTART = Path.of(System.getProperty("syncabel.repo.root", "../.."), "examples/quickstart");

    @Test
    void quickstartIsOrderedByReferences() {
        List<String> order = Pipeline.load(List.of(QUICKSTART)).stages().stream().map(Pipeline.Stage::key).toList();
        assertThat(order).containsExactly(
                "KnowledgeBase/medic-quickstart",
                "SyntheticDataset/medic-quickstart-synth",
                "TrainingRun/medic-quickstart-model",
                "LinkerDeployment/medic-quickstart-linker",
                "Evaluation/medic-quickstart-eval");
    }

    @Test
    void referencesComeFirstWhateverTheFileOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), """
                apiVersion: syncabel.io/v1alpha1
                kind: TrainingRun
                metadata: {name: m}
                spec: {knowledgeBaseRef: {name: kb}}
                ---
                apiVersion: syncabel.io/v1alpha1
                kind: KnowledgeBase
                metadata: {name: kb}
                spec: {sources: [{uri: "file:x.txt", format: dnorm}]}
                """);
        assertThat(Pipeline.load(List.of(dir)).stages()).extracting(Pipeline.Stage::key)
                .containsExactly("KnowledgeBase/kb", "TrainingRun/m");
    }

    @Test
    void aMissingReferenceNamesTheFileAndTheReference(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tr.yaml");
        Files.writeString(file, """
                apiVersion: syncabel.io/v1alpha1
                kind: TrainingRun
                metadata: {name: m}
                spec: {knowledgeBaseRef: {name: nowhere}}
                """);
        assertThatThrownBy(() -> Pipeline.load(List.of(dir))).isInstanceOf(UserError.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("KnowledgeBase/nowhere");
    }

    @Test
    void aForeignKindIsRejectedWithItsFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cm.yaml");
        Files.writeString(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
        assertThatThrownBy(() -> Pipeline.load(List.of(file))).isInstanceOf(UserError.class)
                .hasMessageContaining("cm.yaml").hasMessageContaining("ConfigMap");
    }

    @Test
    void cliPrintsThePlanOnly() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("run", "--plan", "-f", QUICKSTART.toString());
        assertThat(out.toString()).contains("1. KnowledgeBase/medic-quickstart").contains("5. Evaluation/medic-quickstart-eval")
                .doesNotContain("[1/5]");
        assertThat(code).isZero();
    }

    @Test
    void cliReportsUserErrorsWithoutAStackTrace() {
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("run", "-f", "/no/such/dir");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: /no/such/dir: no such file or folder").doesNotContain("at io.");
    }
}
