package io.syncabel.operator.children;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.PodDefaults;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The pod contract (docs/architecture.md): the runtime image, the stage as args, the resource as
 * JSON, the output and input URIs, the store connection, and credentials only as secretKeyRefs.
 */
public final class RuntimePod {
    public static final String CONTAINER = "runtime";
    static final KubernetesSerialization JSON = new KubernetesSerialization();
    static final String STORE_CA_VOLUME = "store-ca";
    static final String STORE_CA_DIR = "/etc/syncabel/store-ca";
    /** Key of the CA certificate in the Secret named by syncabel.store.ca-secret-name. */
    static final String STORE_CA_KEY = "ca.crt";
    /** The root filesystem is read-only: the JVM's and DJL's scratch space are emptyDirs. */
    public static final String TMP_VOLUME = "tmp";
    public static final String TMP_DIR = "/tmp";
    public static final String DJL_CACHE_VOLUME = "djl-cache";
    /** DJL unpacks its native engine (libtorch, tokenizers) here once per pod. */
    public static final String DJL_CACHE_DIR = "/var/cache/syncabel/djl";
    /**
     * The JVM heap's share of the container's memory limit: the model's tensors, libtorch and its thread stacks live
     * outside the heap, so the JVM's usual 75% would leave them too little and the pod would be OOM-killed.
     */
    public static final int HEAP_PERCENT = 50;
    /** What the runtime sizes libtorch's threads from (whole CPUs; see the runtime's NativeEngine). */
    public static final String CPU_LIMIT_ENV = "SYNCABEL_CPU_LIMIT";
    /** Set when the pod requests a GPU: the runtime then fails instead of running on the CPU. */
    public static final String REQUIRE_GPU_ENV = "SYNCABEL_REQUIRE_GPU";

    private RuntimePod() {
    }

    public static ContainerBuilder container(OperatorSettings settings, CustomResource<?, ?> owner, List<String> args,
            StageRun run, ResourceRequirements resources) {
        return container(settings, resourceJson(owner), args, run, resources);
    }

    /** @param resource what SYNCABEL_RESOURCE says (see {@link #resourceJson(CustomResource, Collection)}) */
    public static ContainerBuilder container(OperatorSettings settings, String resource, List<String> args,
            StageRun run, ResourceRequirements resources) {
        List<EnvVar> env = new ArrayList<>();
        env.add(plain("SYNCABEL_RESOURCE", resource));
        env.add(plain("DJL_CACHE_DIR", DJL_CACHE_DIR));
        // JDK_JAVA_OPTIONS, not JAVA_TOOL_OPTIONS: the image's JAVA_TOOL_OPTIONS (engine) stay in force, and flags
        // here come later on the JVM's line, so this heap share wins over the image's
        env.add(plain("JDK_JAVA_OPTIONS", "-Djava.io.tmpdir=" + TMP_DIR + " -XX:MaxRAMPercentage=" + HEAP_PERCENT));
        env.add(cpuLimit(resources));
        // OpenMP workers sleep between parallel regions instead of spinning on the CPU quota
        env.add(plain("OMP_WAIT_POLICY", "PASSIVE"));
        if (PodDefaults.wantsGpu(resources)) {
            env.add(plain(REQUIRE_GPU_ENV, "true"));
        }
        if (run.outputUri() != null) {
            env.add(plain("SYNCABEL_OUTPUT_URI", run.outputUri()));
        }
        run.inputEnv().forEach((k, v) -> env.add(plain(k, v)));
        settings.store().endpoint().ifPresent(v -> env.add(plain("SYNCABEL_S3_ENDPOINT", v)));
        settings.store().region().ifPresent(v -> env.add(plain("SYNCABEL_S3_REGION", v)));
        settings.store().pathStyle().ifPresent(v -> env.add(plain("SYNCABEL_S3_PATH_STYLE", v.toString())));
        settings.store().caSecretName().ifPresent(secret -> env.add(plain("SYNCABEL_S3_CA_FILE", STORE_CA_DIR + "/" + STORE_CA_KEY)));
        settings.store().secretName().ifPresent(secret -> {
            env.add(fromSecret("AWS_ACCESS_KEY_ID", secret, settings.store().accessKeyKey()));
            env.add(fromSecret("AWS_SECRET_ACCESS_KEY", secret, settings.store().secretKeyKey()));
        });
        ContainerBuilder container = new ContainerBuilder()
                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath(TMP_DIR).endVolumeMount()
                .addNewVolumeMount().withName(DJL_CACHE_VOLUME).withMountPath(DJL_CACHE_DIR).endVolumeMount();
        settings.store().caSecretName().ifPresent(secret -> container.addNewVolumeMount().withName(STORE_CA_VOLUME)
                .withMountPath(STORE_CA_DIR).withReadOnly(true).endVolumeMount());
        return container
                .withName(CONTAINER)
                .withImage(settings.imageFor(resources))
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs(args)
                .withEnv(env)
                .withResources(resources)
                .withSecurityContext(restrictedContainer())
                .withTerminationMessagePath("/dev/termination-log")
                .withTerminationMessagePolicy("FallbackToLogsOnError");
    }

