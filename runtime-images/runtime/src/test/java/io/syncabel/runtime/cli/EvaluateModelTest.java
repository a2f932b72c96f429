package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.llm.FakeOpenAiServer;
import io.syncabel.runtime.model.LinkerTrainingTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel evaluate` running a model itself: flags, the Evaluation pod contract, and a linker service. */
class EvaluateModelTest {
    @TempDir
    static Path dir;
    static Path corpus;
    static String modelUri;

    /** A KB artifact and a tiny model trained on the toy corpus, once for the class (the CLI's own kb build and train). */
    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path kbFile = Files.writeString(dir.resolve("kb.txt"), LinkerTrainingTest.KB);
        corpus = Files.writeString(dir.resolve("test.pubtator"), LinkerTrainingTest.pubtator());
        String kbUri = "file:" + dir.resolve("kb") + "/";
        assertThat(cli(Map.of()).execute("kb", "build", "--format", "dnorm", "--source", kbFile.toString(), "--out", kbUri)).isZero();
        modelUri = "file:" + dir.resolve("model") + "/";
        assertThat(cli(Map.of()).execute("train", "--kb", kbUri, "--train", corpus.toString(), "--dev", corpus.toString(),
                "--out", modelUri, "--size", "tiny", "--epochs", "25", "--vocab-size", "300", "--batch-tokens", "1024",
                "--lr", "3e-3", "--warmup", "10", "--synthetic-per-epoch", "0", "--seed", "7")).isZero();
    }

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    static CommandLine cli(Map<String, String> env) {
        CommandLine cli = SyncabelCli.commandLine(Env.of(env));
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        return cli;
    }

    int run(Map<String, String> env, String... args) {
        CommandLine cli = SyncabelCli.commandLine(Env.of(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    String lastLine() {
        List<String> lines = out.toString().lines().toList();
        return lines.get(lines.size() - 1);
    }

    static List<JsonNode> predictionsIn(Path report) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(report.resolve("predictions.jsonl"))) {
            lines.add(Json.MAPPER.readTree(l));
        }
        return lines;
    }

    @Test
    void runsTheModelOverTheTestCorpusWithFlags() throws IOException {
        Path report = dir.resolve("report-flags");
        int code = run(Map.of(), "evaluate", "--model", modelUri, "--test", corpus.toString(), "--beams", "2",
                "--bootstrap", "20", "--out", report.toString(), "--generate-only");
        assertThat(code).as(err.toString()).isZero();
        assertThat(lastLine()).matches("mentions=10 recall_at_1=\\d+\\.\\d ci_low=\\d+\\.\\d ci_high=\\d+\\.\\d lenient_recall_at_1=\\d+\\.\\d");
        List<JsonNode> predicted = predictionsIn(report);
        assertThat(predicted).hasSize(10).allSatisfy(p -> {
            assertThat(p.path("seen").asBoolean()).as("every gold code is in the training data").isTrue();
            assertThat(p.path("candidates").size()).isBetween(1, 2);
        });
        JsonNode json = Json.MAPPER.readTree(report.resolve("report.json").toFile());
        assertThat(json.toString()).contains("seen");
    }

    @Test
    void theModelCarriesItsTrainingMentionsAndLinksWithThemByDefault() throws IOException {
        assertThat(Files.readString(dir.resolve("model").resolve("mentions.tsv")))
                .contains("dmd\tD001\t").contains("mammary cancer\tD002\t");

        assertThat(run(Map.of(), "link", "--model", modelUri, "The [DMD]{DISO} boys.", "Her [mucoviscidosis]{DISO} worsened."))
                .as(err.toString()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().lines().toList()) {
            lines.add(Json.MAPPER.readTree(l));
        }
        JsonNode lookedUp = lines.get(0).path("candidates");
        assertThat(lookedUp.size()).as("an annotated training mention is looked up, not generated").isEqualTo(1);
        assertThat(lookedUp.get(0).path("codes").get(0).asText()).isEqualTo("D001");
        JsonNode fused = lines.get(1).path("candidates");
        assertThat(fused.size()).as("the TF-IDF candidates, ranked with the model").isBetween(1, 5);
        assertThat(fused.findValuesAsText("codes").toString() + fused).as("a KB synonym never annotated is a candidate")
                .contains("D004");

        // Where the toy model's weights put it among the candidates varies with training; retrieval alone does not.
        out.getBuffer().setLength(0);
        assertThat(run(Map.of(), "link", "--model", modelUri, "--without-model", "Her [mucoviscidosis]{DISO} worsened."))
                .as(err.toString()).isZero();
        JsonNode retrieved = Json.MAPPER.readTree(out.toString().strip()).path("candidates");
        assertThat(retrieved.get(0).path("codes").get(0).asText()).as("a KB synonym never annotated, retrieved first")
                .isEqualTo("D004");

        // corpus-linking flags with marked sentences are refused, not silently ignored
        err.getBuffer().setLength(0);
        assertThat(run(Map.of(), "link", "--model", modelUri, "--dictionary-corpus", "train.pubtator", "The [DMD]{DISO} boys."))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--dictionary-corpus applies to --corpus linking");

        out.getBuffer().setLength(0);
        assertThat(run(Map.of(), "link", "--model", modelUri, "--generate-only", "--beams", "2", "The [DMD]{DISO} boys."))
                .as(err.toString()).isZero();
        assertThat(Json.MAPPER.readTree(out.toString().strip()).path("candidates").size()).as("beam search: 2 beams").isEqualTo(2);
    }

    @Test
    void playsTheEvaluationPodContractWithARelativeCorpusUri() throws IOException {
        String relative = Path.of("").toAbsolutePath().relativize(corpus.toAbsolutePath()).toString();
        String resource = """
                {"apiVersion": "syncabel.io/v1alpha1", "kind": "Evaluation", "metadata": {"name": "e"},
                 "spec": {"trainingRunRef": {"name": "tr"},
                          "testCorpus": {"uri": "file:%s", "format": "pubtator", "split": "test"},
                          "metrics": {"k": [1], "beams": 1, "bootstrapResamples": 10, "seed": 3}}}
                """.formatted(relative);
        Path report = dir.resolve("report-pod");
        int code = run(Map.of("SYNCABEL_RESOURCE", resource, "SYNCABEL_INPUT_MODEL", modelUri,
                "SYNCABEL_OUTPUT_URI", report.toString(), "SYNCABEL_TERMINATION_LOG", dir.resolve("log").toString()),
                "evaluate");
        assertThat(code).as(err.toString()).isZero();
        assertThat(lastLine()).startsWith("mentions=10 recall_at_1=");
        // the model's default pipeline, as its linker service answers: the re-ranker orders every retrieved concept
        assertThat(predictionsIn(report)).hasSize(10).allSatisfy(p -> assertThat(p.path("candidates").size()).isPositive())
                .anySatisfy(p -> assertThat(p.path("candidates").size()).isGreaterThan(1));
    }

    @Test
    void linksThroughALinkerServiceWhenTheEvaluationReferencesOne() throws IOException {
        List<String> bodies = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/link", exchange -> {
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody());
            bodies.add(request.toString());
            StringBuilder results = new StringBuilder();
            for (JsonNode input : request.get("inputs")) {
                JsonNode m = input.get("mentions").get(0);
                String mention = input.get("text").asText().substring(m.get("start").asInt(), m.get("end").asInt());
                results.append(results.length() == 0 ? "" : ",").append("{\"text\":").append(Json.MAPPER.writeValueAsString(
                        input.get("text").asText())).append(",\"mentions\":[{\"mention\":").append(Json.MAPPER
                        .writeValueAsString(mention)).append(",\"candidates\":[{\"codes\":[\"D002\"],\"name\":\"Breast cancer\","
                        + "\"score\":0.9,\"rank\":1}]}]}");
            }
            byte[] answer = ("{\"results\":[" + results + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            String resource = """
                    {"apiVersion": "syncabel.io/v1alpha1", "kind": "Evaluation", "metadata": {"name": "e"},
                     "spec": {"linkerRef": {"name": "ld"}, "testCorpus": {"uri": "file:%s"},
                              "metrics": {"beams": 3, "bootstrapResamples": 0}}}
                    """.formatted(corpus.toAbsolutePath());
            Path report = dir.resolve("report-linker");
            int code = run(Map.of("SYNCABEL_RESOURCE", resource, "SYNCABEL_INPUT_MODEL", modelUri,
                    "SYNCABEL_LINKER_URL", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "SYNCABEL_TERMINATION_LOG", dir.resolve("log2").toString()), "evaluate", "--out", report.toString());
            assertThat(code).as(err.toString()).isZero();
            // the two breast cancer mentions (D002) of ten
            assertThat(lastLine()).isEqualTo("mentions=10 recall_at_1=20.0 ci_low=NA ci_high=NA lenient_recall_at_1=20.0");
            assertThat(bodies).hasSize(1);
            JsonNode first = Json.MAPPER.readTree(bodies.get(0));
            assertThat(first.path("options").path("beams").asInt()).isEqualTo(3);
            JsonNode input = first.path("inputs").get(0);
            String text = input.path("text").asText();
            JsonNode span = input.path("mentions").get(0);
            assertThat(text.substring(span.path("start").asInt(), span.path("end").asInt())).isEqualTo("Duchenne muscular dystrophy");
            assertThat(text).doesNotContain("[").doesNotContain("{");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPredictedDocumentMissingFromTheTestCorpusIsAnErrorNamingFileAndLine() throws IOException {
        Path p = Files.write(dir.resolve("unknown-doc.jsonl"), List.of(
                "{\"document\":\"1\",\"start\":0,\"end\":5,\"text\":\"x\",\"group\":\"Disease\",\"gold\":[\"D001\"],\"candidates\":[]}",
                "{\"document\":\"99\",\"start\":0,\"end\":5,\"text\":\"x\",\"group\":\"Disease\",\"gold\":[\"D001\"],\"candidates\":[]}"));
        int code = run(Map.of(), "evaluate", "--predictions", p.toString(), "--test", corpus.toString(),
                "--out", dir.resolve("report-bad").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains(p + ":2: document '99' is not in the test corpus");
    }

    @Test
    void theJudgeSeesTheKbSynonymsOfGoldAndPredictedConcepts() throws IOException {
        Path p = Files.write(dir.resolve("judged.jsonl"), List.of("{\"document\":\"2\",\"start\":0,\"end\":14,"
                + "\"text\":\"Mammary cancer\",\"group\":\"DISO\",\"gold\":[\"D002\"],\"goldName\":\"mammary cancer\","
                + "\"candidates\":[{\"codes\":[\"D006\"],\"name\":\"Colorectal cancer\"}]}"));
        try (FakeOpenAiServer server = FakeOpenAiServer.start(r -> FakeOpenAiServer.answer(
                "{\"label\":\"NO_RELATION\",\"reason\":\"another organ\"}"))) {
            int code = run(Map.of(), "evaluate", "--predictions", p.toString(), "--kb", "file:" + dir.resolve("kb") + "/",
                    "--bootstrap", "0", "--out", dir.resolve("report-judge").toString(),
                    "--judge-endpoint", server.baseUrl(), "--judge-model", "m");
            assertThat(code).as(err.toString()).isZero();
            assertThat(server.requests()).hasSize(1);
            String prompt = server.requests().get(0).userMessage();
            // the shown name is not repeated among the synonyms
            assertThat(prompt).contains("name: mammary cancer\nsynonyms: Breast cancer; breast carcinoma\n")
                    .contains("name: Colorectal cancer\nsynonyms: colon cancer; rectal cancer\n");
        }
        // without a KB the prompt is as before
        try (FakeOpenAiServer server = FakeOpenAiServer.start(r -> FakeOpenAiServer.answer("{\"label\":\"NO_RELATION\"}"))) {
            assertThat(run(Map.of(), "evaluate", "--predictions", p.toString(), "--bootstrap", "0",
                    "--out", dir.resolve("report-judge2").toString(), "--judge-endpoint", server.baseUrl(), "--judge-model", "m"))
                    .isZero();
            assertThat(server.requests().get(0).userMessage()).doesNotContain("synonyms");
        }
    }

    @Test
    void withoutPredictionsNorATestCorpusTheErrorSaysWhatToGive() {
        assertThat(run(Map.of(), "evaluate")).isNotZero();
        assertThat(err.toString()).contains("--predictions FILE, or --model URI --test CORPUS");
    }
}
