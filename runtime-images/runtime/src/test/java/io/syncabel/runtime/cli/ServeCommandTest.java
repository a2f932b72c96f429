package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.serve.LinkerLoader;
import io.syncabel.runtime.serve.ServeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
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
    void decodingAndBatchingComeFromTheLinkerDeploymentUnlessFlagsSayOtherwise() {
        ServeCommand command = new ServeCommand();
        command.env = Map.of("SYNCABEL_RESOURCE", """
                {"apiVersion": "syncabel.io/v1alpha1", "kind": "LinkerDeployment", "metadata": {"name": "ncbi"},
                 "spec": {"decoding": {"beams": 3, "topK": 1, "constrained": false, "maxBatchSize": 8, "maxBatchDelayMs": 2}}}
                """)::get;
        new CommandLine(command).parseArgs("--model", "file:/m");
        ServeConfig fromResource = command.config();
        assertThat(fromResource.modelName()).isEqualTo("ncbi");
        assertThat(fromResource.options()).isEqualTo(new Linker.Options(3, 1, false));
        assertThat(fromResource.maxBatchSize()).isEqualTo(8);
        assertThat(fromResource.maxBatchDelayMs()).isEqualTo(2);

        new CommandLine(command).parseArgs("--model", "file:/m", "--beams", "4", "--max-batch-size", "16",
                "--model-name", "other");
        ServeConfig flagged = command.config();
        assertThat(flagged.options()).isEqualTo(new Linker.Options(4, 1, false));
        assertThat(flagged.maxBatchSize()).isEqualTo(16);
        assertThat(flagged.modelName()).isEqualTo("other");
    }

    @Test
    void withoutAResourceTheBuiltInDefaultsApply() {
        ServeCommand command = new ServeCommand();
        command.env = name -> null;
        new CommandLine(command).parseArgs("--model", "file:/m");
        ServeConfig config = command.config();
        assertThat(config.modelName()).isEqualTo("syncabel");
        assertThat(config.options()).isEqualTo(Linker.Options.defaults());
        assertThat(config.maxBatchSize()).isEqualTo(32);
        assertThat(config.port()).isEqualTo(8080);
    }

    @Test
    void theModelComesFromThePodEnvironment() {
        // gs:// is a scheme no installed loader opens (file: and s3:// model artifacts are)
        ServeCommand command = new ServeCommand();
        command.env = Map.of("SYNCABEL_INPUT_MODEL", "gs://bucket/ns/trainingruns/ncbi/3/")::get;
        int exit = run(command, "--port", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no linker loader in this build can open gs://bucket/ns/trainingruns/ncbi/3/");
    }

    @Test
    void inconsistentDecodingIsAUserError() {
        ServeCommand command = new ServeCommand();
        command.env = name -> null;
        command.loaders = uri -> Optional.of((u, p) -> {
            throw new AssertionError("must not load");
        });
        int exit = run(command, "--model", "file:/m", "--beams", "2", "--top-k", "3");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("need 1 <= topK <= beams, got beams=2 topK=3");
    }

    @Test
    void aPortInUseIsAUserError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServeCommand command = new ServeCommand();
            command.env = name -> null;
            command.loaders = uri -> Optional.of((u, p) -> {
                throw new AssertionError("must not load");
            });
            int exit = run(command, "--model", "file:/m", "--host", "127.0.0.1", "--port",
                    Integer.toString(taken.getLocalPort()));
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("error: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void aMissingLocalModelSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String missing = dir.resolve("no-model").toString();
        assertThat(run(new ServeCommand(), "--model", missing, "--port", "0", "--host", "127.0.0.1")).isEqualTo(2);
        assertThat(err.toString()).contains("error: " + missing + ": no such folder; --model takes a model artifact")
                .doesNotContain("no linker loader");
        err.getBuffer().setLength(0);
        assertThat(run(new ServeCommand(), "--model", dir.toString(), "--port", "0", "--host", "127.0.0.1")).isEqualTo(2);
        assertThat(err.toString()).contains("error: " + dir + ": not a model artifact (no manifest.json in it)");
    }

    @Test
    void aModelNoLoaderCanOpenIsAUserError() {
        int exit = run(new ServeCommand(), "--model", "gs://nowhere/model", "--port", "0", "--host", "127.0.0.1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("error: no linker loader in this build can open gs://nowhere/model");
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
