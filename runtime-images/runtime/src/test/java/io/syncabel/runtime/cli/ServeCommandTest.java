package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.serve.LinkerLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(ServeCommand command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void aModelNoLoaderCanOpenIsAUserError() {
        int exit = run(new ServeCommand(), "--model", "file:/nowhere/model", "--port", "0", "--host", "127.0.0.1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("error: no linker loader in this build can open file:/nowhere/model");
    }

    @Test
    void aBadSmokeQueryIsAUserError() {
        ServeCommand command = new ServeCommand();
        command.loaders = uri -> Optional.of((u, p) -> {
            throw new AssertionError("must not load");
        });
        int exit = run(command, "--model", "file:/m", "--smoke-query", "no marker", "--port", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--smoke-query: no marked mention");
    }

    @Test
    void aFailedLoadExitsOneWithTheReason() {
        ServeCommand command = new ServeCommand();
        LinkerLoader failing = (uri, progress) -> {
            throw new IOException("connection refused: minio:9000");
        };
        command.loaders = uri -> Optional.of(failing);
        int exit = run(command, "--model", "s3://models/ncbi/1/", "--port", "0", "--host", "127.0.0.1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("serve: loading model s3://models/ncbi/1/",
                "error: loading the model failed: connection refused: minio:9000", "serve: stopped");
    }
}
