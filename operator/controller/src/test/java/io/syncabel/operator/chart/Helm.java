package io.syncabel.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the Helm binary installed by tools/install-helm.sh (.ci/run installs it; required when CI=true). */
final class Helm {
    static final Path ROOT = Path.of(System.getProperty("syncabel.repo.root", "../.."));
    static final Path CHART = ROOT.resolve("charts/syncabel");
    private static final Path BINARY = ROOT.resolve(".tools/helm/helm");

    private Helm() {
    }

    static String run(String... args) throws IOException, InterruptedException {
        Result result = exec(args);
        assertThat(result.exitCode()).as("helm %s%n%s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    /** Runs helm where it must refuse (a bad value): returns what it said. */
    static String runFailing(String... args) throws IOException, InterruptedException {
        Result result = exec(args);
        assertThat(result.exitCode()).as("helm %s should fail%n%s", String.join(" ", args), result.output()).isNotZero();
        return result.output();
    }

    record Result(int exitCode, String output) {
    }

    private static Result exec(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            assertThat("true".equals(System.getenv("CI"))).as("helm missing in CI: .ci/run must run tools/install-helm.sh")
                    .isFalse();
            Assumptions.abort("helm not installed; run tools/install-helm.sh");
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString()));
        command.addAll(List.of(args));
        Path scratch = Files.createTempDirectory("helm");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HELM_CACHE_HOME", scratch.resolve("cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", scratch.resolve("config").toString());
        builder.environment().put("HELM_DATA_HOME", scratch.resolve("data").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
