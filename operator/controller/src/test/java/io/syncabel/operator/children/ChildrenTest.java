package io.syncabel.operator.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.PodDefaults;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChildrenTest {
    static final OperatorSettings SETTINGS = OperatorSettings.defaults();

    static <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> T named(T resource, String name, long generation) {
        resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team").withGeneration(generation).withUid("uid-1").build());
        return resource;
    }

    static Map<String, EnvVar> env(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    static TrainingRun gpuTrainingRun() {
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef("kb"));
        spec.setResources(new ResourceRequirementsBuilder().addToLimits("nvidia.com/gpu", new Quantity("1")).build());
        Scheduling scheduling = new Scheduling();
        scheduling.setNodeSelector(Map.of("nvidia.com/gpu.present", "true"));
        scheduling.setTolerations(List.of(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists").withEffect("NoSchedule").build()));
        scheduling.setPriorityClassName("training");
        scheduling.setQueueName("gpu-queue");
        spec.setScheduling(scheduling);
        spec.setBackoffLimit(1);
        spec.setActiveDeadlineSeconds(7200L);
        TrainingRun tr = new TrainingRun();
        tr.setSpec(spec);
        return named(tr, "model", 3);
    }

    @Test
    void aKnowledgeBaseJobTakesTheJobSettingsOfItsSpec() {
        io.syncabel.api.v1alpha1.KnowledgeBaseSpec spec = new io.syncabel.api.v1alpha1.KnowledgeBaseSpec();
        spec.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("8Gi")).build());
        Scheduling scheduling = new Scheduling();
        scheduling.setNodeSelector(Map.of("pool", "highmem"));
        scheduling.setQueueName("batch");
        spec.setScheduling(scheduling);
        spec.setBackoffLimit(0);
        spec.setActiveDeadlineSeconds(3600L);
        spec.setTtlSecondsAfterFinished(600);
        io.syncabel.api.v1alpha1.KnowledgeBase kb = named(new io.syncabel.api.v1alpha1.KnowledgeBase(), "umls", 2);
        kb.setSpec(spec);
        Job job = KnowledgeBaseJob.desired(SETTINGS, kb, StageRun.of(SETTINGS, kb, Map.of(), List.of()));

        assertThat(job.getMetadata().getName()).matches("umls-kb-[0-9a-f]{12}-[0-9a-f]{5}");
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.KUEUE_QUEUE, "batch");
        assertThat(job.getSpec().getSuspend()).as("Kueue admits it").isTrue();
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(job.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("pool", "highmem");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests())
                .containsEntry("memory", new Quantity("8Gi"));

        kb.setSpec(new io.syncabel.api.v1alpha1.KnowledgeBaseSpec());
        Job defaults = KnowledgeBaseJob.desired(SETTINGS, kb, StageRun.of(SETTINGS, kb, Map.of(), List.of()));
        assertThat(defaults.getSpec().getBackoffLimit()).isEqualTo(StageJobs.DEFAULT_BACKOFF_LIMIT);
        assertThat(defaults.getSpec().getTtlSecondsAfterFinished()).isEqualTo(StageJobs.DEFAULT_TTL_SECONDS);
        assertThat(defaults.getSpec().getSuspend()).isFalse();
    }

    @Test
    void aTrainingJobFollowsThePodContract() {
        TrainingRun tr = gpuTrainingRun();
        StageRun run = StageRun.of(SETTINGS, tr, Map.of("SYNCABEL_INPUT_KNOWLEDGE_BASE", "s3://syncabel/team/knowledgebases/kb/1/"), List.of());
        Job job = TrainingRunJob.desired(SETTINGS, tr, run);

        assertThat(run.outputUri()).matches("s3://syncabel/team/trainingruns/model/[0-9a-f]{12}/");
        assertThat(job.getMetadata().getName()).isEqualTo("model-train-" + run.jobKey()).matches("model-train-[0-9a-f]{12}-[0-9a-f]{5}");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("TrainingRun"));
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.KIND, "TrainingRun").containsEntry(Labels.NAME, "model")
                .containsEntry(Labels.GENERATION, "3").containsEntry("app.kubernetes.io/managed-by", "syncabel-operator")
                .containsEntry(Labels.KUEUE_QUEUE, "gpu-queue");
        assertThat(job.getSpec().getSuspend()).as("Kueue admits it").isTrue();
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(7200L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(StageJobs.DEFAULT_TTL_SECONDS);
        assertThat(job.getSpec().getPodFailurePolicy().getRules().get(0).getOnExitCodes().getValues()).containsExactly(2);

        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations()).hasSize(1);
        assertThat(pod.getPriorityClassName()).isEqualTo("training");
        var container = pod.getContainers().get(0);
        assertThat(container.getArgs()).containsExactly("train");
        assertThat(container.getImage()).isEqualTo(SETTINGS.runtimeImage());
        assertThat(container.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Labels.NAME, "model");

        Map<String, EnvVar> env = env(job);
        assertThat(env.get("SYNCABEL_OUTPUT_URI").getValue()).isEqualTo(run.outputUri());
        assertThat(env.get("SYNCABEL_INPUT_KNOWLEDGE_BASE").getValue()).isEqualTo("s3://syncabel/team/knowledgebases/kb/1/");
        assertThat(env.get("SYNCABEL_S3_ENDPOINT").getValue()).isEqualTo("http://minio.syncabel.svc:9000");
        assertThat(env.get("SYNCABEL_S3_PATH_STYLE").getValue()).isEqualTo("true");
        assertThat(env.get("AWS_ACCESS_KEY_ID").getValue()).as("never inlined").isNull();
        assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName()).isEqualTo("syncabel-store");
        assertThat(env.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("AWS_SECRET_ACCESS_KEY");
        assertThat(env.get("SYNCABEL_RESOURCE").getValue()).contains("\"kind\":\"TrainingRun\"", "\"generation\":3", "\"queueName\":\"gpu-queue\"");
    }

    @Test
    void clusterDefaultsGiveGpuPodsTheCudaImageAndPlacementButNeverOverrideTheSpec() {
        OperatorSettings settings = SETTINGS.withPodDefaults(new PodDefaults(Optional.of("default-queue"),
                Optional.of("ghcr.io/syncabel/runtime:0.1.0-cuda"), Map.of("gpu", "yes"),
                List.of(new TolerationBuilder().withKey("gpu").withOperator("Exists").build())));
        TrainingRun bare = gpuTrainingRun();
        bare.getSpec().setScheduling(null);
        StageRun run = StageRun.of(settings, bare, Map.of(), List.of());
        Job job = TrainingRunJob.desired(settings, bare, run);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("ghcr.io/syncabel/runtime:0.1.0-cuda");
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("gpu", "yes"));
        assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("gpu");
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.KUEUE_QUEUE, "default-queue");
        assertThat(job.getSpec().getSuspend()).isTrue();

        TrainingRun own = gpuTrainingRun();
        var ownPod = TrainingRunJob.desired(settings, own, StageRun.of(settings, own, Map.of(), List.of())).getSpec().getTemplate().getSpec();
        assertThat(ownPod.getNodeSelector()).containsExactly(Map.entry("nvidia.com/gpu.present", "true"));
        assertThat(ownPod.getTolerations()).extracting(t -> t.getKey()).containsExactly("nvidia.com/gpu");
        assertThat(TrainingRunJob.desired(settings, own, StageRun.of(settings, own, Map.of(), List.of())).getMetadata().getLabels())
                .containsEntry(Labels.KUEUE_QUEUE, "gpu-queue");

        TrainingRun cpu = gpuTrainingRun();
        cpu.getSpec().setResources(null);
        cpu.getSpec().setScheduling(null);
        var cpuPod = TrainingRunJob.desired(settings, cpu, StageRun.of(settings, cpu, Map.of(), List.of())).getSpec().getTemplate().getSpec();
        assertThat(cpuPod.getContainers().get(0).getImage()).isEqualTo(SETTINGS.runtimeImage());
        assertThat(cpuPod.getNodeSelector()).isNullOrEmpty();
    }

    @Test
    void theSameInputsGiveTheSameRunAndNewInputsANewOne() {
        TrainingRun tr = gpuTrainingRun();
        var a = StageRun.of(SETTINGS, tr, Map.of(), List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/1/", null)));
        var b = StageRun.of(SETTINGS, tr, Map.of(), List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/1/", null)));
        var c = StageRun.of(SETTINGS, tr, Map.of(), List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/2/", null)));
        assertThat(a.runKey()).isEqualTo(b.runKey()).isNotEqualTo(c.runKey());
    }

    @Test
    void aSyntheticDatasetIsAnIndexedJobWithTheLlmKeyFromItsSecret() {
        SyntheticDatasetSpec spec = new SyntheticDatasetSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef("kb"));
        var generator = new SyntheticDatasetSpec.Generator();
        generator.setType(SyntheticDatasetSpec.GeneratorType.LLM);
        LlmEndpoint llm = new LlmEndpoint();
        llm.setEndpoint("http://vllm:8000/v1");
        llm.setModel("m");
        llm.setApiKeySecretRef(new SecretKeySelector("api-key", "llm-secret", false));
        generator.setLlm(llm);
        spec.setGenerator(generator);
        spec.setShards(8);
        spec.setParallelism(2);
        SyntheticDataset sd = named(new SyntheticDataset(), "synth", 1);
        sd.setSpec(spec);
        Job job = SyntheticDatasetJob.desired(SETTINGS, sd, StageRun.of(SETTINGS, sd, Map.of("SYNCABEL_INPUT_KNOWLEDGE_BASE", "s3://x/"), List.of()));
        assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(job.getSpec().getCompletions()).isEqualTo(8);
        assertThat(job.getSpec().getParallelism()).isEqualTo(2);
        assertThat(job.getSpec().getBackoffLimitPerIndex()).isEqualTo(2);
        assertThat(job.getSpec().getBackoffLimit()).isNull();
        assertThat(job.getSpec().getSuspend()).isFalse();
        assertThat(job.getMetadata().getLabels()).doesNotContainKey(Labels.KUEUE_QUEUE);
        var env = env(job);
        assertThat(env.get("SYNCABEL_SHARDS").getValue()).isEqualTo("8");
        assertThat(env.get("SYNCABEL_LLM_API_KEY").getValue()).isNull();
        assertThat(env.get("SYNCABEL_LLM_API_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-secret");
        assertThat(env.get("SYNCABEL_LLM_API_KEY").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly("synth", "generate");
    }

    @Test
    void aLinkerIsADeploymentReadyOnHealthReadyWithRecreateRollout() {
        LinkerDeploymentSpec spec = new LinkerDeploymentSpec();
        spec.setModelUri("s3://models/m/");
        spec.setRollout(LinkerDeploymentSpec.Rollout.RECREATE);
        spec.setReplicas(2);
        LinkerDeployment ld = named(new LinkerDeployment(), "linker", 1);
        ld.setSpec(spec);
        var run = new StageRun("1", null, Map.of("SYNCABEL_INPUT_MODEL", "s3://models/m/"), List.of());
        var deployment = LinkerServerDeployment.desired(SETTINGS, ld, run);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs()).containsExactly("serve");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        // liveness asks the endpoint that answers while the model loads, on the same named port
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getLivenessProbe().getInitialDelaySeconds() + container.getLivenessProbe().getPeriodSeconds()
                * container.getLivenessProbe().getFailureThreshold()).as("a JVM gets a minute to open its port").isGreaterThanOrEqualTo(60);
        assertThat(container.getEnv()).extracting(EnvVar::getName).contains("SYNCABEL_INPUT_MODEL", "SYNCABEL_RESOURCE")
                .doesNotContain("SYNCABEL_OUTPUT_URI");
        var service = LinkerService.desired(ld);
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(LinkerService.url(ld)).isEqualTo("http://linker-linker.team.svc:8080");

        var autoscaling = new LinkerDeploymentSpec.Autoscaling();
        autoscaling.setMaxReplicas(4);
        spec.setAutoscaling(autoscaling);
        assertThat(LinkerServerDeployment.desired(SETTINGS, ld, run).getSpec().getReplicas()).as("the HPA owns it").isNull();
        assertThat(LinkerAutoscaler.desired(ld).getSpec().getMaxReplicas()).isEqualTo(4);
    }

    @Test
    void aLinkerReadsTheStoreWithTheReadOnlyCredentialsWhileStageJobsKeepTheWritingOnes() {
        LinkerDeploymentSpec spec = new LinkerDeploymentSpec();
        spec.setModelUri("s3://models/m/");
        LinkerDeployment ld = named(new LinkerDeployment(), "linker", 1);
        ld.setSpec(spec);
        var run = new StageRun("1", null, Map.of("SYNCABEL_INPUT_MODEL", "s3://models/m/"), List.of());
        OperatorSettings settings = SETTINGS.withStoreReaderSecret("syncabel-store-reader");

        var linkerEnv = LinkerServerDeployment.desired(settings, ld, run).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(linkerEnv.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName()).isEqualTo("syncabel-store-reader");
        assertThat(linkerEnv.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("syncabel-store-reader");
        assertThat(linkerEnv.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getKey()).isEqualTo(SETTINGS.store().secretKeyKey());

        TrainingRun tr = gpuTrainingRun();
        Job training = TrainingRunJob.desired(settings, tr, StageRun.of(settings, tr, Map.of(), List.of()));
        assertThat(env(training).get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName()).as("a stage writes its output")
                .isEqualTo("syncabel-store");

        // an install without a reader Secret gives linkers the one store Secret it has
        var fallback = LinkerServerDeployment.desired(SETTINGS, ld, run).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(fallback).filteredOn(e -> e.getName().equals("AWS_ACCESS_KEY_ID")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("syncabel-store"));
    }

    @Test
    void editingReplicasAutoscalingOrServiceLeavesTheLinkerPodTemplateAsItIs() {
        LinkerDeployment ld = named(new LinkerDeployment(), "linker", 1);
        ld.setSpec(new LinkerDeploymentSpec());
        ld.getSpec().setModelUri("s3://models/m/");
        StageRun run = new StageRun("1", null, Map.of("SYNCABEL_INPUT_MODEL", "s3://models/m/"), List.of());
        var before = LinkerServerDeployment.desired(SETTINGS, ld, run).getSpec().getTemplate();

        ld.getMetadata().setGeneration(4L);
        ld.getSpec().setReplicas(3);
        var autoscaling = new LinkerDeploymentSpec.Autoscaling();
        autoscaling.setMaxReplicas(5);
        ld.getSpec().setAutoscaling(autoscaling);
        var service = new LinkerDeploymentSpec.ServiceSpec();
        service.setType(LinkerDeploymentSpec.ServiceType.LOAD_BALANCER);
        ld.getSpec().setService(service);
        ld.getSpec().setRollout(LinkerDeploymentSpec.Rollout.RECREATE);
        var after = LinkerServerDeployment.desired(SETTINGS, ld, new StageRun("4", null, run.inputEnv(), List.of()));
        assertThat(after.getSpec().getTemplate()).isEqualTo(before);
        assertThat(after.getMetadata().getLabels()).containsEntry(Labels.GENERATION, "4");

        var decoding = new LinkerDeploymentSpec.Decoding();
        decoding.setBeams(3);
        ld.getSpec().setDecoding(decoding);
        assertThat(LinkerServerDeployment.desired(SETTINGS, ld, run).getSpec().getTemplate()).as("decoding reaches the pods")
                .isNotEqualTo(before);
    }

    @Test
    void namesTooLongForALabelValueAreHashTruncated() {
        String name = "a-very-long-knowledge-base-name-that-goes-on-and-on-well-past-sixty-three-characters";
        io.syncabel.api.v1alpha1.KnowledgeBase kb = named(new io.syncabel.api.v1alpha1.KnowledgeBase(), name, 1);
        kb.setSpec(new io.syncabel.api.v1alpha1.KnowledgeBaseSpec());
        Job job = KnowledgeBaseJob.desired(SETTINGS, kb, StageRun.of(SETTINGS, kb, Map.of(), List.of()));
        String labelValue = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
        for (var labels : List.of(job.getMetadata().getLabels(), job.getSpec().getTemplate().getMetadata().getLabels())) {
            assertThat(labels.values()).allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63).matches(labelValue));
        }
        assertThat(job.getMetadata().getLabels().get(Labels.NAME)).isEqualTo(Labels.value(name)).startsWith("a-very-long-knowledge")
                .isNotEqualTo(Labels.value(name.replace("on-and-on", "on-and-of")));
        assertThat(Labels.value("kb")).isEqualTo("kb");
        assertThat(job.getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void aPretrainedCheckpointReachesTrainAsItsFlags() {
        TrainingRun tr = gpuTrainingRun();
        StageRun run = StageRun.of(SETTINGS, tr, Map.of(), List.of());
        assertThat(TrainingRunJob.desired(SETTINGS, tr, run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("train");

        TrainingRunSpec.ModelSpec model = new TrainingRunSpec.ModelSpec();
        model.setPretrained(new TrainingRunSpec.Pretrained("s3://models/minilm/", null));
        tr.getSpec().setModel(model);
        assertThat(TrainingRunJob.desired(SETTINGS, tr, run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("train", "--pretrained", "s3://models/minilm/");

        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        model.setPretrained(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest));
        Job job = TrainingRunJob.desired(SETTINGS, tr, run);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("train", "--pretrained", "s3://models/minilm/", "--pretrained-digest", digest);
        assertThat(env(job).get("SYNCABEL_RESOURCE").getValue()).as("the runtime sees the same spec")
                .contains("\"pretrained\":{\"uri\":\"s3://models/minilm/\",\"digest\":\"" + digest + "\"}");

        // a BART generator and a BERT-family encoder for the dense retriever, in one run
        model.setPretrained(new TrainingRunSpec.Pretrained("s3://models/biobart/", null));
        model.setDensePretrained(new TrainingRunSpec.Pretrained("s3://models/sapbert/", digest));
        assertThat(TrainingRunJob.desired(SETTINGS, tr, run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("train", "--pretrained", "s3://models/biobart/", "--dense-pretrained", "s3://models/sapbert/",
                        "--dense-pretrained-digest", digest);

        // spec.model.dense: false trains no dense retriever, not even from the image's default encoder; true is the default
        TrainingRunSpec.ModelSpec noDense = new TrainingRunSpec.ModelSpec();
        noDense.setDense(false);
        tr.getSpec().setModel(noDense);
        assertThat(TrainingRunJob.desired(SETTINGS, tr, run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("train", "--no-dense");
        noDense.setDense(true);
        assertThat(TrainingRunJob.desired(SETTINGS, tr, run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("train");
    }

    @Test
    void everyRuntimeContainerSizesItsThreadsAndHeapFromItsLimits() {
        TrainingRun tr = gpuTrainingRun();
        tr.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("nvidia.com/gpu", new Quantity("1"))
                .addToLimits("cpu", new Quantity("2500m")).addToRequests("cpu", new Quantity("1")).build());
        Map<String, EnvVar> env = env(TrainingRunJob.desired(SETTINGS, tr, StageRun.of(SETTINGS, tr, Map.of(), List.of())));
        var cpus = env.get("SYNCABEL_CPU_LIMIT").getValueFrom().getResourceFieldRef();
        assertThat(cpus.getResource()).isEqualTo("limits.cpu");
        assertThat(cpus.getDivisor()).as("whole CPUs, rounded up by the kubelet").isEqualTo(new Quantity("1"));
        assertThat(cpus.getContainerName()).isEqualTo(RuntimePod.CONTAINER);
        assertThat(env.get("OMP_WAIT_POLICY").getValue()).isEqualTo("PASSIVE");
        assertThat(env.get("JDK_JAVA_OPTIONS").getValue()).contains("-Djava.io.tmpdir=/tmp", "-XX:MaxRAMPercentage=50");
        assertThat(env.get("SYNCABEL_REQUIRE_GPU").getValue()).isEqualTo("true");

        tr.getSpec().setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("4")).build());
        env = env(TrainingRunJob.desired(SETTINGS, tr, StageRun.of(SETTINGS, tr, Map.of(), List.of())));
        assertThat(env.get("SYNCABEL_CPU_LIMIT").getValueFrom().getResourceFieldRef().getResource())
                .as("no limit: the request, not the node's CPUs").isEqualTo("requests.cpu");
        assertThat(env).as("a CPU pod may run on the CPU").doesNotContainKey("SYNCABEL_REQUIRE_GPU");

        tr.getSpec().setResources(null);
        env = env(TrainingRunJob.desired(SETTINGS, tr, StageRun.of(SETTINGS, tr, Map.of(), List.of())));
        assertThat(env.get("SYNCABEL_CPU_LIMIT").getValueFrom().getResourceFieldRef().getResource()).isEqualTo("limits.cpu");
        assertThat(env).doesNotContainKey("SYNCABEL_REQUIRE_GPU");

        for (String gpu : List.of("nvidia.com/mig-1g.10gb", "nvidia.com/gpu.shared", "amd.com/gpu")) {
            tr.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits(gpu, new Quantity("1")).build());
            env = env(TrainingRunJob.desired(SETTINGS, tr, StageRun.of(SETTINGS, tr, Map.of(), List.of())));
            assertThat(env.get("SYNCABEL_REQUIRE_GPU").getValue()).as(gpu).isEqualTo("true");
        }

        LinkerDeploymentSpec spec = new LinkerDeploymentSpec();
        spec.setModelUri("s3://models/m/");
        spec.setResources(new ResourceRequirementsBuilder().addToLimits("nvidia.com/gpu", new Quantity("1")).build());
        LinkerDeployment ld = named(new LinkerDeployment(), "linker", 1);
        ld.setSpec(spec);
        var linker = LinkerServerDeployment.desired(SETTINGS, ld, new StageRun("1", null, Map.of("SYNCABEL_INPUT_MODEL", "s3://models/m/"), List.of()))
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(linker.getEnv()).filteredOn(e -> e.getName().equals("SYNCABEL_REQUIRE_GPU")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("true"));
        assertThat(linker.getEnv()).extracting(EnvVar::getName).contains("SYNCABEL_CPU_LIMIT", "OMP_WAIT_POLICY");
    }

    @Test
    void migSlicesAndSharedGpusAreGpus() {
        for (String gpu : List.of("nvidia.com/gpu", "amd.com/gpu", "nvidia.com/mig-1g.10gb", "nvidia.com/mig-3g.40gb", "nvidia.com/gpu.shared")) {
            assertThat(PodDefaults.wantsGpu(new ResourceRequirementsBuilder().addToLimits(gpu, new Quantity("1")).build())).as(gpu).isTrue();
        }
        assertThat(PodDefaults.wantsGpu(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("8Gi"))
                .addToRequests("cpu", new Quantity("2")).build())).isFalse();
        OperatorSettings settings = SETTINGS.withPodDefaults(new PodDefaults(Optional.empty(), Optional.of("runtime:cuda"), Map.of(), List.of()));
        assertThat(settings.imageFor(new ResourceRequirementsBuilder().addToLimits("nvidia.com/mig-1g.10gb", new Quantity("1")).build()))
                .isEqualTo("runtime:cuda");
    }

    @Test
    void longNamesAreShortenedDeterministically() {
        String name = "a".repeat(60);
        String child = Names.child(name, "train-12-0123abcd");
        assertThat(child).hasSizeLessThanOrEqualTo(63).endsWith("-train-12-0123abcd").isEqualTo(Names.child(name, "train-12-0123abcd"));
        assertThat(Optional.of(Names.child("kb", "kb-1"))).contains("kb-kb-1");
    }

    @Test
    void aPrivateStoreCaIsMountedFromItsSecret() {
        OperatorSettings withCa = new OperatorSettings(OperatorSettings.Store.s3("s3://syncabel/", Optional.of("https://minio:9000"),
                Optional.empty(), Optional.empty(), Optional.empty(), "a", "b").withCaSecret("minio-ca"), "img", "Always",
                Optional.of("syncabel-runner"));
        TrainingRun tr = gpuTrainingRun();
        Job job = TrainingRunJob.desired(withCa, tr, StageRun.of(withCa, tr, Map.of(), List.of()));
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(env(job).get("SYNCABEL_S3_CA_FILE").getValue()).isEqualTo("/etc/syncabel/store-ca/ca.crt");
        assertThat(env(job)).doesNotContainKey("AWS_ACCESS_KEY_ID");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("minio-ca"));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> m.getName().equals(RuntimePod.STORE_CA_VOLUME))
                .singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/etc/syncabel/store-ca"));
        assertThat(pod.getServiceAccountName()).isEqualTo("syncabel-runner");
        assertThat(env(job).get("SYNCABEL_OUTPUT_URI").getValue()).matches("s3://syncabel/team/trainingruns/model/[0-9a-f]{12}/");
    }
}
