package io.syncabel.runtime.cli;

import io.syncabel.runtime.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `syncabel run -f DIR`: the same manifests a cluster runs, executed here in dependency order. */
@Command(name = "run", description = "Run a pipeline of syncabel.io manifests locally, in reference order.")
final class RunCommand implements Callable<Integer> {
    /** Exit code while the stages cannot execute yet: the plan was printed, nothing ran. */
    static final int EXIT_NOT_RUNNABLE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "PATH",
            description = "Manifest file or folder (repeatable); folders are read recursively.")
    List<Path> files;

    @Option(names = "--plan", description = "Only print the execution order.")
    boolean planOnly;

    @Override
    public Integer call() {
        Pipeline pipeline = Pipeline.load(files);
        var out = spec.commandLine().getOut();
        out.println("Pipeline (" + pipeline.stages().size() + " resources, in execution order):");
        int i = 1;
        for (Pipeline.Stage stage : pipeline.stages()) {
            out.printf("  %d. %-40s %s%n", i++, stage.key(),
                    stage.references().isEmpty() ? "" : "after " + String.join(", ", stage.references()));
        }
        out.flush();
        if (planOnly) {
            return 0;
        }
        spec.commandLine().getErr().println("""
                The stages themselves are not implemented in this build yet: the manifests were read, \
                checked and ordered, and nothing was executed. Use --plan to print the order only.""");
        return EXIT_NOT_RUNNABLE;
    }
}
