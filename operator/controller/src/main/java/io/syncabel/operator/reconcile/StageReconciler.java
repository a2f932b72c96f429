package io.syncabel.operator.reconcile;

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
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.ArtifactCleanupJob;
import io.syncabel.operator.children.Labels;
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
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(kind()))
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

    /** artifactPolicy Delete: a cleanup Job deletes the store prefix, then the finalizer goes. */
    UpdateControl<P> deleteArtifacts(P primary, Context<P> context) {
        if (!primary.hasFinalizer(FINALIZER)) {
            return UpdateControl.noUpdate();
        }
        Job desired = ArtifactCleanupJob.desired(settings, primary);
        Job job = context.getSecondaryResources(Job.class).stream()
                .filter(j -> j.getMetadata().getName().equals(desired.getMetadata().getName()))
                .findFirst()
                .orElseGet(() -> createOrGet(context, desired));
        List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
        RunState state = JobObserver.observe(job, pods, JobObserver.waitsForPods(job, pods) ? podCreationEvents(context, job) : List.of());
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            LOG.infof("artifacts of %s/%s deleted; removing the finalizer", primary.getMetadata().getNamespace(),
                    primary.getMetadata().getName());
            // a plain patch: the object is gone right after it, so there is nothing to cache
            context.getClient().resources(kind()).inNamespace(primary.getMetadata().getNamespace())
                    .withName(primary.getMetadata().getName()).edit(p -> {
                        p.removeFinalizer(FINALIZER);
                        return p;
                    });
            return UpdateControl.noUpdate();
        }
        StatusAggregator<T> status = new StatusAggregator<>(primary.getStatus(), this::emptyStatus, clock);
        String message = state.phase() == RunState.Phase.FAILED
                ? "deleting artifacts failed: " + state.message() + "; remove the finalizer " + FINALIZER
                        + " by hand to delete the resource and keep the artifacts"
                : "deleting artifacts under " + desired.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().get(3);
        String reason = state.phase() == RunState.Phase.FAILED ? Conditions.REASON_FAILED : Conditions.REASON_DELETING;
        if (Conditions.DEGRADED_REASONS.contains(state.reason()) && state.phase() != RunState.Phase.FAILED) {
            // the cleanup pod cannot run (admission, image, missing Secret): say why instead of "deleting" forever
            reason = state.reason();
            message = "deleting artifacts is stuck: " + state.message();
        }
        status.ready(false, reason, message, primary.getMetadata().getGeneration());
        UpdateControl<P> control = write(primary, status);
        return state.phase() == RunState.Phase.PENDING ? control.rescheduleAfter(settings.progressInterval()) : control;
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
