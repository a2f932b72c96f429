package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.syncabel.operator.children.StageRun;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a primary trigger a reconcile: a new generation (spec change), the pause
 * and rerun annotations, finalizers or deletion. Status-only updates (mostly our own writes) do not. Used in
 * place of JOSDK's generation-aware filtering, which would ignore the pause annotation.
 */
public class SpecOrControlChanged implements OnUpdateFilter<HasMetadata> {
    @Override
    public boolean accept(HasMetadata updated, HasMetadata old) {
        var now = updated.getMetadata();
        var before = old.getMetadata();
        return !Objects.equals(now.getGeneration(), before.getGeneration())
                || StageReconciler.isPaused(updated) != StageReconciler.isPaused(old)
                || !Objects.equals(StageRun.rerun(updated), StageRun.rerun(old))
                || !Objects.equals(now.getFinalizers(), before.getFinalizers())
                || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp());
    }
}
