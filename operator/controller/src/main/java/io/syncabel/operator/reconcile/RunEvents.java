package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Metrics;
import io.syncabel.operator.children.Labels;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a resource's run transitions, so {@code kubectl describe} and
 * {@code kubectl get events} tell a run's story next to the status. An Event that cannot be written
 * (no RBAC, API unavailable) is logged, never a reason to fail the reconcile.
 *
 * <p>The transitions that end a run are also counted: {@value #RUNS}{kind,outcome} (Prometheus:
 * {@code syncabel_runs_total}), outcome succeeded, failed or superseded, in Micrometer's global
 * registry, which Quarkus backs with the registry /q/metrics shows.
 */
final class RunEvents {
    static final String RUN_CREATED = "RunCreated";
    static final String RUN_SUCCEEDED = "RunSucceeded";
    static final String RUN_FAILED = "RunFailed";
    static final String RUN_SUPERSEDED = "RunSuperseded";
    static final String COMPONENT = Labels.OPERATOR;
    static final String RUNS = "syncabel.runs";
    /** The outcome tag of each reason that ends a run. */
    static final Map<String, String> OUTCOMES = Map.of(RUN_SUCCEEDED, "succeeded", RUN_FAILED, "failed", RUN_SUPERSEDED, "superseded");
    private static final Logger LOG = Logger.getLogger(RunEvents.class);

    private RunEvents() {
    }

    static void normal(KubernetesClient client, Clock clock, HasMetadata about, String reason, String message) {
        emit(client, clock, about, "Normal", reason, message);
    }

    static void warning(KubernetesClient client, Clock clock, HasMetadata about, String reason, String message) {
        emit(client, clock, about, "Warning", reason, message);
    }

    static void emit(KubernetesClient client, Clock clock, HasMetadata about, String type, String reason, String message) {
        String outcome = OUTCOMES.get(reason);
        if (outcome != null) {
            // counted whether or not the Event can be written: the metric must not depend on RBAC for events
            Metrics.counter(RUNS, "kind", about.getKind(), "outcome", outcome).increment();
        }
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                    // <object>.<unique hex>, as kubectl's recorder names them
                    .withName(Labels.value(about.getMetadata().getName()) + "." + Long.toHexString(System.currentTimeMillis())
                            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)))
                    .withNamespace(about.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(about.getApiVersion()).withKind(about.getKind())
                    .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
                    .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message.length() > 1024 ? message.substring(0, 1024) + "..." : message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("cannot record Event %s on %s/%s: %s", reason, about.getMetadata().getNamespace(), about.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
