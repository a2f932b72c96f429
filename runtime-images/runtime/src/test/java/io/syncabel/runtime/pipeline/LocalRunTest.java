package io.syncabel.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.cli.Env;
import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.store.FolderStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunTest {
    static final Path KB_MANIFEST = PipelineTest.QUICKSTART.resolve("01-knowledgebase.yaml");

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Path store, String... manifests) {
        var cli = SyncabelCli.commandLine(Env.of(Map.of()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[2 * manifests.length + 2];
        for (int i = 0; i < manifests.length; i++) {
            args[2 * i] = "-f";
            args[2 * i + 1] = manifests[i];
        }
        args[args.length - 2] = "--store";
        args[args.length - 1] = "file:" + store + "/";
        String[] full = new String[args.length + 1];
        full[0] = "run";
        System.arraycopy(args, 0, full, 1, args.length);
        return cli.execute(full);
    }

    @Test
    void aManifestRunsWithItsRelativeDataAndRunsOnlyOnce(@TempDir Path store) throws IOException {
        assertThat(run(store, KB_MANIFEST.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("[1/1] KnowledgeBase/medic-quickstart")
                .contains("Ready=True  Succeeded").contains("concepts=413");
        Path kbDir;
        try (var dirs = Files.list(store.resolve("default/knowledgebases/medic-quickstart"))) {
            kbDir = dirs.findFirst().orElseThrow();
        }
        assertThat(new FolderStore().manifest("file:" + kbDir + "/")).isPresent();

        out.getBuffer().setLength(0);
        assertThat(run(store, KB_MANIFEST.toString())).isZero();
        assertThat(out.toString()).contains("(already built)").contains("concepts=413");
        try (var dirs = Files.list(store.resolve("default/knowledgebases/medic-quickstart"))) {
            assertThat(dirs.toList()).containsExactly(kbDir);
        }
    }

    @Test
    void anotherDefaultDenseEncoderGivesATrainingRunAnotherOutputPrefix() {
        Pipeline.Stage training = Pipeline.load(List.of(PipelineTest.QUICKSTART)).stages().stream()
                .filter(s -> s.key().equals("TrainingRun/medic-quickstart-model")).findFirst().orElseThrow();
        Pipeline.Stage kb = Pipeline.load(List.of(KB_MANIFEST)).stages().get(0);
        java.util.function.BiFunction<Map<String, String>, Pipeline.Stage, String> prefix = (env, stage) ->
                new LocalRun(new LocalRun.Options("file:/store/", "default", env), new PrintWriter(out), new PrintWriter(err))
                        .outputUri(stage, "{}", Map.of());
        String none = prefix.apply(Map.of(), training);
        String minilm = prefix.apply(Map.of("SYNCABEL_DENSE_ENCODER", "file:/opt/minilm/"), training);
        String other = prefix.apply(Map.of("SYNCABEL_DENSE_ENCODER", "file:/opt/other/"), training);
        assertThat(List.of(none, minilm, other)).doesNotHaveDuplicates();
        assertThat(prefix.apply(Map.of("SYNCABEL_DENSE_ENCODER", ""), training)).as("empty: no encoder").isEqualTo(none);
        assertThat(prefix.apply(Map.of("SYNCABEL_DENSE_ENCODER", "file:/opt/minilm/"), kb)).as("only training reads it")
                .isEqualTo(prefix.apply(Map.of(), kb));

        // a run that says no dense retriever, or names its own encoder, does not depend on the default
        var spec = ((io.syncabel.api.v1alpha1.TrainingRun) training.resource()).getSpec();
        if (spec.getModel() == null) {
            spec.setModel(new io.syncabel.api.v1alpha1.TrainingRunSpec.ModelSpec());
        }
        spec.getModel().setDense(false);
        assertThat(prefix.apply(Map.of("SYNCABEL_DENSE_ENCODER", "file:/opt/minilm/"), training))
                .isEqualTo(prefix.apply(Map.of("SYNCABEL_DENSE_ENCODER", "file:/opt/other/"), training));
    }

    @Test
    void anEditedManifestGetsAFreshOutputPrefix(@TempDir Path store, @TempDir Path manifests) throws IOException {
        String kb = Files.readString(KB_MANIFEST).replace("file:data/", "file:" + KB_MANIFEST.getParent().toAbsolutePath() + "/data/");
        Path file = manifests.resolve("kb.yaml");
        Files.writeString(file, kb);
        assertThat(run(store, file.toString())).as(err.toString()).isZero();
        Files.writeString(file, kb.replace("version: \"2012-07-06\"", "version: \"edited\""));
        assertThat(run(store, file.toString())).as(err.toString()).isZero();
        try (var dirs = Files.list(store.resolve("default/knowledgebases/medic-quickstart"))) {
            assertThat(dirs.toList()).hasSize(2);
        }
    }

    @Test
    void aFailedStageStopsItsDependentsAndSetsTheExitCode(@TempDir Path store, @TempDir Path manifests) throws IOException {
        Path file = manifests.resolve("p.yaml");
        Files.writeString(file, """
                apiVersion: syncabel.io/v1alpha1
                kind: KnowledgeBase
                metadata: {name: broken}
                spec: {sources: [{uri: "file:missing.txt", format: dnorm}]}
                ---
                apiVersion: syncabel.io/v1alpha1
                kind: TrainingRun
                metadata: {name: m}
                spec:
                  knowledgeBaseRef: {name: broken}
                  corpora: [{uri: "file:train.pubtator", format: pubtator, split: train}]
                """);
        int code = run(store, file.toString());
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("KnowledgeBase/broken").contains("Ready=False Failed")
                .contains("missing.txt")
                .contains("Ready=False Waiting").contains("waiting for KnowledgeBase/broken");
    }

    @Test
    void relativeFileUrisResolveAgainstTheManifestFolder() {
        var stage = Pipeline.load(List.of(KB_MANIFEST)).stages().get(0);
        String json = LocalRun.resourceJson(stage);
        assertThat(json).contains("\"uri\":\"file:" + KB_MANIFEST.toAbsolutePath().getParent().normalize() + "/data/medic-slice.txt\"")
                .contains("\"namespace\":\"default\"");
    }
}
