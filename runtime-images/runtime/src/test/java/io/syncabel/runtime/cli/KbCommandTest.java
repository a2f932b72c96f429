package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.TestData;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.store.FolderStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel kb build` and `syncabel corpus prepare` end to end, in-process. */
class KbCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    Env env = Env.system();

    int run(String... args) {
        CommandLine cli = SyncabelCli.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @AfterEach
    void restore() {
        System.clearProperty("syncabel.termination.log");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> summary() throws IOException {
        List<String> lines = out.toString().lines().toList();
        return Json.MAPPER.readValue(lines.get(lines.size() - 1), Map.class);
    }

    @Test
    void buildFromTheQuickstartManifestThenPrepareItsTestSlice() throws IOException {
        Path termination = dir.resolve("termination-log");
        System.setProperty("syncabel.termination.log", termination.toString());
        Path manifest = TestData.repoRoot().resolve("examples/quickstart/01-knowledgebase.yaml");
        String kbUri = "file:" + dir.resolve("kb") + "/";
        assertThat(run("kb", "build", "-f", manifest.toString(), "--out", kbUri)).as(err.toString()).isZero();
        Map<String, Object> summary = summary();
        assertThat(summary).containsEntry("concepts", 413).containsKey("names").containsEntry("kbVersion", "2012-07-06");
        assertThat(Files.readString(termination).strip()).isEqualTo(out.toString().lines().reduce((a, b) -> b).orElseThrow());
        var counts = new FolderStore().manifest(kbUri).orElseThrow().counts();
        assertThat(counts.get("metadata").toString()).contains("CTD terms of use");

        out.getBuffer().setLength(0);
        Path examples = dir.resolve("examples.jsonl");
        assertThat(run("corpus", "prepare", "--kb", kbUri, "--corpus",
                TestData.repoRoot().resolve("examples/quickstart/data/ncbi-test.pubtator").toString(),
                "--out", examples.toString())).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("mentions", 254).containsEntry("examples", 254);
        assertThat(Files.readAllLines(examples)).hasSize(254);
    }

    @Test
    void buildFromPlainFlags() throws IOException {
        String kbUri = "file:" + dir.resolve("obo");
        assertThat(run("kb", "build", "--format", "obo", "--source",
                TestData.resource("kb/tiny.obo").toString(), "--out", kbUri)).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("concepts", 2).containsEntry("names", 5);
        KnowledgeBase kb = KbArtifact.load(new FolderStore(), kbUri + "/");
        assertThat(kb.concepts()).containsOnlyKeys("DOID:0001", "SYMP:0001");
        assertThat(err.toString()).contains("kb build: reading obo");
    }

    @Test
    void buildFromThePodContract() throws IOException {
        String resource = """
                {"apiVersion":"syncabel.io/v1alpha1","kind":"KnowledgeBase",
                 "metadata":{"name":"umls","namespace":"ns","generation":3},
                 "spec":{"sources":[{"uri":"%s","format":"umls-rrf"}],"semanticGroupsUri":"%s",
                         "preset":"quaero","languages":["ENG"],"metadata":{"version":"test"}}}
                """.formatted(TestData.uri(TestData.resource("kb/umls")),
                TestData.uri(TestData.resource("kb/SemGroups.txt")));
        String outUri = "file:" + dir.resolve("ns/knowledgebases/umls/3") + "/";
        env = Env.of(Map.of("SYNCABEL_RESOURCE", resource, "SYNCABEL_OUTPUT_URI", outUri));
        assertThat(run("kb", "build")).as(err.toString()).isZero();
        assertThat(summary()).containsEntry("concepts", 10).containsEntry("kbVersion", "test");
        assertThat(new FolderStore().manifest(outUri)).isPresent();
    }

    @Test
    void badInputExitsWith2AndPublishesNothing() throws IOException {
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "C1\tcold\nC2\n");
        String kbUri = "file:" + dir.resolve("bad-kb") + "/";
        assertThat(run("kb", "build", "--format", "tsv", "--source", bad.toString(), "--out", kbUri)).isEqualTo(2);
        assertThat(err.toString()).contains("error: " + bad + ":2: field name (column 2): missing");
        assertThat(new FolderStore().manifest(kbUri)).isEmpty();

        assertThat(run("kb", "build", "--format", "tsv", "--source", bad.toString(), "--out", kbUri, "--lenient"))
                .isZero();
        assertThat(summary()).containsEntry("concepts", 1).containsEntry("skippedLines", 1);

        assertThat(run("kb", "build", "--out", kbUri)).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to build");
        assertThat(run("kb", "build", "--format", "xml", "--source", bad.toString(), "--out", "file:" + dir.resolve("x")))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown format 'xml'");
    }

    @Test
    void unusableOutputsAndAFolderAsSourceAreOneErrorLine() throws IOException {
        String obo = TestData.resource("kb/tiny.obo").toString();
        String kbUri = "file:" + dir.resolve("kb");
        assertThat(run("kb", "build", "--format", "obo", "--source", obo, "--out", kbUri)).as(err.toString()).isZero();

        err.getBuffer().setLength(0);
        assertThat(run("kb", "build", "--format", "obo", "--source", obo, "--out", kbUri)).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("error: " + kbUri + "/: already published, and artifacts are immutable; "
                + "give --out another prefix (e.g. a new version folder), or remove this one first with "
                + "`syncabel store delete --prefix " + kbUri + "/ --force`");

        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        err.getBuffer().setLength(0);
        assertThat(run("kb", "build", "--format", "obo", "--source", obo, "--out", "file:" + file.resolve("kb"))).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("error: file:" + file.resolve("kb") + "/: cannot write there: " + file
                + " is a file, not a folder; give --out a folder path");

        // a place no one may write, root included (tests often run as root, for whom permission bits say yes): /proc
        if (Files.isDirectory(Path.of("/proc/self"))) { // Linux, where CI and pods run
            err.getBuffer().setLength(0);
            assertThat(run("kb", "build", "--format", "obo", "--source", obo, "--out", "file:/proc/syncabel-test/kb/")).isEqualTo(2);
            assertThat(err.toString()).startsWith("error: file:/proc/syncabel-test/kb/: cannot write there: /proc ")
                    .doesNotContain("\tat ");
        }

        err.getBuffer().setLength(0);
        assertThat(run("kb", "build", "--format", "dnorm", "--source", dir.toString(), "--out", "file:" + dir.resolve("kb2")))
                .isEqualTo(2);
        assertThat(err.toString()).contains("a folder, not a file").doesNotContain("no such file").doesNotContain("\tat ");
    }

    @Test
    void prepareRefusesAMissingKb() {
        assertThat(run("corpus", "prepare", "--kb", "file:" + dir.resolve("none"), "--corpus",
                TestData.resource("corpus/tiny.jsonl").toString(), "--out", dir.resolve("x.jsonl").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("not a published artifact");
        assertThat(dir.resolve("x.jsonl")).doesNotExist();
    }
}
