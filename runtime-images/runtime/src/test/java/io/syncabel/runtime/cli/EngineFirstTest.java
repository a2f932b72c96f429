package io.syncabel.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.model.NativeEngine;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage fits the engine to its pod before it starts: libtorch's threads from the CPU limit, one line saying what
 * was loaded, and a pod that asked for a GPU and has none fails instead of training on the CPU. The pod runs are a
 * fresh JVM each, as in a pod: libtorch reads its thread settings once per process.
 */
class EngineFirstTest {
    static final String KB = TrainFromResourceTest.KB;

    @TempDir
    Path dir;

    record Pod(int exit, String err) {
    }

    /** {@code syncabel <args>} in its own JVM with this pod environment (GPUs hidden, PyTorch overrides removed). */
    Pod pod(Map<String, String> podEnv, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Dai.djl.default_engine=PyTorch",
                SyncabelCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Path err = dir.resolve("stderr-" + System.nanoTime() + ".txt");
        builder.redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", NativeEngine.REQUIRE_GPU_ENV, NativeEngine.CPU_LIMIT_ENV)
                .forEach(env::remove);
        // the same outcome on a machine with a GPU: none is visible to this pod
        env.put("CUDA_VISIBLE_DEVICES", "");
        env.putAll(podEnv);
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the pod's JVM ends").isTrue();
        return new Pod(process.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    String kb() {
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine(Env.of(Map.of()));
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        String uri = "file:" + dir.resolve("kb") + "/";
        try {
            assertThat(cli.execute("kb", "build", "--format", "dnorm", "--source", Files.writeString(dir.resolve("kb.txt"), KB).toString(),
                    "--out", uri)).as(err.toString()).isZero();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return uri;
    }

    @Test
    void aPodThatRequestedAGpuAndSeesNoneFailsClearlyBeforeTraining() throws Exception {
        String kb = kb();
        Path out = dir.resolve("model");

        Pod pod = pod(Map.of(NativeEngine.REQUIRE_GPU_ENV, "true"), "train", "--kb", kb, "--out", "file:" + out + "/", "--size", "tiny",
                "--epochs", "1");

        assertThat(pod.exit()).as(pod.err()).isEqualTo(UserErrorHandler.EXIT_NO_GPU);
        assertThat(pod.err()).contains("engine: PyTorch 2.7.1", "GPUs 0")
                .contains("error: this pod requested a GPU (SYNCABEL_REQUIRE_GPU=true) but the engine cannot use one: it sees 0 GPU(s)")
                .contains("is not a CUDA build", "CUDA_VISIBLE_DEVICES=''", "NVIDIA_VISIBLE_DEVICES=(unset)", "PYTORCH_LIBRARY_PATH=(unset)")
                .contains("Nothing was run on the CPU", "runtime.gpuImage", "nvidia-smi")
                .doesNotContain("\tat io.syncabel");
        assertThat(out).as("no training happened").doesNotExist();
    }

    @Test
    void withoutTheRequestTheSamePodTrainsOnTheCpuWithThreadsFromItsCpuLimit() throws Exception {
        String kb = kb();
        Path out = dir.resolve("model");

        Path corpus = Files.writeString(dir.resolve("train.pubtator"), TrainFromResourceTest.CORPUS);
        Pod pod = pod(Map.of(NativeEngine.CPU_LIMIT_ENV, "1"), "train", "--kb", kb, "--train", corpus.toString(), "--out", "file:" + out + "/",
                "--size", "tiny", "--epochs", "1", "--no-reranker");

        assertThat(pod.exit()).as(pod.err()).isZero();
        assertThat(pod.err()).contains("engine: PyTorch 2.7.1 from ", "(CUDA no), device cpu(), GPUs 0, threads 1 intra-op / 1 inter-op");
        assertThat(out.resolve("manifest.json")).exists();
    }

    @Test
    void aStageWithoutTheModelDoesNotLoadTheEngineUnlessTheGpuWasRequested() throws Exception {
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine(Env.of(Map.of()));
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.execute("kb", "build", "--format", "dnorm", "--source", Files.writeString(dir.resolve("kb.txt"), KB).toString(),
                "--out", "file:" + dir.resolve("kb") + "/");
        assertThat(err.toString()).doesNotContain("engine:");

        Pod pod = pod(Map.of(NativeEngine.REQUIRE_GPU_ENV, "true"), "kb", "build", "--format", "dnorm", "--source",
                dir.resolve("kb.txt").toString(), "--out", "file:" + dir.resolve("kb2") + "/");
        assertThat(pod.exit()).as(pod.err()).isEqualTo(UserErrorHandler.EXIT_NO_GPU);
        assertThat(pod.err()).contains("requested a GPU");
    }

    @Test
    void threadsFollowTheCpuLimitAndInterOpIsOne() {
        assertThat(NativeEngine.threadProperties(Map.of(NativeEngine.CPU_LIMIT_ENV, "4")::get))
                .containsExactly(Map.entry("ai.djl.pytorch.num_threads", "4"), Map.entry("ai.djl.pytorch.num_interop_threads", "1"));
        assertThat(NativeEngine.threadProperties(Map.<String, String>of()::get))
                .as("no limit known: libtorch's own default").containsExactly(Map.entry("ai.djl.pytorch.num_interop_threads", "1"));
        for (String bad : List.of("0", "1.5", "500m", "four")) {
            assertThatThrownBy(() -> NativeEngine.threadProperties(Map.of(NativeEngine.CPU_LIMIT_ENV, bad)::get))
                    .isInstanceOf(UserError.class).hasMessageContaining("SYNCABEL_CPU_LIMIT").hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void theGpuRequestIsTrueOrFalse() {
        assertThat(NativeEngine.gpuRequired(Map.of(NativeEngine.REQUIRE_GPU_ENV, "true")::get)).isTrue();
        assertThat(NativeEngine.gpuRequired(Map.of(NativeEngine.REQUIRE_GPU_ENV, "false")::get)).isFalse();
        assertThat(NativeEngine.gpuRequired(Map.<String, String>of()::get)).isFalse();
        assertThatThrownBy(() -> NativeEngine.gpuRequired(Map.of(NativeEngine.REQUIRE_GPU_ENV, "yes")::get))
                .isInstanceOf(UserError.class).hasMessageContaining("SYNCABEL_REQUIRE_GPU");
    }
}
