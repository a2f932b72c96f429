package io.syncabel.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts Java Operator SDK on Quarkus's fabric8 client and registers every reconciler bean. Wired by
 * hand (no Quarkiverse extension: it does not resolve at this Quarkus version).
 */
@ApplicationScoped
public class OperatorLifecycle {
    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    @Inject
    KubernetesClient client;

    @Inject
    @All
    List<Reconciler<?>> reconcilers;

    /** Server-side apply; off in tests because the fabric8 mock server answers 415 to it. */
    @ConfigProperty(name = "syncabel.operator.use-ssa", defaultValue = "true")
    boolean useSsa;

    private Operator operator;

    void onStart(@Observes StartupEvent event) {
        if (reconcilers.isEmpty()) {
            LOG.warn("no reconcilers registered; the operator is idle");
            return;
        }
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(useSsa)
                .withSSABasedCreateUpdateMatchForDependentResources(useSsa));
        reconcilers.forEach(operator::register);
        operator.start();
        LOG.infof("operator started with %d reconcilers", reconcilers.size());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (operator != null) {
            operator.stop();
        }
    }
}
