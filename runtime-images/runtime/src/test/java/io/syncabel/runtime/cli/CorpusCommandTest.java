package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel corpus prepare` on gold codes the knowledge base lacks: stop (default) or skip, counted. */
class CorpusCommandTest {
    @TempDir
    Path dir;

    StringWriter out;
    StringWriter err;
    String kbUri;

    int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = SyncabelCli.commandLine(Env.system());
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
    void kb() throws IOException {
        Path tsv = Files.writeString(dir.resolve("kb.tsv"), "C1\tcommon cold\nC2\tfever\n");
        kbUri = "file:" + dir.resolve("kb") + "/";
        assertThat(run("kb", "build", "--format", "tsv", "--source", tsv.toString(), "--out", kbUri))
                .as(err.toString()).isZero();
    }

    Path corpus(String... ids) throws IOException {
        StringBuilder mentions = new StringBuilder();
        for (String id : ids) {
            mentions.append(mentions.length() == 0 ? "" : ",")
                    .append("{\"spans\": [[4, 15]], \"ids\": [\"").append(id).append("\"]}");
        }
        return Files.writeString(dir.resolve("corpus.jsonl"),
                "{\"id\": \"d1\", \"text\": \"Her common cold came back.\", \"mentions\": [" + mentions + "]}\n");
    }

    @Test
    void unknownGoldCodeStopsByDefaultNamingFileAndLine() throws IOException {
        Path corpus = corpus("C1", "X9");
        assertThat(run("corpus", "prepare", "--kb", kbUri, "--corpus", corpus.toString(), "--out",
                dir.resolve("ex.jsonl").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: " + corpus + ":1: field concept id: 'X9' is not in the knowledge base");
        assertThat(dir.resolve("ex.jsonl")).doesNotExist();
    }

    @Test
    void skipDropsUnknownCodesCountedAndReported() throws IOException {
        Path corpus = corpus("C1", "X9", "X8");
        Path examples = dir.resolve("ex.jsonl");
        assertThat(run("corpus", "prepare", "--kb", kbUri, "--corpus", corpus.toString(), "--out", examples.toString(),
                "--unknown-codes", "skip")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("corpus prepare: skipped 2 gold codes not in the knowledge base (--unknown-codes skip)");
        assertThat(summary()).containsEntry("mentions", 3).containsEntry("examples", 1).containsEntry("unknownIds", 2);
        assertThat(Files.readAllLines(examples)).hasSize(1);
    }

    @Test
    void corpusLeftWithoutAnyLinkableMentionIsAnError() throws IOException {
        Path corpus = corpus("X9");
        assertThat(run("corpus", "prepare", "--kb", kbUri, "--corpus", corpus.toString(), "--out",
                dir.resolve("ex.jsonl").toString(), "--unknown-codes", "skip")).isEqualTo(2);
        assertThat(err.toString()).contains("error: " + corpus + ": no linkable mention (1 mentions: 0 without a gold code, "
                + "1 codes not in the knowledge base");
        assertThat(dir.resolve("ex.jsonl")).doesNotExist();
    }
}
