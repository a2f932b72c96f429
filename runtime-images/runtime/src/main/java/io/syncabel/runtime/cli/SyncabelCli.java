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
        subcommands = {RunCommand.class, KbCommand.class, CorpusCommand.class, SynthCommand.class, TrainCommand.class, LinkCommand.class, RerankCommand.class, ModelCommand.class, DenseCommand.class,
            EvaluateCommand.class, BaselinesCommand.class, ServeCommand.class, StoreCommand.class, CommandLine.HelpCommand.class})
public final class SyncabelCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line over the process environment. */
    public static CommandLine commandLine() {
        return commandLine(Env.system());
    }

    /**
     * The configured command line whose commands read the given environment instead of the process's: how
     * in-process callers ({@code syncabel run -f}, the operator's fake kubelet, tests) play the pod contract.
     */
    public static CommandLine commandLine(Env env) {
        CommandLine cli = new CommandLine(new SyncabelCli(), new EnvFactory(env));
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setExecutionStrategy(new EngineFirst(env));
        withHelpOptions(cli);
        return cli;
    }

    /** Every command answers {@code -h}/{@code --help}, whether or not its class asked for it. */
    private static void withHelpOptions(CommandLine command) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        if (spec.findOption("--help") == null) {
            String[] names = spec.findOption("-h") == null ? new String[] {"-h", "--help"} : new String[] {"--help"};
            spec.addOption(CommandLine.Model.OptionSpec.builder(names).usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        command.getSubcommands().values().forEach(SyncabelCli::withHelpOptions);
    }

    /** Builds commands with an {@code (Env)} constructor from the given environment, the rest as picocli does. */
    private record EnvFactory(Env env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                var constructor = cls.getDeclaredConstructor(Env.class);
                constructor.setAccessible(true);
                return constructor.newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
