package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.operator.children.StageRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pretrained checkpoint decides the result: another uri or digest is another run, as any input is. */
class PretrainedRunTest {
    static final StageRun RUN = new StageRun("1", "s3://syncabel/team/trainingruns/model/1/",
            Map.of("SYNCABEL_INPUT_KNOWLEDGE_BASE", "s3://syncabel/team/knowledgebases/kb/1/"), List.of());

    static TrainingRun trainingRun(TrainingRunSpec.Pretrained pretrained) {
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef("kb"));
        TrainingRunSpec.ModelSpec model = new TrainingRunSpec.ModelSpec();
        model.setPretrained(pretrained);
        spec.setModel(model);
        TrainingRun tr = new TrainingRun();
        tr.setSpec(spec);
        tr.setMetadata(new ObjectMetaBuilder().withName("model").withNamespace("team").withGeneration(1L).build());
        return tr;
    }

    @Test
    void anotherCheckpointOrDigestIsAnotherRun() {
        String digest = "sha256:" + "ab".repeat(32);
        String none = JobStageReconciler.runSpecHash(trainingRun(null), RUN);
        String minilm = JobStageReconciler.runSpecHash(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", null)), RUN);
        String pinned = JobStageReconciler.runSpecHash(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest)), RUN);
        String repinned = JobStageReconciler.runSpecHash(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/",
                "sha256:" + "cd".repeat(32))), RUN);
        String sapbert = JobStageReconciler.runSpecHash(trainingRun(new TrainingRunSpec.Pretrained("s3://models/sapbert/", digest)), RUN);
        assertThat(List.of(none, minilm, pinned, repinned, sapbert)).doesNotHaveDuplicates();

        assertThat(JobStageReconciler.runSpecHash(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest)), RUN))
                .as("the same checkpoint: the same run, so an operator restart finds its Job").isEqualTo(pinned);
        TrainingRun suspended = trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest));
        suspended.getSpec().setSuspend(true);
        assertThat(JobStageReconciler.runSpecHash(suspended, RUN)).as("suspend is not part of the run").isEqualTo(pinned);
    }
}
