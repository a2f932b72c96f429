package io.syncabel.runtime.cli;

import static io.syncabel.runtime.llm.FakeOpenAiServer.answer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.llm.FakeOpenAiServer;
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

class EvaluateCommandTest {
    static final String LINE_1 = "{\"document\":\"d1\",\"start\":0,\"end\":5,\"text\":\"tumor\",\"group\":\"Disease\","
            + "\"gold\":[\"D1\"],\"candidates\":[{\"codes\":[\"D1\"],\"name\":\"tumour\"}]}";
    static final String LINE_2 = "{\"document\":\"d2\",\"start\":0,\"end\":6,\"text\":\"asthma\",\"group\":\"Disease\","
            + "\"gold\":[\"D2\"],\"candidates\":[{\"codes\":[\"D7\"],\"name\":\"copd\"},{\"codes\":[\"D2\"],\"name\":\"asthma\"}]}";

    @TempDir
    Path dir;
    final Map<String, String> env = new HashMap<>();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = new CommandLine(new EvaluateCommand(env::get));
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    Path predictions() throws IOException {
        return Files.write(dir.resolve("p.jsonl"), List.of(LINE_1, LINE_2));
    }

    @Test
    void judgesWritesAStoreArtifactAndTheTerminationLogAndEndsWithTheContractLine() throws IOException {
        Path seen = Files.write(dir.resolve("seen.txt"), List.of("# train codes", "D1"));
        Path log = dir.resolve("termination-log");
        env.put("SYNCABEL_TERMINATION_LOG", log.toString());
        env.put("SYNCABEL_LLM_API_KEY", "sk-cli-secret");
        String prefix = "file:" + dir.resolve("store/evaluations/e1/1") + "/";
        try (FakeOpenAiServer server = FakeOpenAiServer.start(r -> answer("{\"label\":\"BROAD\",\"reason\":\"copd is wider\"}"))) {
            int code = run("--predictions", predictions().toString(), "--seen-codes", seen.toString(), "-k", "1,2",
                    "--bootstrap", "100", "--out", prefix, "--judge-endpoint", server.baseUrl(), "--judge-model", "m");
            assertThat(code).as(err.toString()).isZero();
            assertThat(server.requests()).hasSize(1); // d1 is STRICT by rule
            assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer sk-cli-secret");
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches("mentions=2 recall_at_1=50\\.0 ci_low=\\d+\\.\\d ci_high=\\d+\\.\\d lenient_recall_at_1=50\\.0");
        assertThat(out.toString()).doesNotContain("sk-cli-secret");

        Path artifact = dir.resolve("store/evaluations/e1/1");
        assertThat(artifact.resolve("manifest.json")).exists();
        JsonNode manifest = Json.MAPPER.readTree(artifact.resolve("manifest.json").toFile());
        assertThat(manifest.path("kind").asText()).isEqualTo("evaluation");
        assertThat(manifest.path("files").findValuesAsText("name"))
                .containsExactlyInAnyOrder("report.json", "judgements.jsonl", "report.md", "recall_at_1.svg");

        JsonNode summary = Json.MAPPER.readTree(Files.readString(log));
        assertThat(summary.path("mentions").asInt()).isEqualTo(2);
        assertThat(summary.path("recallAt1").asDouble()).isEqualTo(50.0);
        assertThat(summary.path("recallAtK").path("2").asDouble()).isEqualTo(100.0);
        assertThat(summary.path("recallAt1Seen").asDouble()).isEqualTo(100.0);
        assertThat(summary.path("recallAt1Unseen").asDouble()).isEqualTo(0.0);
        assertThat(summary.path("judgeCorrect").asDouble()).isEqualTo(50.0);

        JsonNode progress = Json.MAPPER.readTree(artifact.resolve("progress.json").toFile());
        assertThat(progress.path("done").asInt()).isEqualTo(2);
        assertThat(progress.path("total").asInt()).isEqualTo(2);

        JsonNode report = Json.MAPPER.readTree(artifact.resolve("report.json").toFile());
        assertThat(report.path("judge").path("labels").path("BROAD").asInt()).isEqualTo(1);
        assertThat(Files.readString(artifact.resolve("judgements.jsonl"))).contains("copd is wider");
    }

    @Test
    void theEvaluationManifestSuppliesMetricsAndJudge() throws IOException {
        try (FakeOpenAiServer server = FakeOpenAiServer.start(r -> answer("{\"label\":\"EXACT\"}"))) {
            Path manifest = Files.writeString(dir.resolve("eval.yaml"), """
                    apiVersion: syncabel.io/v1alpha1
                    kind: Evaluation
                    metadata:
                      name: e
                    spec:
                      trainingRunRef:
                        name: m
                      testCorpus:
                        uri: file:test.pubtator
                        format: pubtator
                      metrics:
                        k: [1]
                        bootstrapResamples: 0
                      judge:
                        endpoint: %s
                        model: from-manifest
                        temperature: 0.1
                    """.formatted(server.baseUrl()));
            Path folder = dir.resolve("report");
            int code = run("-f", manifest.toString(), "--predictions", predictions().toString(), "--out", folder.toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(server.requests().get(0).body().path("model").asText()).isEqualTo("from-manifest");
            assertThat(server.requests().get(0).body().path("temperature").asDouble()).isEqualTo(0.1);
            assertThat(out.toString()).endsWith("mentions=2 recall_at_1=50.0 ci_low=NA ci_high=NA lenient_recall_at_1=50.0" + System.lineSeparator());
            assertThat(folder.resolve("report.md")).content().contains("| all | 2 | 2 | 50.0 | 50.0 | 100.0 |"); // R@1, lenient R@1, judge correct
        }
    }

    @Test
    void theEvaluationsSeenCorporaMakeTheSeenStrataAndTheFlagOverridesThem() throws IOException {
        Path train = Files.write(dir.resolve("train.pubtator"), List.of("1|t|A tumor here.", "1|a|Nothing else.",
                "1\t2\t7\ttumor\tDiseaseClass\tD1", ""));
        Path manifest = Files.writeString(dir.resolve("seen.yaml"), """
                apiVersion: syncabel.io/v1alpha1
                kind: Evaluation
                metadata:
                  name: e
                spec:
                  trainingRunRef:
                    name: m
                  testCorpus:
                    uri: file:test.pubtator
                    format: pubtator
                  seenCorpora:
                    - uri: file:%s
                      format: pubtator
                """.formatted(train));
        Path folder = dir.resolve("seen-report");
        assertThat(run("-f", manifest.toString(), "--predictions", predictions().toString(), "--bootstrap", "0",
                "--out", folder.toString())).as(err.toString()).isZero();
        // D1 ("tumor", right) was annotated in the seen corpus, D2 ("asthma", wrong at 1) was not
        assertThat(folder.resolve("report.md")).content().contains("| seen | 1 | 1 | 100.0 |").contains("| unseen | 1 | 1 | 0.0 |");
        assertThat(folder.resolve("report.json")).content().contains("\"seenSource\" : \"spec.seenCorpora\"");

        Path flag = Files.write(dir.resolve("seen.txt"), List.of("D2"));
        Path other = dir.resolve("flag-report");
        assertThat(run("-f", manifest.toString(), "--predictions", predictions().toString(), "--seen-codes", flag.toString(),
                "--bootstrap", "0", "--out", other.toString())).isZero();
        assertThat(other.resolve("report.json")).content().contains("\"seenSource\" : \"--seen-codes " + flag + "\"");
        assertThat(other.resolve("report.md")).content().contains("| seen | 1 | 1 | 0.0 |"); // only asthma counts as seen

        Path missing = Files.writeString(dir.resolve("missing.yaml"), Files.readString(manifest).replace(train.toString(),
                dir.resolve("nope.pubtator").toString()));
        assertThat(run("-f", missing.toString(), "--predictions", predictions().toString(), "--bootstrap", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("nope.pubtator: no such seen corpus (spec.seenCorpora)");
    }

    @Test
    void theOriginalsTsvWithRecordedJudgeLabelsIsAggregatedWithoutAnEndpoint() throws IOException {
        String header = "filename\tlabel\tstart_span\tend_span\tspan\tcode\tannotation\tPrediction\tPredicted_code\tLLM_Evaluation_v2";
        Path tsv = Files.write(dir.resolve("p.tsv"), List.of(header,
                "a\tSINTOMA\t0\t4\tdolor\t1\tdolor\tdolor\t1\tSTRICT",
                "a\tSINTOMA\t9\t12\tfiebre\t2\tfiebre\tcalor\t3\tEXACT",
                "b\tENFERMEDAD\t0\t3\tgripe\t4\tgripe\tvirus\t5\tBROAD"));
        Path folder = dir.resolve("report");
        assertThat(run("--predictions", tsv.toString(), "--out", folder.toString(), "--bootstrap", "0")).isZero();
        JsonNode report = Json.MAPPER.readTree(folder.resolve("report.json").toFile());
        assertThat(report.path("judge").path("source").asText()).isEqualTo("file");
        assertThat(report.path("strata").get(0).path("judge").path("correct").path("hits").asInt()).isEqualTo(2);
        assertThat(folder.resolve("judgements.jsonl")).doesNotExist();
        assertThat(out.toString()).endsWith("mentions=3 recall_at_1=33.3 ci_low=NA ci_high=NA lenient_recall_at_1=33.3" + System.lineSeparator());
    }

    String lastLine() {
        List<String> lines = out.toString().lines().toList();
        return lines.get(lines.size() - 1);
    }

    @Test
    void comparesTwoPredictionFilesOnTheSameMentions() throws IOException {
        // A gets d1 right (D1) and d2 right at 1 (D2); B is predictions(): d1 right, d2 wrong at 1
        String a2 = LINE_2.replace("[{\"codes\":[\"D7\"],\"name\":\"copd\"},", "[");
        Path a = Files.write(dir.resolve("a.jsonl"), List.of(LINE_1, a2));
        Path folder = dir.resolve("compared");
        int code = run("--predictions", a.toString(), "--compare-to", predictions().toString(), "--bootstrap", "0",
                "--out", folder.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(lastLine()).isEqualTo("mentions=2 recall_at_1=100.0 ci_low=NA ci_high=NA lenient_recall_at_1=100.0 "
                + "delta=50.0 delta_ci_low=NA delta_ci_high=NA");
        JsonNode comparison = Json.MAPPER.readTree(folder.resolve("report.json").toFile()).path("comparison");
        assertThat(comparison.path("other").path("file").asText()).isEqualTo(dir.resolve("p.jsonl").toString());
        assertThat(comparison.path("delta").path("value").asDouble()).isEqualTo(50.0);
        assertThat(comparison.path("onlyThisCorrect").asInt()).isEqualTo(1);
        assertThat(comparison.path("onlyOtherCorrect").asInt()).isZero();
        assertThat(folder.resolve("report.md")).content().contains("## Paired comparison")
                .contains("| **difference (this − other), points** | **+50.0** |")
                .contains("Right in this file only: 1; right in the other only: 0; right in both: 1; wrong in both: 0.");

        assertThat(run("--predictions", predictions().toString(), "--compare-to", a.toString(), "--bootstrap", "50",
                "--out", folder.toString())).isZero();
        assertThat(lastLine()).matches("mentions=2 recall_at_1=50\\.0 ci_low=\\d+\\.\\d ci_high=\\d+\\.\\d "
                + "lenient_recall_at_1=50\\.0 delta=-50\\.0 delta_ci_low=-?\\d+\\.\\d delta_ci_high=-?\\d+\\.\\d");
    }

    @Test
    void aMentionMissingFromTheComparedFileExitsTwoNamingItAndWritesNothing() throws IOException {
        Path b = Files.write(dir.resolve("b.jsonl"), List.of(LINE_1));
        Path folder = dir.resolve("not-compared");
        assertThat(run("--predictions", predictions().toString(), "--compare-to", b.toString(), "--out", folder.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).startsWith("error: " + dir.resolve("p.jsonl") + ":2: mention document 'd2' 0-6 'asthma' (Disease) is not in " + b);
        assertThat(folder.resolve("report.json")).doesNotExist();
    }

    @Test
    void stdoutAndReportMdRoundOnceFromTheCounts() throws IOException {
        // 215/254 = 84.6457...: 84.6, never 84.7 (84.65 rounded again)
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 254; i++) {
            lines.add(LINE_1.replace("\"start\":0,\"end\":5", "\"start\":" + (10 * i) + ",\"end\":" + (10 * i + 5))
                    .replace("\"candidates\":[{\"codes\":[\"D1\"]", "\"candidates\":[{\"codes\":[\"" + (i < 215 ? "D1" : "D9") + "\"]"));
        }
        Path p = Files.write(dir.resolve("254.jsonl"), lines);
        Path folder = dir.resolve("rounding");
        assertThat(run("--predictions", p.toString(), "--bootstrap", "0", "--out", folder.toString())).isZero();
        assertThat(lastLine()).isEqualTo("mentions=254 recall_at_1=84.6 ci_low=NA ci_high=NA lenient_recall_at_1=84.6");
        assertThat(folder.resolve("report.md")).content().contains("**Recall@1 84.6**").doesNotContain("84.7")
                .contains("Predictions: `" + p + "` (jsonl");
    }

    @Test
    void dictionaryCorporaSplitTheMentionsTheTrainingTextsHoldFromTheOthers() throws IOException {
        Path train = Files.write(dir.resolve("train.pubtator"), List.of("1|t|A Tumor here.", "1|a|Nothing else.",
                "1\t2\t7\tTumor\tDiseaseClass\tD1", ""));
        Path folder = dir.resolve("dict");
        Path log = dir.resolve("dict-termination-log");
        env.put("SYNCABEL_TERMINATION_LOG", log.toString());
        assertThat(run("--predictions", predictions().toString(), "--dictionary-corpus", train.toString(), "-k", "1,2",
                "--bootstrap", "0", "--out", folder.toString())).isZero();
        // the Evaluation status fields: "tumor" is a training mention and right, "asthma" is not and wrong at 1
        JsonNode summary = Json.MAPPER.readTree(Files.readString(log));
        assertThat(summary.path("recallAt1InDictionary").asDouble()).isEqualTo(100.0);
        assertThat(summary.path("recallAt1NotInDictionary").asDouble()).isEqualTo(0.0);
        assertThat(folder.resolve("report.json")).content().contains("\"in dictionary\"", "\"not in dictionary\"");
        assertThat(folder.resolve("report.md")).content().contains("| in dictionary | 1 |").contains("| not in dictionary | 1 |");

        Path missing = dir.resolve("no-such.pubtator");
        assertThat(run("--predictions", predictions().toString(), "--dictionary-corpus", missing.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: --dictionary-corpus " + missing + ": no such file or folder");
    }

    @Test
    void badInputExitsTwoNamingFileAndLine() throws IOException {
        Path bad = Files.write(dir.resolve("bad.jsonl"), List.of(LINE_1, "{oops"));
        assertThat(run("--predictions", bad.toString(), "--out", dir.resolve("r").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: " + bad + ":2: malformed JSON");

        Path empty = Files.write(dir.resolve("empty.txt"), List.of());
        assertThat(run("--predictions", predictions().toString(), "--seen-codes", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: " + empty + ": no codes");

        assertThat(run("--out", dir.resolve("r").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("give --predictions FILE, or --model URI --test CORPUS");

        assertThat(run("--predictions", predictions().toString(), "--judge-endpoint", "ftp://x", "--judge-model", "m")).isEqualTo(2);
        assertThat(err.toString()).contains("is not an http(s) URL");
    }

    @Test
    void isASubcommandOfTheCli() {
        assertThat(SyncabelCli.commandLine().getSubcommands()).containsKey("evaluate");
    }
}
