package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.status.StatusAggregator;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * References between the syncabel kinds: an informer on the referenced kind that re-triggers every
 * resource naming the one that changed, and the readiness test a dependent waits on.
 */
public final class Upstream {
    private Upstream() {
    }

    /** Informer on kind {@code R}; an event on R re-reconciles each primary whose references name it. */
    public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> informer(
            EventSourceContext<P> context, Class<R> kind, Function<P, Collection<String>> referencedNames) {
        var config = InformerEventSourceConfiguration.from(kind, context.getPrimaryResourceClass())
                .withName(eventSourceName(kind))
                .withSecondaryToPrimaryMapper((R upstream) -> context.getPrimaryCache()
                        .list(upstream.getMetadata().getNamespace())
                        .filter(p -> referencedNames.apply(p).contains(upstream.getMetadata().getName()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build();
        return new InformerEventSource<>(config, context);
    }

    static String eventSourceName(Class<? extends HasMetadata> kind) {
        return HasMetadata.getPlural(kind);
    }

    /** The referenced resource from the informer cache (same namespace as the primary). */
    @SuppressWarnings("unchecked")
    public static <R extends HasMetadata, P extends HasMetadata> Optional<R> get(Context<P> context, Class<R> kind, String name) {
        var source = (InformerEventSource<R, P>) context.eventSourceRetriever().getEventSourceFor(kind, eventSourceName(kind));
        return source.get(new ResourceID(name, context.getPrimaryResource().getMetadata().getNamespace()));
    }

    /** Empty when {@code resource} is Ready for its current generation; otherwise why not. */
    public static Optional<Inputs.Waiting> notReady(Class<? extends HasMetadata> kind, String name,
            CustomResource<?, ? extends StageStatus> resource) {
        String kindName = HasMetadata.getKind(kind);
        String reason = Conditions.REASON_WAITING_PREFIX + kindName;
        if (resource == null) {
            return Optional.of(new Inputs.Waiting(reason, kindName + " " + name + " does not exist"));
        }
        StageStatus status = resource.getStatus();
        var ready = StatusAggregator.condition(status, Conditions.READY);
        if (ready.isEmpty() || !"True".equals(ready.get().getStatus())) {
            String why = ready.map(c -> " (" + c.getReason() + ")").orElse("");
            return Optional.of(new Inputs.Waiting(reason, kindName + " " + name + " is not Ready yet" + why));
        }
        Long generation = resource.getMetadata().getGeneration();
        if (generation != null && !generation.equals(status.getObservedGeneration())) {
            return Optional.of(new Inputs.Waiting(reason, kindName + " " + name + " has not finished its generation " + generation));
        }
        return Optional.empty();
    }

    /**
     * A resource whose result is finished (Ready=True for its current generation) keeps it while a
     * referenced resource makes a newer one: Ready stays, and the condition UpstreamChanged=True says
     * which input is being remade. A dependent made from it re-runs (or rolls out) once the new input
     * is Ready, as its input digest then changes.
     *
     * @return whether the result was kept (else the caller shows the wait in Ready)
     */
    private static boolean keepResult(StatusAggregator<? extends StageStatus> status, Inputs.Waiting waiting, long generation) {
        StageStatus s = status.status();
        var ready = StatusAggregator.condition(s, Conditions.READY);
        boolean kept = ready.map(c -> "True".equals(c.getStatus())).orElse(false)
                && Long.valueOf(generation).equals(s.getObservedGeneration());
        if (kept) {
            status.condition(Conditions.UPSTREAM_CHANGED, "True", waiting.reason(),
                    waiting.message() + "; this result, made from its previous output, stands until the new one is Ready", generation);
        }
        return kept;
    }

    /** Every input is Ready again: the UpstreamChanged condition goes. */
    private static void caughtUp(StatusAggregator<? extends StageStatus> status) {
        status.removeCondition(Conditions.UPSTREAM_CHANGED);
    }

    /**
     * The resolved inputs of a stage, or empty while one is not Ready: a finished result is kept meanwhile
     * ({@link #keepResult}: a linker that serves keeps serving while its TrainingRun re-trains), else Ready says what
     * the stage waits for. Resolved, the UpstreamChanged condition goes.
     */
    static Optional<Inputs.Resolved> resolvedOrWait(Inputs inputs, StatusAggregator<? extends StageStatus> status, long generation) {
        if (inputs instanceof Inputs.Waiting waiting) {
            if (!keepResult(status, waiting, generation)) {
                status.ready(false, waiting.reason(), waiting.message(), generation);
            }
            return Optional.empty();
        }
        caughtUp(status);
        return Optional.of((Inputs.Resolved) inputs);
    }
}
