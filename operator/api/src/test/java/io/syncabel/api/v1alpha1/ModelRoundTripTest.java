package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** manifest -> object -> YAML -> object gives an equal object, status included, for every kind. */
class ModelRoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = {"01-knowledgebase.yaml", "02-syntheticdataset.yaml", "03-trainingrun.yaml",
        "04-linkerdeployment.yaml", "05-evaluation.yaml"})
    void specAndStatusSurviveYaml(String file) throws Exception {
        Path path = CrdFiles.repoRoot().resolve("examples/quickstart").resolve(file);
        HasMetadata resource = Serialization.unmarshal(java.nio.file.Files.readString(path));
        StageStatus status = statusOf(resource);
        status.setObservedGeneration(3L);
        status.setOutputUri("s3://syncabel/default/x/3/");
        status.setInputs(List.of(new ArtifactInput("KnowledgeBase", "medic", "s3://syncabel/default/kb/1/", "sha256:ab")));
        status.getConditions().add(new ConditionBuilder().withType(Conditions.READY).withStatus("True")
                .withReason(Conditions.REASON_SUCCEEDED).withMessage("done").withObservedGeneration(3L)
                .withLastTransitionTime("2026-11-27T10:00:00Z").build());

        String yaml = Serialization.asYaml(resource);
        HasMetadata back = Serialization.unmarshal(yaml, resource.getClass());

        assertThat(back).isEqualTo(resource);
        assertThat(statusOf(back).getConditions().get(0).getReason()).isEqualTo("Succeeded");
        assertThat(yaml).doesNotContain("null");
    }

    private static StageStatus statusOf(HasMetadata resource) throws Exception {
        var cr = (io.fabric8.kubernetes.client.CustomResource<?, ?>) resource;
        if (cr.getStatus() == null) {
            var statusType = (Class<?>) ((java.lang.reflect.ParameterizedType) cr.getClass().getGenericSuperclass())
                    .getActualTypeArguments()[1];
            var setter = io.fabric8.kubernetes.client.CustomResource.class.getMethod("setStatus", Object.class);
            setter.invoke(cr, statusType.getDeclaredConstructor().newInstance());
        }
        return (StageStatus) cr.getStatus();
    }
}
