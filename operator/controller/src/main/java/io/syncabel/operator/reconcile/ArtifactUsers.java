package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Who still uses a resource's artifacts: the resources of its namespace whose spec references it
 * (a LinkerDeployment or an Evaluation naming a TrainingRun, a TrainingRun naming its datasets, ...)
 * or, for a LinkerDeployment, whose {@code modelUri} lies under its prefix. Deleting those artifacts
 * would break a server or a rerun, so the operator refuses while this list is not empty (as
 * Kubernetes keeps a PersistentVolumeClaim a pod still mounts).
 */
final class ArtifactUsers {
    private ArtifactUsers() {
    }

    /**
     * @param prefix everything the resource wrote ({@code StageRun.prefix})
     * @return {@code Kind/name} of each user, sorted; empty when none
     */
    static List<String> of(KubernetesClient client, HasMetadata resource, String prefix) {
        String name = resource.getMetadata().getName();
        String ns = resource.getMetadata().getNamespace();
        List<String> users = new ArrayList<>();
        if (resource instanceof KnowledgeBase) {
            users.addAll(naming(client, ns, SyntheticDataset.class, sd -> Stream.of(sd.getSpec().getKnowledgeBaseRef()), name));
            users.addAll(naming(client, ns, TrainingRun.class, tr -> Stream.of(tr.getSpec().getKnowledgeBaseRef()), name));
        } else if (resource instanceof SyntheticDataset) {
            users.addAll(naming(client, ns, TrainingRun.class,
                    tr -> Optional.ofNullable(tr.getSpec().getSyntheticDatasetRefs()).orElse(List.of()).stream(), name));
        } else if (resource instanceof TrainingRun) {
            users.addAll(naming(client, ns, LinkerDeployment.class, ld -> Stream.of(ld.getSpec().getTrainingRunRef()), name));
            users.addAll(naming(client, ns, Evaluation.class, ev -> Stream.of(ev.getSpec().getTrainingRunRef()), name));
            // a linker given the model by URI instead of by reference serves it all the same
            client.resources(LinkerDeployment.class).inNamespace(ns).list().getItems().stream()
                    .filter(ld -> ld.getSpec() != null && ld.getSpec().getModelUri() != null && ld.getSpec().getModelUri().startsWith(prefix))
                    .map(ArtifactUsers::describe)
                    .filter(u -> !users.contains(u))
                    .forEach(users::add);
        }
        return users.stream().sorted().toList();
    }

    private static <R extends CustomResource<?, ?>> List<String> naming(KubernetesClient client, String namespace, Class<R> kind,
            Function<R, Stream<LocalObjectRef>> references, String name) {
        return client.resources(kind).inNamespace(namespace).list().getItems().stream()
                .filter(r -> r.getSpec() != null)
                .filter(r -> references.apply(r).filter(Objects::nonNull).anyMatch(ref -> name.equals(ref.getName())))
                .map(ArtifactUsers::describe)
                .toList();
    }

    private static String describe(HasMetadata user) {
        return user.getKind() + "/" + user.getMetadata().getName();
    }
}
