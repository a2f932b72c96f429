package io.syncabel.operator.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.EvaluationSpec;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.KnowledgeBaseSpec;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.operator.OperatorSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every pod the operator makes is admitted by a namespace labelled
 * {@code pod-security.kubernetes.io/enforce: restricted}: the rules of the Baseline and Restricted
 * profiles (kubernetes.io/docs/concepts/security/pod-security-standards, v1.30) checked on each
 * rendered template, plus what a read-only root needs to keep working.
 */
class RestrictedPodSecurityTest {
    /** The store CA and a service account set: every optional volume and field is rendered. */
    static final OperatorSettings SETTINGS = new OperatorSettings(OperatorSettings.Store.s3("s3://syncabel",
            Optional.of("https://s3.example"), Optional.of("eu-west-1"), Optional.of(true), Optional.of("store"), "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY").withCaSecret("store-ca"), "ghcr.io/syncabel/runtime:0.1.0", "IfNotPresent",
            Optional.of("syncabel-runtime"));
    static final Set<String> RESTRICTED_VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    /** Each pod template the operator can create, by the child class that makes it. */
    static Map<String, PodTemplateSpec> everyPodTemplate() {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        KnowledgeBase kb = ChildrenTest.named(new KnowledgeBase(), "kb", 1);
        kb.setSpec(new KnowledgeBaseSpec());
        StageRun run = StageRun.of(SETTINGS, kb, Map.of(), List.of());
        templates.put("KnowledgeBaseJob", KnowledgeBaseJob.desired(SETTINGS, kb, run).getSpec().getTemplate());
        SyntheticDataset sd = ChildrenTest.named(new SyntheticDataset(), "sd", 1);
        sd.setSpec(new SyntheticDatasetSpec());
        templates.put("SyntheticDatasetJob", SyntheticDatasetJob.desired(SETTINGS, sd, run).getSpec().getTemplate());
        templates.put("TrainingRunJob", TrainingRunJob.desired(SETTINGS, ChildrenTest.gpuTrainingRun(), run).getSpec().getTemplate());
        Evaluation ev = ChildrenTest.named(new Evaluation(), "ev", 1);
        ev.setSpec(new EvaluationSpec());
        templates.put("EvaluationJob", EvaluationJob.desired(SETTINGS, ev, run).getSpec().getTemplate());
        LinkerDeployment ld = ChildrenTest.named(new LinkerDeployment(), "ld", 1);
        ld.setSpec(new LinkerDeploymentSpec());
        ld.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("nvidia.com/gpu", new Quantity("1")).build());
        templates.put("LinkerServerDeployment", LinkerServerDeployment.desired(SETTINGS, ld, run).getSpec().getTemplate());
        templates.put("ArtifactCleanupJob", ArtifactCleanupJob.desired(SETTINGS, kb).getSpec().getTemplate());
        return templates;
    }

    @Test
    void everyPodTemplateMeetsTheRestrictedProfile() {
        Map<String, PodTemplateSpec> templates = everyPodTemplate();
        assertThat(templates).hasSize(6);
        templates.forEach((child, template) -> assertThat(restrictedViolations(template.getSpec()))
                .as("%s violates Pod Security restricted", child).isEmpty());
    }

    @Test
    void aReadOnlyRootStillLeavesTheRuntimeItsScratchSpace() {
        everyPodTemplate().forEach((child, template) -> {
            PodSpec pod = template.getSpec();
            assertThat(pod.getAutomountServiceAccountToken()).as("%s: the runtime never calls the API", child).isFalse();
            for (Container c : pod.getContainers()) {
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(child).isTrue();
                Map<String, String> mounts = new LinkedHashMap<>();
                for (VolumeMount m : c.getVolumeMounts()) {
                    mounts.put(m.getMountPath(), m.getName());
                }
                Map<String, String> env = new LinkedHashMap<>();
                c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
                String djlCache = env.get("DJL_CACHE_DIR");
                assertThat(djlCache).as("%s: DJL_CACHE_DIR", child).isNotNull();
                assertThat(env.get("JDK_JAVA_OPTIONS")).as(child).contains("-Djava.io.tmpdir=/tmp");
                for (String writable : List.of("/tmp", djlCache)) {
                    String volume = mounts.get(writable);
                    assertThat(volume).as("%s: %s is mounted", child, writable).isNotNull();
                    assertThat(pod.getVolumes()).as(child).anyMatch(v -> v.getName().equals(volume) && v.getEmptyDir() != null);
                }
            }
        });
    }

    @Test
    void theCheckerCatchesAPodThatIsNotRestricted() {
        PodSpec bare = new io.fabric8.kubernetes.api.model.PodSpecBuilder().addNewContainer().withName("c").endContainer()
                .addNewVolume().withName("host").withNewHostPath("/var", null).endVolume().build();
        assertThat(restrictedViolations(bare)).hasSizeGreaterThanOrEqualTo(5)
                .anyMatch(v -> v.contains("runAsNonRoot")).anyMatch(v -> v.contains("seccomp"))
                .anyMatch(v -> v.contains("allowPrivilegeEscalation")).anyMatch(v -> v.contains("drop ALL"))
                .anyMatch(v -> v.contains("hostPath"));
    }

    /** The Baseline and Restricted rules a pod spec can break, each as a message; empty when admitted. */
    static List<String> restrictedViolations(PodSpec pod) {
        List<String> out = new ArrayList<>();
        var podSc = Optional.ofNullable(pod.getSecurityContext());
        if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
            out.add("host namespaces");
        }
        for (Volume v : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
            String type = volumeType(v);
            if (!RESTRICTED_VOLUME_TYPES.contains(type)) {
                out.add("volume " + v.getName() + ": type " + type + " is not allowed");
            }
        }
        if (podSc.map(s -> s.getSysctls()).filter(s -> !s.isEmpty()).isPresent()) {
            out.add("sysctls");
        }
        if (podSc.map(s -> s.getRunAsUser()).filter(u -> u == 0).isPresent()) {
            out.add("pod runAsUser 0");
        }
        String podSeccomp = podSc.map(s -> s.getSeccompProfile()).map(s -> s.getType()).orElse(null);
        Boolean podNonRoot = podSc.map(s -> s.getRunAsNonRoot()).orElse(null);
        List<Container> containers = Stream.of(pod.getInitContainers(), pod.getContainers())
                .flatMap(l -> Optional.ofNullable(l).orElse(List.of()).stream()).toList();
        for (Container c : containers) {
            String name = "container " + c.getName() + ": ";
            SecurityContext sc = Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                out.add(name + "privileged");
            }
            if (Optional.ofNullable(c.getPorts()).orElse(List.of()).stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
                out.add(name + "hostPort");
            }
            if (sc.getProcMount() != null && !"Default".equals(sc.getProcMount())) {
                out.add(name + "procMount");
            }
            if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                out.add(name + "allowPrivilegeEscalation must be false");
            }
            Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podNonRoot;
            if (!Boolean.TRUE.equals(nonRoot)) {
                out.add(name + "runAsNonRoot must be true (pod or container)");
            }
            if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                out.add(name + "runAsUser 0");
            }
            String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType() : podSeccomp;
            if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
                out.add(name + "seccompProfile must be RuntimeDefault or Localhost, is " + seccomp);
            }
            var caps = Optional.ofNullable(sc.getCapabilities());
            if (!caps.map(k -> k.getDrop()).orElse(List.of()).contains("ALL")) {
                out.add(name + "capabilities must drop ALL");
            }
            if (caps.map(k -> k.getAdd()).orElse(List.of()).stream().anyMatch(a -> !"NET_BIND_SERVICE".equals(a))) {
                out.add(name + "capabilities may only add NET_BIND_SERVICE");
            }
        }
        return out;
    }

    static String volumeType(Volume v) {
        Map<String, Object> fields = RuntimePod.JSON.convertValue(v, Map.class);
        return fields.keySet().stream().filter(k -> !k.equals("name")).findFirst().orElse("?");
    }
}
