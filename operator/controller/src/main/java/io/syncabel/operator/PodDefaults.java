package io.syncabel.operator;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster-wide defaults for the pods the operator makes (chart values {@code runtime.gpuImage} and
 * {@code scheduling.*}): what a resource leaves unset, the cluster's admin decides once.
 *
 * @param queueName         Kueue queue of every stage Job whose spec names none
 * @param gpuImage          runtime image (CUDA flavour) for pods that request a GPU
 * @param gpuNodeSelector   node selector of GPU pods whose spec sets none
 * @param gpuTolerations    tolerations of GPU pods whose spec sets none
 */
public record PodDefaults(Optional<String> queueName, Optional<String> gpuImage, Map<String, String> gpuNodeSelector,
        List<Toleration> gpuTolerations) {
    public static final PodDefaults NONE = new PodDefaults(Optional.empty(), Optional.empty(), Map.of(), List.of());
    /** The resource name of a GPU for the NVIDIA device plugin (others: amd.com/gpu, ...: any key ending in /gpu). */
    static final String GPU_SUFFIX = "/gpu";
    /** A MIG slice under the NVIDIA device plugin's mixed strategy, e.g. nvidia.com/mig-1g.10gb. */
    static final String MIG_PREFIX = "nvidia.com/mig-";
    /** A time-sliced GPU the device plugin advertises under a renamed resource (renameByDefault). */
    static final String SHARED_GPU = "nvidia.com/gpu.shared";

    public PodDefaults {
        gpuNodeSelector = Map.copyOf(gpuNodeSelector);
        gpuTolerations = List.copyOf(gpuTolerations);
    }

    /** Whether a container with these resources asks for a GPU (in requests or limits). */
    public static boolean wantsGpu(ResourceRequirements resources) {
        if (resources == null) {
            return false;
        }
        return hasGpu(resources.getLimits()) || hasGpu(resources.getRequests());
    }

    private static boolean hasGpu(Map<String, ?> quantities) {
        return quantities != null && quantities.keySet().stream()
                .anyMatch(k -> k.endsWith(GPU_SUFFIX) || k.startsWith(MIG_PREFIX) || k.equals(SHARED_GPU));
    }
}
