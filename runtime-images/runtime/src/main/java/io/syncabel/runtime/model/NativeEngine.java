package io.syncabel.runtime.model;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import io.syncabel.runtime.text.UserError;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The native engine a stage computes with, fitted to the container it runs in (docs/operations.md, "Threads,
 * memory and GPUs"): libtorch's thread pools sized to the CPU limit before the engine loads, one line that says
 * which libtorch was loaded and where it computes, and a pod that asked for a GPU refusing to run on the CPU.
 */
public final class NativeEngine {
    /** Whole CPUs of the container's limit; the operator fills it from the downward API (limits.cpu, divisor 1). */
    public static final String CPU_LIMIT_ENV = "SYNCABEL_CPU_LIMIT";
    /** {@code true} when the pod requested a GPU (the operator sets it): no GPU then is an error, not a CPU run. */
    public static final String REQUIRE_GPU_ENV = "SYNCABEL_REQUIRE_GPU";
    /** libtorch's intra-op pool (the threads of one matrix product): one per CPU the container may use. */
    static final String INTRA_OP_THREADS = "ai.djl.pytorch.num_threads";
    /**
     * libtorch's inter-op pool only runs TorchScript forks, which the runtime never makes; left at its default it
     * starts one more thread per core, each competing for the same CPU quota.
     */
    static final String INTER_OP_THREADS = "ai.djl.pytorch.num_interop_threads";
    /** What the GPU check names when it fails: the variables that decide which devices a container sees. */
    private static final String[] DEVICE_ENV = {"CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "PYTORCH_LIBRARY_PATH",
        "PYTORCH_VERSION", "PYTORCH_FLAVOR", "OMP_WAIT_POLICY"};

    private NativeEngine() {
    }

    /**
     * The engine's thread settings for this environment: the intra-op pool sized to {@value #CPU_LIMIT_ENV} when it
     * is set (unset: libtorch's default, one thread per core), the inter-op pool always 1.
     */
    public static Map<String, String> threadProperties(Function<String, String> env) {
        Map<String, String> properties = new LinkedHashMap<>();
        String limit = env.apply(CPU_LIMIT_ENV);
        if (limit != null && !limit.isBlank()) {
            properties.put(INTRA_OP_THREADS, String.valueOf(cpus(limit.strip())));
        }
        properties.put(INTER_OP_THREADS, "1");
        return properties;
    }

    private static int cpus(String limit) {
        try {
            int cpus = Integer.parseInt(limit);
            if (cpus >= 1) {
                return cpus;
            }
        } catch (NumberFormatException e) {
            // reported below with what was expected
        }
        throw new UserError(CPU_LIMIT_ENV + ": expected a whole number of CPUs >= 1 (the downward API's limits.cpu with divisor 1), got '"
                + limit + "'");
    }

    /**
     * Sets {@link #threadProperties} as system properties, before the engine loads (DJL reads them once, when
     * libtorch starts); a property already given on the command line ({@code -Dai.djl.pytorch.num_threads=...}) wins.
     */
    public static void configureThreads(Function<String, String> env) {
        threadProperties(env).forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** Whether {@value #REQUIRE_GPU_ENV} asks for a GPU ({@code true}/{@code false}, unset: false). */
    public static boolean gpuRequired(Function<String, String> env) {
        String value = env.apply(REQUIRE_GPU_ENV);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UserError(REQUIRE_GPU_ENV + ": expected true or false, got '" + value + "'");
        };
    }

    /** Loads the default engine (once per process) and says what it is. */
    public static Loaded load() {
        Engine engine = Engine.getInstance();
        boolean pytorch = engine instanceof PtEngine;
        return new Loaded(engine.getEngineName(), engine.getVersion(), pytorch ? LibUtils.getLibtorchPath() : "n/a",
                engine.hasCapability(StandardCapabilities.CUDA), engine.getGpuCount(), engine.defaultDevice().toString(),
                pytorch ? JniUtils.getNumThreads() : -1, pytorch ? JniUtils.getNumInteropThreads() : -1);
    }

    /**
     * What was loaded, as a stage reports it at its start.
     *
     * @param library   the folder libtorch was loaded from (DJL's cache for the bundled CPU build, else PYTORCH_LIBRARY_PATH)
     * @param cudaBuild whether that libtorch can run CUDA kernels here (built with CUDA and a device at hand)
     * @param gpus      GPUs the CUDA driver shows this process
     * @param device    where new tensors go (DJL's default device)
     * @param intraOp   libtorch's intra-op threads (-1: not PyTorch)
     * @param interOp   libtorch's inter-op threads (-1: not PyTorch)
     */
    public record Loaded(String engine, String version, String library, boolean cudaBuild, int gpus, String device, int intraOp,
            int interOp) {

        /** The one line every model stage prints at its start. */
        public String line() {
            return "engine: " + engine + " " + version + " from " + library + " (CUDA " + (cudaBuild ? "yes" : "no") + "), device "
                    + device + ", GPUs " + gpus + ", threads " + intraOp + " intra-op / " + interOp + " inter-op";
        }

        /** Whether tensors can go to a GPU: one is visible and the loaded libtorch can use it. */
        public boolean usesGpu() {
            return gpus > 0 && cudaBuild;
        }

        /** A GPU the loaded libtorch cannot use: DJL would still put tensors on it, and the first one fails. */
        public boolean gpuWithoutCuda() {
            return gpus > 0 && !cudaBuild;
        }
    }

    /**
     * Fails when the environment asks for a GPU ({@value #REQUIRE_GPU_ENV}) and the loaded engine cannot use one: a
     * GPU pod that trained on the CPU would take days and look healthy.
     */
    public static void requireGpu(Loaded loaded, Function<String, String> env) {
        if (!gpuRequired(env) || loaded.usesGpu()) {
            return;
        }
        StringBuilder seen = new StringBuilder();
        for (String name : DEVICE_ENV) {
            String value = env.apply(name);
            seen.append(seen.isEmpty() ? "" : ", ").append(name).append('=').append(value == null ? "(unset)" : "'" + value + "'");
        }
        throw new MissingGpu("this pod requested a GPU (" + REQUIRE_GPU_ENV + "=true) but the engine cannot use one: it sees "
                + loaded.gpus() + " GPU(s), and " + loaded.engine() + " " + loaded.version() + " loaded from " + loaded.library()
                + (loaded.cudaBuild() ? " is" : " is not") + " a CUDA build; " + seen + ". Nothing was run on the CPU. Check: "
                + "the pod runs the CUDA image (chart value runtime.gpuImage; the CPU image only has the CPU libtorch), "
                + "PYTORCH_LIBRARY_PATH names the lib/ folder of a CUDA libtorch whose version equals PYTORCH_VERSION and the "
                + "pytorch-jni jar's (2.7.1), PYTORCH_FLAVOR matches it (cu128), and `nvidia-smi` in the pod lists the GPU "
                + "(NVIDIA device plugin and container runtime on the node). See docs/troubleshooting.md.");
    }

    /** The pod asked for a GPU and has none it can use: a node or image problem, so a retry elsewhere may succeed. */
    public static final class MissingGpu extends RuntimeException {
        public MissingGpu(String message) {
            super(message);
        }
    }
}