    /**
     * The container's CPUs in whole units (the downward API rounds up): its limit, or its request where only that is
     * set (a pod without a limit would otherwise size its threads to the whole node).
     */
    static EnvVar cpuLimit(ResourceRequirements resources) {
        boolean requestOnly = resources != null && (resources.getLimits() == null || !resources.getLimits().containsKey("cpu"))
                && resources.getRequests() != null && resources.getRequests().containsKey("cpu");
        return new EnvVarBuilder().withName(CPU_LIMIT_ENV).withNewValueFrom().withNewResourceFieldRef()
                .withContainerName(CONTAINER).withResource(requestOnly ? "requests.cpu" : "limits.cpu").withDivisor(new Quantity("1"))
                .endResourceFieldRef().endValueFrom().build();
    }

    /** The LLM key of an endpoint, read by the pod from the Secret the spec names. */
    public static EnvVar llmApiKey(SecretKeySelector ref) {
        return new EnvVarBuilder().withName("SYNCABEL_LLM_API_KEY").withNewValueFrom().withSecretKeyRef(ref).endValueFrom().build();
    }

    /**
     * The Pod Security "restricted" profile, so a hardened namespace admits every pod: no privilege
     * escalation, no capabilities, and a read-only root (the image runs as the numeric user 10001, so
     * runAsNonRoot holds without naming a uid, which OpenShift-style ranges would reject).
     */
    static SecurityContext restrictedContainer() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .build();
    }

    static PodSecurityContext restrictedPod() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /**
     * What Jobs and Deployments share in their pods: service account, placement, the store CA volume,
     * the restricted security context and the scratch emptyDirs. The runtime never calls the Kubernetes
     * API, so no service-account token is mounted (IRSA and workload identity bring their own).
     */
    public static PodSpecBuilder podSpec(OperatorSettings settings, Scheduling scheduling, String restartPolicy) {
        return podSpec(settings, scheduling, restartPolicy, null);
    }

    /** As above; a pod whose resources request a GPU gets the cluster's GPU placement where its spec sets none. */
    public static PodSpecBuilder podSpec(OperatorSettings settings, Scheduling scheduling, String restartPolicy,
            ResourceRequirements resources) {
        PodSpecBuilder pod = new PodSpecBuilder().withRestartPolicy(restartPolicy)
                .withSecurityContext(restrictedPod())
                .withAutomountServiceAccountToken(false)
                .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName(DJL_CACHE_VOLUME).withNewEmptyDir().endEmptyDir().endVolume();
        settings.store().caSecretName().ifPresent(secret -> pod.addNewVolume().withName(STORE_CA_VOLUME)
                .withNewSecret().withSecretName(secret).addNewItem().withKey(STORE_CA_KEY).withPath(STORE_CA_KEY).endItem().endSecret()
                .endVolume());
        settings.serviceAccount().ifPresent(pod::withServiceAccountName);
        if (scheduling != null) {
            pod.withNodeSelector(scheduling.getNodeSelector())
                    .withTolerations(scheduling.getTolerations())
                    .withAffinity(scheduling.getAffinity())
                    .withPriorityClassName(scheduling.getPriorityClassName());
        }
        PodDefaults defaults = settings.podDefaults();
        if (PodDefaults.wantsGpu(resources)) {
            if ((scheduling == null || isEmpty(scheduling.getNodeSelector())) && !defaults.gpuNodeSelector().isEmpty()) {
                pod.withNodeSelector(defaults.gpuNodeSelector());
            }
            if ((scheduling == null || scheduling.getTolerations() == null || scheduling.getTolerations().isEmpty())
                    && !defaults.gpuTolerations().isEmpty()) {
                pod.withTolerations(defaults.gpuTolerations());
            }
        }
        return pod;
    }

    private static boolean isEmpty(Map<String, String> map) {
        return map == null || map.isEmpty();
    }

    public static OwnerReference ownerReference(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /**
     * The resource as a long-lived pod sees it: without the generation and without the spec fields
     * that do not reach the pod, so editing those leaves the pod template (and the running pods) as they are.
     */
    public static String resourceJson(CustomResource<?, ?> owner, Collection<String> specFieldsNotInPod) {
        ObjectNode node = (ObjectNode) JSON.unmarshal(resourceJson(owner), com.fasterxml.jackson.databind.JsonNode.class);
        ((ObjectNode) node.get("metadata")).remove("generation");
        if (node.get("spec") instanceof ObjectNode spec) {
            spec.remove(specFieldsNotInPod);
        }
        return JSON.asJson(node);
    }

    /** apiVersion, kind, metadata (name, namespace, generation) and spec: what the runtime reads. */
    static String resourceJson(CustomResource<?, ?> owner) {
        ObjectNode node = JSON.convertValue(Map.of(), ObjectNode.class);
        node.put("apiVersion", owner.getApiVersion());
        node.put("kind", owner.getKind());
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", owner.getMetadata().getName());
        metadata.put("namespace", owner.getMetadata().getNamespace());
        metadata.put("generation", owner.getMetadata().getGeneration());
        node.set("spec", JSON.convertValue(owner.getSpec(), ObjectNode.class));
        return JSON.asJson(node);
    }

    static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    static EnvVar fromSecret(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef(key, secret, false).endValueFrom().build();
    }
}
