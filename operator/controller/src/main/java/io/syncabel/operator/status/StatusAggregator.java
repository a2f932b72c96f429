package io.syncabel.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The one place status is built, for all five kinds (the Keycloak operator's habit): a reconcile
 * collects what it saw into a copy of the current status, and {@link #changed()} says whether
 * there is anything to write. A condition's lastTransitionTime only moves when its status does,
 * so an unchanged world produces an identical status and no write at all.
 */
public final class StatusAggregator<T extends StageStatus> {
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final T previous;
    private T next;
    private final Clock clock;

    @SuppressWarnings("unchecked")
    public StatusAggregator(T current, Supplier<T> empty, Clock clock) {
        this.previous = current;
        this.next = current == null ? empty.get() : (T) JSON.convertValue(current, current.getClass());
        if (next.getConditions() == null) {
            next.setConditions(new ArrayList<>());
        }
        this.clock = clock;
    }

    /** The status being built, for the fields only one kind has. */
    public T status() {
        return next;
    }

    /** Replaces the status being built, e.g. with headline fields copied in. */
    public StatusAggregator<T> update(UnaryOperator<T> change) {
        next = change.apply(next);
        return this;
    }

    /**
     * Starts the figures afresh for a new run (new output prefix): the previous run's counts do not
     * describe the new output. Conditions and observedGeneration are kept.
     */
    public StatusAggregator<T> newRun(Supplier<T> empty) {
        T fresh = empty.get();
        fresh.setConditions(next.getConditions());
        fresh.setObservedGeneration(next.getObservedGeneration());
        next = fresh;
        return this;
    }

    /** Ready and observedGeneration: what this reconcile concluded about the current generation. */
    public StatusAggregator<T> ready(boolean ready, String reason, String message, long generation) {
        next.setObservedGeneration(generation);
        set(Conditions.READY, ready ? "True" : "False", reason, message, generation);
        remove(Conditions.PAUSED);
        return this;
    }

    /**
     * Paused: the Paused condition is shown and nothing else moves; observedGeneration stays where
     * it was, so a paused resource whose spec changed is visibly not up to date.
     */
    public StatusAggregator<T> paused(long generation) {
        set(Conditions.PAUSED, "True", Conditions.REASON_PAUSED,
                "reconciliation is paused by the annotation syncabel.io/paused=\"true\"", generation);
        if (condition(next, Conditions.READY).isEmpty()) {
            set(Conditions.READY, "False", Conditions.REASON_PAUSED, "paused before the first reconcile", generation);
        }
        return this;
    }

    /** Another condition than Ready and Paused (its lastTransitionTime moves only with its status). */
    public StatusAggregator<T> condition(String type, String status, String reason, String message, long generation) {
        set(type, status, reason, message, generation);
        return this;
    }

    public StatusAggregator<T> removeCondition(String type) {
        remove(type);
        return this;
    }

    /** The new status when it differs from the current one; empty means: do not write. */
    public Optional<T> changed() {
        return next.equals(previous) ? Optional.empty() : Optional.of(next);
    }

    public static Optional<Condition> condition(StageStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    void set(String type, String status, String reason, String message, long generation) {
        List<Condition> conditions = next.getConditions();
        Optional<Condition> existing = condition(next, type);
        String since = existing.filter(c -> status.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        Condition updated = new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
        if (existing.isPresent()) {
            conditions.set(conditions.indexOf(existing.get()), updated);
        } else {
            conditions.add(updated);
        }
    }

    void remove(String type) {
        next.getConditions().removeIf(c -> type.equals(c.getType()));
    }
}
