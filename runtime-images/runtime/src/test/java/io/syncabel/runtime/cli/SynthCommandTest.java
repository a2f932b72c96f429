package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.TestData;
import io.syncabel.runtime.llm.FakeOpenAiServer;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.synth.SyntheticDatasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel synth generate` in-process: the pod contract (Indexed Job shards), a manifest with flags, an LLM endpoint. */
class SynthCommandTest {
    @TempDir
    Path dir;
    String kbUri;
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

    @BeforeEach
    void kb() {
        kbUri = "file:" + dir.resolve("kb") + "/";
        Path manifest = TestData.repoRoot().resolve("examples/quickstart/01-knowledgebase.yaml");
        assertThat(run(Map.of(), "kb", "build", "-f", manifest.toString(), "--out", kbUri)).as(err.toString()).isZero();
    }

    @Test
    void indexedJobShardsFromThePodContractEqualOneRunFromTheManifest() throws IOException {
        Path style = TestData.repoRoot().resolve("examples/quickstart/data/ncbi-train.pubtator");
        String resource = """
                {"apiVersion":"syncabel.io/v1alpha1","kind":"SyntheticDataset",
                 "metadata":{"name":"s","namespace":"ns","generation":1},
                 "spec":{"knowledgeBaseRef":{"name":"kb"},"selection":{"mode":"all","seed":42},
                         "generator":{"type":"template","examplesPerConcept":2,"language":"en"},
                         "styleCorpus":{"uri":"file:%s","format":"pubtator"},"shards":3}}""".formatted(style);
        String pod = "file:" + dir.resolve("pod") + "/";
        Path termination = dir.resolve("termination-log");
        for (int i = 2; i >= 0; i--) {
            Map<String, String> env = new HashMap<>(Map.of("SYNCABEL_RESOURCE", resource, "SYNCABEL_INPUT_KNOWLEDGE_BASE", kbUri,
                    "SYNCABEL_OUTPUT_URI", pod, "JOB_COMPLETION_INDEX", Integer.toString(i), "SYNCABEL_SHARDS", "3",
                    "SYNCABEL_TERMINATION_LOG", termination.toString()));
            assertThat(run(env, "synth", "generate")).as(err.toString()).isZero();
            assertThat(summary()).containsEntry("shard", i).containsEntry("shards", 3).containsEntry("failed", 0);
            assertThat(Files.readString(termination).strip()).isEqualTo(out.toString().strip());
        }
        assertThat(Files.exists(dir.resolve("pod/progress/0-of-3/progress.json"))).isTrue();
        // the pod rerun after success: skipped
        assertThat(run(Map.of("SYNCABEL_RESOURCE", resource, "SYNCABEL_INPUT_KNOWLEDGE_BASE", kbUri, "SYNCABEL_OUTPUT_URI", pod,
                "JOB_COMPLETION_INDEX", "1", "SYNCABEL_SHARDS", "3"), "synth", "generate")).isZero();
        assertThat(summary()).containsEntry("skipped", true);

        // the quickstart manifest (relative style corpus) with flags overriding it
        String flags = "file:" + dir.resolve("flags") + "/";
        Path manifest = TestData.repoRoot().resolve("examples/quickstart/02-syntheticdataset.yaml");
        assertThat(run(Map.of(), "synth", "generate", "-f", manifest.toString(), "--kb", kbUri, "--out", flags,
                "--per-concept", "2", "--batch-size", "64")).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("generated", 413).containsEntry("records", 826);
        assertThat(err.toString()).contains("shard 0 of 1 [##############################] 413/413");
        try (FolderStore store = new FolderStore()) {
            assertThat(SyntheticDatasets.read(store, pod)).isEqualTo(SyntheticDatasets.read(store, flags));
        }
    }

    @Test
    void anLlmEndpointFromFlagsWithTheKeyFromTheEnvironment() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(r -> FakeOpenAiServer.answer(
                "## Examples\nexample: Two boys with [muscle wasting disease] were seen.\nexample: A [rare myopathy] case was reported.\n"))) {
            String outUri = "file:" + dir.resolve("llm") + "/";
            int exit = run(Map.of("SYNCABEL_LLM_API_KEY", "sk-secret"), "synth", "generate", "--kb", kbUri, "--out", outUri,
                    "--generator", "llm", "--endpoint", server.baseUrl(), "--model", "m1", "--per-concept", "2",
                    "--selection", "sample", "--sample-size", "5", "--concurrency", "2", "--language", "en");
            assertThat(exit).as(err.toString()).isZero();
            assertThat(summary()).containsEntry("generated", 5).containsEntry("records", 10).containsEntry("requests", 5);
            assertThat(server.requests()).hasSize(5).allSatisfy(r -> {
                assertThat(r.header("Authorization")).isEqualTo("Bearer sk-secret");
                assertThat(r.body().path("model").asText()).isEqualTo("m1");
            });
            assertThat(out.toString() + err).doesNotContain("sk-secret");
        }
        assertThat(run(Map.of(), "synth", "generate", "--kb", kbUri, "--out", "file:" + dir.resolve("x") + "/", "--generator", "llm"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("needs --endpoint URL and --model NAME");
        assertThat(run(Map.of(), "synth", "generate", "--kb", kbUri, "--out", "file:" + dir.resolve("x") + "/", "--selection", "unseen"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--seen-in");
    }
}
