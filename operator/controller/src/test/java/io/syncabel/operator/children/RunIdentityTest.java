package io.syncabel.operator.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.api.v1alpha1.common.Scheduling;
import io.syncabel.operator.OperatorSettings;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a run key is made of: the result-affecting spec, the input digests, the UID and the rerun value. */
class RunIdentityTest {
    static final OperatorSettings SETTINGS = OperatorSettings.defaults();
    static final List<ArtifactInput> INPUTS = List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/a1/", "sha256:aa"));

    static TrainingRun training(Consumer<TrainingRunSpec> edit) {
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef("kb"));
        TrainingRunSpec.Hyperparameters hp = new TrainingRunSpec.Hyperparameters();
        hp.setEpochs(10);
        spec.setHyperparameters(hp);
        edit.accept(spec);
        TrainingRun tr = new TrainingRun();
        tr.setSpec(spec);
        tr.setMetadata(new ObjectMetaBuilder().withName("model").withNamespace("team").withUid("uid-1").withGeneration(1L).build());
        return tr;
    }

    static StageRun run(TrainingRun tr, List<ArtifactInput> inputs) {
        return StageRun.of(SETTINGS, tr, Map.of("SYNCABEL_INPUT_KNOWLEDGE_BASE", inputs.get(0).getUri()), inputs);
    }

    @Test
    void executionOnlyEditsKeepTheRunAndItsPrefixButGiveANewJob() {
        StageRun before = run(training(s -> { }), INPUTS);
        StageRun after = run(training(s -> {
            s.setResources(new ResourceRequirementsBuilder().addToLimits("nvidia.com/gpu", new Quantity("2")).build());
            s.setActiveDeadlineSeconds(7200L);
            s.setBackoffLimit(5);
            Scheduling scheduling = new Scheduling();
            scheduling.setNodeSelector(Map.of("pool", "a100"));
            scheduling.setPriorityClassName("high");
            scheduling.setQueueName("gpu");
            s.setScheduling(scheduling);
        }), INPUTS);
        assertThat(after.runKey()).isEqualTo(before.runKey());
        assertThat(after.outputUri()).isEqualTo(before.outputUri()).isEqualTo("s3://syncabel/team/trainingruns/model/" + before.runKey() + "/");
        assertThat(after.jobKey()).as("a new Job for the new execution settings").isNotEqualTo(before.jobKey())
                .startsWith(before.runKey() + "-");

        StageRun inPlace = run(training(s -> {
            s.setSuspend(true);
            s.setArtifactPolicy(ArtifactPolicy.DELETE);
            s.setTtlSecondsAfterFinished(60);
        }), INPUTS);
        assertThat(inPlace.jobKey()).as("suspend, artifactPolicy and ttl change the live Job or nothing").isEqualTo(before.jobKey());
    }

    @Test
    void aResultAffectingEditTheUidOrTheRerunValueIsANewRun() {
        StageRun base = run(training(s -> { }), INPUTS);
        StageRun moreEpochs = run(training(s -> s.getHyperparameters().setEpochs(11)), INPUTS);
        TrainingRun recreated = training(s -> { });
        recreated.getMetadata().setUid("uid-2");
        TrainingRun rerun = training(s -> { });
        rerun.getMetadata().setAnnotations(Map.of(StageRun.RERUN_ANNOTATION, "1"));
        assertThat(List.of(base.runKey(), moreEpochs.runKey(), run(recreated, INPUTS).runKey(), run(rerun, INPUTS).runKey()))
                .doesNotHaveDuplicates();
        TrainingRun laterGeneration = training(s -> { });
        laterGeneration.getMetadata().setGeneration(7L);
        assertThat(run(laterGeneration, INPUTS).runKey()).as("the generation alone is no new run").isEqualTo(base.runKey());
    }

    @Test
    void inputDigestsNotUrisKeyTheRun() {
        StageRun base = run(training(s -> { }), INPUTS);
        StageRun sameContentElsewhere = run(training(s -> { }),
                List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/b2/", "sha256:aa")));
        StageRun otherContent = run(training(s -> { }), List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/a1/", "sha256:bb")));
        assertThat(sameContentElsewhere.runKey()).isEqualTo(base.runKey());
        assertThat(otherContent.runKey()).isNotEqualTo(base.runKey());
        StageRun noDigest = run(training(s -> { }), List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/a1/", null)));
        StageRun noDigestElsewhere = run(training(s -> { }), List.of(new ArtifactInput("KnowledgeBase", "kb", "s3://b/kb/b2/", null)));
        assertThat(noDigest.runKey()).as("without a digest the URI counts").isNotEqualTo(noDigestElsewhere.runKey());
    }

    @Test
    void theLlmCredentialsAndPacingOfADatasetAreExecutionOnlyItsModelIsNot() {
        Consumer<LlmEndpoint> base = llm -> {
            llm.setEndpoint("https://llm.example/v1");
            llm.setModel("m1");
        };
        StageRun a = dataset(base);
        StageRun b = dataset(base.andThen(llm -> {
            llm.setApiKeySecretRef(new SecretKeySelector("key", "llm-key", false));
            llm.setConcurrency(16);
            llm.setRetries(9);
        }));
        StageRun c = dataset(base.andThen(llm -> llm.setModel("m2")));
        assertThat(b.runKey()).isEqualTo(a.runKey());
        assertThat(c.runKey()).isNotEqualTo(a.runKey());
    }

    static StageRun dataset(Consumer<LlmEndpoint> llm) {
        SyntheticDatasetSpec spec = new SyntheticDatasetSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef("kb"));
        SyntheticDatasetSpec.Generator generator = new SyntheticDatasetSpec.Generator();
        LlmEndpoint endpoint = new LlmEndpoint();
        llm.accept(endpoint);
        generator.setLlm(endpoint);
        spec.setGenerator(generator);
        spec.setShards(4);
        SyntheticDataset sd = new SyntheticDataset();
        sd.setSpec(spec);
        sd.setMetadata(new ObjectMetaBuilder().withName("sd").withNamespace("team").withUid("uid-sd").withGeneration(1L).build());
        return StageRun.of(SETTINGS, sd, Map.of(), INPUTS);
    }
}
