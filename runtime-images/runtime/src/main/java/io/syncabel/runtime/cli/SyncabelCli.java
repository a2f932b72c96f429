package io.syncabel.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The runtime's one entry point: every pod the operator starts runs `syncabel <stage>`, and so does a
 * person on a laptop. Subcommands are the pipeline's stages.
 */
@Command(name = "syncabel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Generative biomedical entity linking: build KBs, write synthetic data, train, link, serve, evaluate.",
        subcommands = {RunCommand.class, KbCommand.class, CorpusCommand.class, TrainCommand.class, LinkCommand.class,
            EvaluateCommand.class, BaselinesCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class SyncabelCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and by in-process callers (tests, the operator's fake kubelet). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SyncabelCli());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        return cli;
    }
}
