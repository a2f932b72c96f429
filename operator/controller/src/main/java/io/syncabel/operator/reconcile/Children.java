package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.syncabel.operator.children.Names;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Create-or-update for long-lived children (Deployment, Service, HPA) without server-side apply:
 * the desired object carries a hash of itself, and an update (a replace) happens only when that hash
 * changes, so the operator neither fights other controllers nor writes on every reconcile.
 */
final class Children {
    static final String HASH = "syncabel.io/desired-hash";
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    private Children() {
    }

    /**
     * @param keep copies from the live object what others own (the HPA's replica count, a Service's clusterIP)
     */
    static <P extends HasMetadata, R extends HasMetadata> R apply(Context<P> context, R desired, R existing, BiConsumer<R, R> keep) {
        String hash = Names.sha256Hex(JSON.asJson(desired)).substring(0, 16);
        if (desired.getMetadata().getAnnotations() == null) {
            desired.getMetadata().setAnnotations(new HashMap<>());
        }
        desired.getMetadata().getAnnotations().put(HASH, hash);
        if (existing == null) {
            return StageReconciler.createOrGet(context, desired);
        }
        String current = Optional.ofNullable(existing.getMetadata().getAnnotations()).map(a -> a.get(HASH)).orElse(null);
        if (hash.equals(current)) {
            return existing;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        keep.accept(desired, existing);
        return context.getClient().resource(desired).update();
    }
}
