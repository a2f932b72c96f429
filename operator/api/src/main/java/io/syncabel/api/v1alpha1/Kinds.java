package io.syncabel.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Optional;

/**
 * The five kinds in pipeline order. fabric8's Serialization also knows them (META-INF/services), so
 * `Serialization.unmarshal(yaml)` returns typed objects.
 */
public final class Kinds {
    public static final List<Class<? extends CustomResource<?, ?>>> ALL = List.of(
            KnowledgeBase.class, SyntheticDataset.class, TrainingRun.class, LinkerDeployment.class, Evaluation.class);

    private Kinds() {
    }

    public static Optional<Class<? extends CustomResource<?, ?>>> byKind(String kind) {
        return ALL.stream().filter(k -> io.fabric8.kubernetes.api.model.HasMetadata.getKind(k).equals(kind)).findFirst();
    }
}
