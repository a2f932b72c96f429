package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.ArtifactCleanupJob;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.children.StageRun;
import io.syncabel.operator.runs.JobObserver;
import io.syncabel.operator.runs.RunState;
import io.syncabel.operator.status.StatusAggregator;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What every kind's reconcile shares: pause, the artifact finalizer and deletion, and the single
 * status write at the end. Subclasses only say how their stage is run ({@link #reconcileStage}).
 * Registered with triggerReconcilerOnAllEvents, so the finalizer is managed here and only added when
 * artifactPolicy is Delete.
 */
public abstract class StageReconciler<P extends CustomResource<?, T>, T extends StageStatus> implements Reconciler<P> {
    public static final String PAUSED_ANNOTATION = "syncabel.io/paused";
    public static final String FINALIZER = "syncabel.io/artifacts";
    static final String PODS = "pods";
    static final String JOBS = "jobs";
    private static final Logger LOG = Logger.getLogger(StageReconciler.class);

    protected final OperatorSettings settings;
    protected final Clock clock;

    protected StageReconciler(OperatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    protected abstract Class<P> kind();

    protected abstract T emptyStatus();

    protected abstract ArtifactPolicy artifactPolicy(P primary);

    /**
     * Brings the children of the current generation about and records what was seen.
     *
     * @return when to look again without an event (a running stage's progress is polled), or empty
     */
    protected abstract Optional<Duration> reconcileStage(P primary, Context<P> context, StatusAggregator<T> status);

    /** Informers beyond pods and Jobs: Deployments, referenced kinds. */
    protected List<EventSource<?, P>> moreEventSources(EventSourceContext<P> context) {
        return List.of();
    }

    @Override
    public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
        List<EventSource<?, P>> sources = new ArrayList<>();
        String selector = Labels.selectorFor(kind());
        sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, kind())
                .withName(JOBS)
                .withLabelSelector(selector)
                .withSecondaryToPrimaryMapper(jobOwners(context))
                .build(), context));
        // Pods are owned by Jobs and ReplicaSets, not by us: they are mapped back by label.
        sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, kind())
                .withName(PODS)
                .withLabelSelector(selector)
                .withSecondaryToPrimaryMapper((Pod pod) -> Optional.ofNullable(pod.getMetadata().getLabels())
                        .map(l -> l.get(Labels.NAME))
                        .map(value -> owners(context, pod.getMetadata().getNamespace(), value))
                        .orElse(Set.of()))
                .build(), context));
        sources.addAll(moreEventSources(context));
        return sources;
    }

    /**
     * Stage Jobs name their resource in an owner reference; the cleanup Job has none (see
     * {@link ArtifactCleanupJob}) and is mapped back by its label.
     */
    SecondaryToPrimaryMapper<Job> jobOwners(EventSourceContext<P> context) {
        SecondaryToPrimaryMapper<Job> byOwner = Mappers.fromOwnerReferences(kind());
        return job -> {
            Set<ResourceID> owners = byOwner.toPrimaryResourceIDs(job);
            if (!owners.isEmpty() || !Labels.ROLE_CLEANUP.equals(label(job, Labels.ROLE))) {
                return owners;
            }
            return Optional.ofNullable(label(job, Labels.NAME)).map(v -> owners(context, job.getMetadata().getNamespace(), v)).orElse(Set.of());
        };
    }

    /**
     * The resource a {@code syncabel.io/name} label value stands for: the name itself, or for a name
     * too long for a label ({@link Labels#value}) the cached resource whose name shortens to it.
     */
    static <P extends HasMetadata> Set<ResourceID> owners(EventSourceContext<P> context, String namespace, String value) {
        if (value.length() < Labels.MAX_VALUE) {
            return Set.of(new ResourceID(value, namespace));
        }
        return context.getPrimaryCache().list(namespace)
                .filter(p -> Labels.value(p.getMetadata().getName()).equals(value))
                .map(ResourceID::fromResource)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public UpdateControl<P> reconcile(P primary, Context<P> context) {
        if (context.isPrimaryResourceDeleted()) {
            return UpdateControl.noUpdate();
        }
        if (primary.isMarkedForDeletion()) {
            return deleteArtifacts(primary, context);
        }
        StatusAggregator<T> status = new StatusAggregator<>(primary.getStatus(), this::emptyStatus, clock);
        if (isPaused(primary)) {
            status.paused(primary.getMetadata().getGeneration());
            return write(primary, status);
        }
        if (primary.getSpec() == null) {
            // the CRDs require a spec; an object stored before they did (or with validation off) must not throw
            status.ready(false, Conditions.REASON_INVALID_SPEC, "the resource has no spec", primary.getMetadata().getGeneration());
            return write(primary, status);
        }
        Optional<String> refused = settings.inputPolicy().refusal(primary.getSpec());
        if (refused.isPresent()) {
            // the install does not let resources read this (file:, http:, another Secret): nothing runs
            status.ready(false, Conditions.REASON_NOT_ALLOWED, refused.get(), primary.getMetadata().getGeneration());
            return write(primary, status);
        }
        if (manageFinalizer(primary, context)) {
            // like JOSDK's own finalizer handling: the metadata write ends this reconcile, the next one
            // starts from the updated resource (a status patch on the patch's answer races the cache)
            return UpdateControl.<P>noUpdate().rescheduleAfter(Duration.ZERO);
        }
        Optional<Duration> next = reconcileStage(primary, context, status);
        UpdateControl<P> control = write(primary, status);
        next.ifPresent(control::rescheduleAfter);
        return control;
    }

    /**
     * A reconcile that threw (the API refused a child, RBAC is missing, ...) is shown in Ready with
     * the API's answer; JOSDK keeps retrying with backoff.
     */
    @Override
    public ErrorStatusUpdateControl<P> updateErrorStatus(P primary, Context<P> context, Exception e) {
        if (primary.isMarkedForDeletion() || context.isPrimaryResourceDeleted()) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        StatusAggregator<T> status = new StatusAggregator<>(primary.getStatus(), this::emptyStatus, clock);
        status.ready(false, Conditions.REASON_RECONCILE_ERROR, errorMessage(e), primary.getMetadata().getGeneration());
        return status.changed().map(s -> {
            primary.setStatus(s);
            return ErrorStatusUpdateControl.patchStatus(primary);
        }).orElseGet(ErrorStatusUpdateControl::defaultErrorProcessing);
    }

    static String errorMessage(Exception e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return "the Kubernetes API answered " + k.getCode() + ": " + k.getStatus().getMessage();
        }
        return "reconcile failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    public static boolean isPaused(HasMetadata resource) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations != null && "true".equalsIgnoreCase(annotations.get(PAUSED_ANNOTATION));
    }

    UpdateControl<P> write(P primary, StatusAggregator<T> status) {
        return status.changed().map(s -> {
            primary.setStatus(s);
            return UpdateControl.patchStatus(primary);
        }).orElseGet(UpdateControl::noUpdate);
    }

    /**
     * The finalizer exists only while artifactPolicy is Delete: retained artifacts need no cleanup.
     *
     * @return whether the finalizers were changed
     */
    boolean manageFinalizer(P primary, Context<P> context) {
        boolean wanted = artifactPolicy(primary) == ArtifactPolicy.DELETE;
        boolean present = primary.hasFinalizer(FINALIZER);
        if (wanted && !present) {
            context.resourceOperations().addFinalizer(FINALIZER);
            return true;
        }
        if (!wanted && present) {
            context.resourceOperations().removeFinalizer(FINALIZER);
            return true;
        }
        return false;
    }

    /**
     * artifactPolicy Delete, in this order: stop the resource's stage Jobs and wait until none of their
     * pods runs (a running stage would write under the prefix while it is deleted); refuse while
     * another resource uses the artifacts ({@link ArtifactUsers}: the finalizer and the artifacts
     * stay, Ready says who, and a Warning Event); then a cleanup Job deletes the store prefix, and the
     * finalizer goes once it succeeded.
     */
    UpdateControl<P> deleteArtifacts(P primary, Context<P> context) {
        if (!primary.hasFinalizer(FINALIZER)) {
            return UpdateControl.noUpdate();
        }
        long generation = primary.getMetadata().getGeneration();
        StatusAggregator<T> status = new StatusAggregator<>(primary.getStatus(), this::emptyStatus, clock);
        String prefix = StageRun.prefix(settings, primary);
        Optional<String> running = stopRuns(primary, context);
        if (running.isPresent()) {
            status.ready(false, Conditions.REASON_DELETING, "stopping " + running.get() + " before deleting the artifacts under " + prefix,
                    generation);
            return write(primary, status).rescheduleAfter(settings.progressInterval());
        }
        List<String> users = ArtifactUsers.of(context.getClient(), primary, prefix);
        if (!users.isEmpty()) {
            String message = "the artifacts under " + prefix + " are in use by " + String.join(", ", users)
                    + "; they are deleted once no resource references them (or remove the finalizer " + FINALIZER
                    + " to delete the resource and keep them)";
            boolean shown = StatusAggregator.condition(primary.getStatus(), Conditions.READY)
                    .map(c -> Conditions.REASON_ARTIFACTS_IN_USE.equals(c.getReason()) && message.equals(c.getMessage())).orElse(false);
            if (!shown) {
                RunEvents.warning(context.getClient(), clock, primary, Conditions.REASON_ARTIFACTS_IN_USE, message);
            }
            status.ready(false, Conditions.REASON_ARTIFACTS_IN_USE, message, generation);
            // nothing this reconciler watches tells when a user goes: look again
            return write(primary, status).rescheduleAfter(settings.progressInterval());
        }
        Job desired = ArtifactCleanupJob.desired(settings, primary);
        Optional<Job> found = context.getSecondaryResources(Job.class).stream()
                .filter(j -> j.getMetadata().getName().equals(desired.getMetadata().getName()))
                .findFirst();
        if (found.isPresent() && !ArtifactCleanupJob.belongsTo(found.get(), primary)) {
            // the cleanup of an earlier resource of this name: its success says nothing about these artifacts
            if (found.get().getMetadata().getDeletionTimestamp() == null) {
                context.getClient().resource(found.get()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            }
            status.ready(false, Conditions.REASON_DELETING, "removing the cleanup Job of an earlier " + primary.getKind() + " named "
                    + primary.getMetadata().getName(), generation);
            return write(primary, status).rescheduleAfter(settings.progressInterval());
        }
        if (found.isEmpty() && !stillAwaitsCleanup(primary, context)) {
            // a reconcile queued behind the one that finished the cleanup (its Job's deletion event) sees a cache
            // without the Job: the resource itself, read fresh, says the work is done, so no Job outlives it
            return UpdateControl.noUpdate();
        }
        Job job = found.orElseGet(() -> createOrGet(context, desired));
        List<Pod> pods = context.getSecondaryResources(Pod.class).stream()
                .filter(p -> Labels.ROLE_CLEANUP.equals(label(p, Labels.ROLE))).toList();
        RunState state = JobObserver.observe(job, pods, JobObserver.waitsForPods(job, pods) ? podCreationEvents(context, job) : List.of());
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            LOG.infof("artifacts of %s/%s deleted; removing the finalizer", primary.getMetadata().getNamespace(),
                    primary.getMetadata().getName());
            // it has no owner to take it away: it goes now, so no Job outlives its resource
            context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            // a plain patch: the object is gone right after it, so there is nothing to cache
            context.getClient().resources(kind()).inNamespace(primary.getMetadata().getNamespace())
                    .withName(primary.getMetadata().getName()).edit(p -> {
                        p.removeFinalizer(FINALIZER);
                        return p;
                    });
            return UpdateControl.noUpdate();
        }
        String message = state.phase() == RunState.Phase.FAILED
                ? "deleting artifacts failed: " + state.message() + "; remove the finalizer " + FINALIZER
                        + " by hand to delete the resource and keep the artifacts"
                : "deleting artifacts under " + prefix;
        String reason = state.phase() == RunState.Phase.FAILED ? Conditions.REASON_FAILED : Conditions.REASON_DELETING;
        if (Conditions.DEGRADED_REASONS.contains(state.reason()) && state.phase() != RunState.Phase.FAILED) {
            // the cleanup pod cannot run (admission, image, missing Secret): say why instead of "deleting" forever
            reason = state.reason();
            message = "deleting artifacts is stuck: " + state.message();
        }
        status.ready(false, reason, message, generation);
        UpdateControl<P> control = write(primary, status);
        return state.phase() == RunState.Phase.PENDING ? control.rescheduleAfter(settings.progressInterval()) : control;
    }

    /** Whether the resource, read from the API server (not the cache), still holds this finalizer under the same UID. */
    boolean stillAwaitsCleanup(P primary, Context<P> context) {
        P current = context.getClient().resources(kind()).inNamespace(primary.getMetadata().getNamespace())
                .withName(primary.getMetadata().getName()).get();
        return current != null && current.hasFinalizer(FINALIZER)
                && java.util.Objects.equals(current.getMetadata().getUid(), primary.getMetadata().getUid());
    }

    /**
     * Deletes the resource's stage Jobs that have not finished (all runs, not only the current one).
     *
     * @return what is still running (a Job not gone yet, a pod not ended), or empty once nothing is
     */
    Optional<String> stopRuns(P primary, Context<P> context) {
        List<Job> runs = context.getSecondaryResources(Job.class).stream()
                .filter(j -> Labels.ROLE_RUN.equals(label(j, Labels.ROLE)))
                .filter(j -> !JobStageReconciler.isFinished(j))
                .toList();
        for (Job run : runs) {
            if (run.getMetadata().getDeletionTimestamp() == null) {
                LOG.infof("stopping Job %s/%s: its resource is being deleted", run.getMetadata().getNamespace(), run.getMetadata().getName());
                context.getClient().resource(run).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            }
        }
        if (!runs.isEmpty()) {
            return Optional.of("Job " + runs.get(0).getMetadata().getName());
        }
        // the Job is gone before its pods are: a terminating pod may still write
        return context.getSecondaryResources(Pod.class).stream()
                .filter(p -> Labels.ROLE_RUN.equals(label(p, Labels.ROLE)))
                .filter(p -> p.getStatus() == null || !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .map(p -> "pod " + p.getMetadata().getName())
                .findFirst();
    }

    static String label(HasMetadata resource, String key) {
        return Optional.ofNullable(resource.getMetadata().getLabels()).map(l -> l.get(key)).orElse(null);
    }

    /**
     * The Events about a Job that has no pods: the Job controller reports pods that admission refused
     * (Pod Security, quota, a webhook) only there, as FailedCreate. A failed read (no RBAC) is no answer.
     */
    static <P extends HasMetadata> List<Event> podCreationEvents(Context<P> context, Job job) {
        try {
            return context.getClient().v1().events().inNamespace(job.getMetadata().getNamespace())
                    .withField("involvedObject.kind", "Job")
                    .withField("involvedObject.name", job.getMetadata().getName())
                    .list().getItems();
        } catch (KubernetesClientException e) {
            LOG.debugf("cannot list the Events of Job %s/%s: %s", job.getMetadata().getNamespace(), job.getMetadata().getName(), e.getMessage());
            return List.of();
        }
    }

    /** Create, or take the one that exists (another operator instance, or a cache not yet updated). */
    static <P extends HasMetadata, R extends HasMetadata> R createOrGet(Context<P> context, R desired) {
        try {
            return context.getClient().resource(desired).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return context.getClient().resource(desired).get();
            }
            throw e;
        }
    }
}
