package io.syncabel.runtime.cli;

import io.syncabel.runtime.model.NativeEngine;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs a stage after fitting the engine to its container: libtorch's threads from the CPU limit, before anything
 * loads the engine; then, for a {@link ModelStage} or a pod that asked for a GPU, the engine loads, its line goes to
 * stderr, and a missing GPU stops the stage before it starts (docs/operations.md, "Threads, memory and GPUs").
 */
record EngineFirst(Env env) implements CommandLine.IExecutionStrategy {

    @Override
    public int execute(ParseResult parseResult) {
        List<CommandLine> commands = parseResult.asCommandLineList();
        CommandLine stage = commands.get(commands.size() - 1);
        if (!helpRequested(parseResult)) {
            try {
                NativeEngine.configureThreads(env);
                if (stage.getCommand() instanceof ModelStage || NativeEngine.gpuRequired(env)) {
                    NativeEngine.Loaded engine = NativeEngine.load();
                    PrintWriter err = stage.getErr();
                    err.println(engine.line());
                    if (engine.gpuWithoutCuda()) {
                        err.println("warning: " + engine.gpus() + " GPU(s) visible but " + engine.library()
                                + " is a CPU libtorch; point PYTORCH_LIBRARY_PATH at a CUDA build (docs/operations.md) or hide"
                                + " the GPUs with CUDA_VISIBLE_DEVICES= to run on the CPU");
                    }
                    err.flush();
                    NativeEngine.requireGpu(engine, env);
                }
            } catch (RuntimeException e) {
                throw new CommandLine.ExecutionException(stage, e.getMessage(), e);
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** {@code -h}/{@code -V} anywhere on the line: picocli prints help, the stage does not run, no engine is needed. */
    private static boolean helpRequested(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.isUsageHelpRequested() || level.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }
}
