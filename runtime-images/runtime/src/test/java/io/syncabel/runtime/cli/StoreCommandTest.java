package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.FolderStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `syncabel store delete`: what the operator's cleanup Job runs for artifactPolicy: Delete. */
class StoreCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Env env, String... args) {
        CommandLine cli = SyncabelCli.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    void publish(String prefix, String file) throws IOException {
        try (FolderStore store = new FolderStore(); ArtifactWriter writer = store.create(prefix)) {
            try (OutputStream o = writer.file(file)) {
                o.write("x".getBytes(StandardCharsets.UTF_8));
            }
            writer.publish("test", Map.of(), java.util.List.of());
        }
    }

    @Test
    void deletesEveryRunOfAResourceAndNothingBeside() throws IOException {
        String root = "file:" + dir + "/store";
        String kb = root + "/team/knowledgebases/medic/";
        publish(kb + "1/", "kb.jsonl");
        publish(kb + "2/", "kb.jsonl");
        new FolderStore().writeProgress(kb + "2/", "{\"done\":1,\"total\":1}");
        publish(root + "/team/knowledgebases/medic-2/1/", "kb.jsonl");
        Path termination = dir.resolve("termination-log");

        int code = run(Env.of(Map.of("SYNCABEL_TERMINATION_LOG", termination.toString())), "store", "delete", "--prefix", kb);

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("deleted " + kb + "1/kb.jsonl", "deleted " + kb + "2/manifest.json",
                "deleted " + kb + "2/progress.json");
        String summary = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(io.syncabel.runtime.Json.MAPPER.readValue(summary, Map.class)).isEqualTo(Map.of("prefix", kb, "deleted", 5));
        assertThat(Files.readString(termination).strip()).isEqualTo(summary);
        assertThat(dir.resolve("store/team/knowledgebases/medic")).doesNotExist();
        assertThat(dir.resolve("store/team/knowledgebases/medic-2/1/manifest.json")).as("a neighbour with a longer name").exists();
    }

    @Test
    void aDryRunOnlyLists() throws IOException {
        String run = "file:" + dir + "/ns/trainingruns/model/3-1a2b3c4d";
        publish(run + "/", "model.bin");
        assertThat(run(Env.of(Map.of()), "store", "delete", "--dry-run", "--prefix", run)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("would delete " + run + "/model.bin").contains("\"wouldDelete\":2");
        assertThat(dir.resolve("ns/trainingruns/model/3-1a2b3c4d/model.bin")).exists();
    }

    @Test
    void aMissingPrefixDeletesNothingAndSucceeds() {
        assertThat(run(Env.of(Map.of()), "store", "delete", "--prefix", "file:" + dir + "/ns/evaluations/gone/")).isZero();
        assertThat(out.toString()).contains("\"deleted\":0");
    }

    @Test
    void refusesPrefixesThatAreNotAResourceFolder() {
        for (String prefix : new String[] {"", "s3://syncabel", "s3://syncabel/", "file:/", "s3://syncabel/team/",
                "s3://syncabel/team/knowledgebases/", "s3://syncabel/knowledgebases/medic/", "s3://syncabel/a/knowledgebases/b/c/d/",
                "file:" + dir + "/team/models/x/", "s3://syncabel/team/knowledgebases/../x/", "http://host/x/"}) {
            err.getBuffer().setLength(0);
            assertThat(run(Env.of(Map.of()), "store", "delete", "--prefix", prefix)).as("prefix '%s'", prefix).isEqualTo(2);
            assertThat(err.toString()).as("prefix '%s'", prefix).startsWith("error: --prefix");
        }
    }

    @Test
    void forceAcceptsAnyFolderButNeverARoot() throws IOException {
        String odd = "file:" + dir + "/scratch/";
        publish(odd + "a/", "f");
        assertThat(run(Env.of(Map.of()), "store", "delete", "--force", "--prefix", odd)).as(err.toString()).isZero();
        assertThat(dir.resolve("scratch")).doesNotExist();
        assertThat(run(Env.of(Map.of()), "store", "delete", "--force", "--prefix", "s3://syncabel/")).isEqualTo(2);
        assertThat(err.toString()).contains("refusing to delete a whole bucket");
    }
}
