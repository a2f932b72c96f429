package io.syncabel.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    /** Namespaces watched; absent means all namespaces. */
    @ConfigProperty(name = "syncabel.operator.namespaces")
    Optional<Set<String>> namespaces;

    /** Only one replica of the operator reconciles at a time; the others wait on the Lease. */
    @ConfigProperty(name = "syncabel.operator.leader-election.enabled", defaultValue = "true")
    boolean leaderElection;

    @ConfigProperty(name = "syncabel.operator.leader-election.lease-name", defaultValue = "syncabel-operator")
    String leaseName;

    /** Namespace of the Lease; absent means the operator's own namespace (in-cluster). */
    @ConfigProperty(name = "syncabel.operator.leader-election.lease-namespace")
    Optional<String> leaseNamespace;

    @Inject
    MeterRegistry meters;

    private Operator operator;
    private volatile boolean leading;

    void onStart(@Observes StartupEvent event) {
        if (reconcilers.isEmpty()) {
            LOG.warn("no reconcilers registered; the operator is idle");
            return;
        }
        operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(useSsa)
                    .withSSABasedCreateUpdateMatchForDependentResources(useSsa)
                    .withMetrics(MicrometerMetricsV2.newBuilder(meters).build());
            if (leaderElection) {
                var election = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
                        .withLeaderCallbacks(new LeaderCallbacks(() -> leading = true, () -> leading = false, leader -> { }));
                leaseNamespace.ifPresent(election::withLeaseNamespace);
                o.withLeaderElectionConfiguration(election.build());
            }
        });
        reconcilers.forEach(r -> operator.register(r, c -> namespaces.ifPresent(c::settingNamespaces)));
        operator.start();
        LOG.infof("operator started with %d reconcilers (namespaces: %s, leader election: %s)", reconcilers.size(),
                namespaces.map(Object::toString).orElse("all"), leaderElection);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (operator != null) {
            operator.stop();
        }
    }

    /** A standby replica (leader election on, another replica leads) has no running informers. */
    public boolean standby() {
        return leaderElection && !leading;
    }

    /** The running operator, for the health check; empty before start or when idle. */
    public Optional<Operator> operator() {
        return Optional.ofNullable(operator);
    }
}
