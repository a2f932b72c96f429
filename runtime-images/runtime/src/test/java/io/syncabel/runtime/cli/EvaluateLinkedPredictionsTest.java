package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `syncabel evaluate` linking a corpus itself, through a fake linker service so that no model is trained: the
 * predictions it writes carry the corpus's own gold ids, and the report names what was linked, not a scratch file.
 */
class EvaluateLinkedPredictionsTest {
    /** MEDIC-like: the OMIM number first, the MeSH id the concept answers with. */
    static final String KB = """
            OMIM:310200|D001||Duchenne muscular dystrophy|DMD
            D002||Breast cancer|mammary cancer
            D003||Ovarian cancer
            """;
    static final String TITLE = "Duchenne muscular dystrophy is common.";
    static final String ABSTRACT = "Breast and ovarian cancer run in families.";

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

    /** The corpus writes the OMIM number for DMD and a composite for the second mention. */
    Path corpus() throws IOException {
        int composite = TITLE.length() + 1;
        return Files.writeString(dir.resolve("test.pubtator"), "1|t|" + TITLE + "\n1|a|" + ABSTRACT + "\n"
                + "1\t0\t27\tDuchenne muscular dystrophy\tSpecificDisease\tOMIM:310200\n"
                + "1\t" + composite + "\t" + (composite + 25) + "\tBreast and ovarian cancer\tCompositeMention\tD002+D003\n\n");
    }

    /** A model artifact without weights: what evaluate reads when a linker service does the linking. */
    String model(String kbUri) throws IOException {
        String prefix = "file:" + dir.resolve("model") + "/";
        try (ArtifactStore store = Stores.forUri(prefix); ArtifactWriter writer = store.create(prefix)) {
            try (OutputStream o = writer.file("model.json")) {
                o.write(("{\"kbUri\":\"" + kbUri + "\",\"language\":\"en\",\"parameters\":0}").getBytes(StandardCharsets.UTF_8));
            }
            try (OutputStream o = writer.file("seen-codes.txt")) {
                o.write("D001\n".getBytes(StandardCharsets.UTF_8));
            }
            writer.publish("model", Map.of(), List.of());
        }
        return prefix;
    }

    /** Answers D001 for DMD and D002 (one part of the composite) for the other mention. */
    static HttpServer linker() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/link", exchange -> {
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody());
            StringBuilder results = new StringBuilder();
            for (JsonNode input : request.get("inputs")) {
                JsonNode m = input.get("mentions").get(0);
                String mention = input.get("text").asText().substring(m.get("start").asInt(), m.get("end").asInt());
                String code = mention.startsWith("Duchenne") ? "D001" : "D002";
                results.append(results.isEmpty() ? "" : ",").append("{\"mentions\":[{\"candidates\":[{\"codes\":[\"")
                        .append(code).append("\"],\"name\":\"n\",\"score\":0.9,\"rank\":1}]}]}");
            }
            byte[] answer = ("{\"results\":[" + results + "]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void predictionsCarryTheCorpusIdsAndTheReportNamesWhatWasLinked() throws IOException {
        Path kbFile = Files.writeString(dir.resolve("kb.txt"), KB);
        String kbUri = "file:" + dir.resolve("kb") + "/";
        assertThat(run("kb", "build", "--format", "dnorm", "--source", kbFile.toString(), "--out", kbUri)).isZero();
        String model = model(kbUri);
        Path corpus = corpus();
        Path report = dir.resolve("report");
        HttpServer server = linker();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            int code = run("evaluate", "--model", model, "--test", corpus.toString(), "--linker-url", url,
                    "--bootstrap", "0", "--out", report.toString());
            assertThat(code).as(err.toString()).isZero();
        } finally {
            server.stop(0);
        }
        // strict: the composite needs both codes; lenient: one of them is enough
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("mentions=2 recall_at_1=50.0 ci_low=NA ci_high=NA lenient_recall_at_1=100.0");

        List<JsonNode> predictions = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(report.resolve("predictions.jsonl"))) {
            predictions.add(Json.MAPPER.readTree(l));
        }
        assertThat(predictions.get(0).path("gold").toString()).isEqualTo("[\"D001\"]");
        assertThat(predictions.get(0).path("goldIds").toString()).isEqualTo("[\"OMIM:310200\"]");
        assertThat(predictions.get(1).path("gold").toString()).isEqualTo("[\"D002\",\"D003\"]");
        assertThat(predictions.get(1).path("goldIds").toString()).isEqualTo("[\"D002\",\"D003\"]");

        String md = Files.readString(report.resolve("report.md"));
        assertThat(md).contains("Predictions: `predictions.jsonl` (jsonl, sha256 ")
                .contains("linked by `" + url + "` from `" + corpus + "`")
                .doesNotContain("syncabel-evaluate");
        JsonNode input = Json.MAPPER.readTree(report.resolve("report.json").toFile()).path("input");
        assertThat(input.path("file").asText()).isEqualTo("predictions.jsonl");
        assertThat(input.path("model").asText()).isEqualTo(url);
        assertThat(input.path("testCorpus").asText()).isEqualTo(corpus.toString());
    }
}
