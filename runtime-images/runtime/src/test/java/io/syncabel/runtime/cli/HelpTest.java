package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `--help` on every command and subcommand prints its usage and exits 0 (no "Unknown option", exit 2). */
class HelpTest {

    static void collect(CommandLine command, String path, List<String> out) {
        out.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                collect(sub, path + " " + name, out);
            }
        });
    }

    @Test
    void everyCommandAnswersHelp() {
        List<String> commands = new ArrayList<>();
        collect(SyncabelCli.commandLine(), "", commands);
        assertThat(commands).contains(" kb", " kb build", " synth", " synth generate", " corpus", " corpus prepare", " store",
                " store delete", " evaluate", " serve", " train", " link", " run", " baselines");
        for (String command : commands) {
            List<String> args = new ArrayList<>(List.of(command.strip().split(" ")));
            args.removeIf(String::isEmpty);
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = SyncabelCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args.toArray(String[]::new));
            assertThat(code).as("syncabel%s --help: %s", command, err).isZero();
            assertThat(out.toString()).as("syncabel%s --help", command).startsWith("Usage: syncabel" + command);
        }
    }
}
