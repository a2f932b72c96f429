package io.syncabel.runtime.cli;

import io.syncabel.runtime.pipeline.LocalRun;
import io.syncabel.runtime.pipeline.Pipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `syncabel run -f DIR`: the manifests a cluster runs, executed here in reference order with the same stage
 * commands and pod contract, a folder as the artifact store (docs/cli.md).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a pipeline of syncabel.io manifests locally, in reference order, skipping what is already built.")
final class RunCommand implements Callable<Integer> {
    static final String DEFAULT_STORE = ".syncabel/store/";

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "PATH",
            description = "Manifest file or folder (repeatable); folders are read recursively.")
    List<Path> files;

    @Option(names = "--plan", description = "Only print the execution order.")
    boolean planOnly;

    @Option(names = "--store", paramLabel = "PATH|URI",
            description = "Artifact store root: a folder, file: or s3:// (default: file:./" + DEFAULT_STORE + ").")
    String store;

    @Option(names = "--namespace", defaultValue = "default",
            description = "Namespace segment of the output prefixes for manifests without one (default ${DEFAULT-VALUE}).")
    String namespace;

    private final Env env;

    RunCommand() {
        this(Env.system());
    }

    RunCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Pipeline pipeline = Pipeline.load(files);
        PrintWriter out = spec.commandLine().getOut();
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
        String root = store != null ? store : "file:" + Path.of(DEFAULT_STORE).toAbsolutePath() + "/";
        LocalRun run = new LocalRun(new LocalRun.Options(LocalRun.storeRoot(root), namespace, env.vars()), out,
                spec.commandLine().getErr());
        List<LocalRun.Outcome> outcomes = run.run(pipeline);
        return finish(out, outcomes);
    }

    private static int finish(PrintWriter out, List<LocalRun.Outcome> outcomes) {
        int exit = 0;
        for (LocalRun.Outcome o : outcomes) {
            if (o.state() == LocalRun.State.FAILED && exit == 0) {
                exit = o.exitCode() == 0 ? 1 : o.exitCode();
            }
        }
        outcomes.stream().filter(o -> o.stage().resource().getKind().equals("TrainingRun")
                && (o.state() == LocalRun.State.SUCCEEDED || o.state() == LocalRun.State.SKIPPED)).forEach(o -> {
            out.println();
            out.println("Link with the model of " + o.stage().key() + ":");
            out.println("  ./syncabel link --model " + o.outputUri() + " 'Mutations cause [hereditary breast cancer]{DISO}.'");
            out.println("  ./syncabel serve --model " + o.outputUri() + "    # then POST /v1/link, see docs/linker-api.md");
        });
        for (LocalRun.Outcome o : outcomes) {
            if (o.stage().resource().getKind().equals("Evaluation") && (o.state() == LocalRun.State.SUCCEEDED
                    || o.state() == LocalRun.State.SKIPPED)) {
                Map<String, Object> s = o.summary();
                out.println();
                out.println("Evaluation " + o.stage().resource().getMetadata().getName() + ": report under " + o.outputUri());
                out.printf(Locale.ROOT, "recall_at_1=%s ci_low=%s ci_high=%s%n", figure(s.get("recallAt1")),
                        figure(s.get("ciLow")), figure(s.get("ciHigh")));
            }
        }
        out.flush();
        return exit;
    }

    private static String figure(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "NA";
    }
}
