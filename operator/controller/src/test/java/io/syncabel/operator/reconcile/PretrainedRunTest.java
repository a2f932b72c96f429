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
    static String runKey(TrainingRun tr) {
        return StageRun.of(io.syncabel.operator.OperatorSettings.defaults(), tr,
                Map.of("SYNCABEL_INPUT_KNOWLEDGE_BASE", "s3://syncabel/team/knowledgebases/kb/1/"), List.of()).runKey();
    }

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
        String none = runKey(trainingRun(null));
        String minilm = runKey(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", null)));
        String pinned = runKey(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest)));
        String repinned = runKey(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/",
                "sha256:" + "cd".repeat(32))));
        String sapbert = runKey(trainingRun(new TrainingRunSpec.Pretrained("s3://models/sapbert/", digest)));
        TrainingRun withDense = trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest));
        withDense.getSpec().getModel().setDensePretrained(new TrainingRunSpec.Pretrained("s3://models/sapbert/", null));
        String dense = runKey(withDense);
        assertThat(List.of(none, minilm, pinned, repinned, sapbert, dense)).doesNotHaveDuplicates();

        assertThat(runKey(trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest))))
                .as("the same checkpoint: the same run, so an operator restart finds its Job").isEqualTo(pinned);
        TrainingRun suspended = trainingRun(new TrainingRunSpec.Pretrained("s3://models/minilm/", digest));
        suspended.getSpec().setSuspend(true);
        assertThat(runKey(suspended)).as("suspend is not part of the run").isEqualTo(pinned);
    }
}
