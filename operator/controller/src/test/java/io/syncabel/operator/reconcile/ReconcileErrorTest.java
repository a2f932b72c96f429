package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.status.StatusAggregator;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class ReconcileErrorTest {

    @SuppressWarnings("unchecked")
    static Context<KnowledgeBase> liveContext() {
        return (Context<KnowledgeBase>) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("isPrimaryResourceDeleted") ? false : null);
    }

    @Test
    void anApiRefusalIsShownInReadyAndWrittenOnlyOnce() {
        KnowledgeBase kb = Fixtures.kb("kb");
        kb.getMetadata().setGeneration(4L);
        var forbidden = new KubernetesClientException(new StatusBuilder().withCode(403)
                .withMessage("jobs.batch is forbidden: User \"system:serviceaccount:syncabel:operator\" cannot create resource \"jobs\"").build());
        var reconciler = new KnowledgeBaseReconciler(OperatorSettings.defaults());

        var control = reconciler.updateErrorStatus(kb, liveContext(), forbidden);
        assertThat(control.getResource()).isPresent();
        var ready = StatusAggregator.condition(kb.getStatus(), Conditions.READY).orElseThrow();
        assertThat(ready.getReason()).isEqualTo(io.syncabel.api.v1alpha1.common.Conditions.REASON_RECONCILE_ERROR);
        assertThat(ready.getMessage()).contains("403", "cannot create resource \"jobs\"");
        assertThat(kb.getStatus().getObservedGeneration()).isEqualTo(4L);

        assertThat(reconciler.updateErrorStatus(kb, liveContext(), forbidden).isDefaultErrorProcessing()).as("unchanged: no write").isTrue();
    }
}
