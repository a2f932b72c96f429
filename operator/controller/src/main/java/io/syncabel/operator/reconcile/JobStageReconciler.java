package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.JobStageSpec;
import io.syncabel.api.v1alpha1.common.StageStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.children.Names;
import io.syncabel.operator.children.StageRun;
import io.syncabel.operator.runs.JobObserver;
import io.syncabel.operator.runs.Progress;
import io.syncabel.operator.runs.RunState;
import io.syncabel.operator.status.Headlines;
import io.syncabel.operator.status.StatusAggregator;
import io.syncabel.operator.store.StoreReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The four batch kinds: wait for the inputs, make the Job of the current run (once: its name is
 * deterministic), stop Jobs of superseded runs, and report the Job's state, its pods' problems and
 * its termination summary in status.
 */
public abstract class JobStageReconciler<P extends CustomResource<?, T>, T extends StageStatus> extends StageReconciler<P, T> {
    private static final Logger LOG = Logger.getLogger(JobStageReconciler.class);
    /** Annotation on a run's Job: the run key ({@link StageRun#runKey}) of the run it executes. */
    public static final String RUN_KEY = "syncabel.io/run-key";
    /** What a run writes last: the digest of this file identifies its output for dependents. */
    static final String MANIFEST = "manifest.json";
    /** Plain Jackson: compact output in the manifest's own field order, as the runtime's digest of it. */
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Where running stages' progress.json is read from. */
    protected final StoreReader store;

    protected JobStageReconciler(OperatorSettings settings, Clock clock, StoreReader store) {
        super(settings, clock);
        this.store = store;
    }

    /** The references of this stage, resolved from the informer caches. */
    protected abstract Inputs inputs(P primary, Context<P> context);

    protected abstract Job desiredJob(P primary, StageRun run);

    /**
     * Live progress in status: while the Job runs, the runtime's progress.json ({@code status.progress},
     * the figures it carries such as epoch and loss, and an ETA from the pace so far); a finished run
     * shows none. A read that fails or finds nothing keeps what status already showed.
     *
     * @param live the run's progress.json, read only while the Job runs
     */
    protected T progress(T status, RunState state, Optional<Progress> live) {
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            status.setProgress(null);
            status.setEstimatedCompletionTime(null);
            return status;
        }
        if (state.phase() != RunState.Phase.RUNNING) {
            status.setEstimatedCompletionTime(null);
            return status;
        }
        if (live.isEmpty()) {
            return status;
        }
        Progress p = live.get();
        String shown = p.describe();
        // re-estimated only when the runtime reports something new, so an unchanged report gives an unchanged status
        if (!shown.equals(status.getProgress()) || status.getEstimatedCompletionTime() == null) {
            Instant start = state.startTime() == null ? null : Instant.parse(state.startTime());
            status.setEstimatedCompletionTime(p.eta(start, Instant.now(clock)).map(Instant::toString).orElse(null));
        }
        status.setProgress(shown);
        return Headlines.copy(p.figures(), status);
    }

    /** The run's progress.json; empty when absent, unreadable or not progress (never fails a reconcile). */
    Optional<Progress> readProgress(String outputUri) {
        if (outputUri == null) {
            return Optional.empty();
        }
        String uri = outputUri + Progress.FILE;
        try {
            return store.read(uri).flatMap(Progress::parse);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("cannot read %s: %s", uri, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    protected Optional<Duration> reconcileStage(P primary, Context<P> context, StatusAggregator<T> status) {
        long generation = primary.getMetadata().getGeneration();
        Optional<Inputs.Resolved> inputs = Upstream.resolvedOrWait(inputs(primary, context), status, generation);
        if (inputs.isEmpty()) {
            return Optional.empty();
        }
        Inputs.Resolved resolved = inputs.get();
        StageRun run = StageRun.of(settings, primary, resolved.env(), resolved.lineage());
        Job desired = desiredJob(primary, run);
        desired.getMetadata().setAnnotations(new HashMap<>(Map.of(RUN_KEY, run.runKey())));
        List<Job> runs = context.getSecondaryResources(Job.class).stream()
                .filter(j -> Labels.ROLE_RUN.equals(j.getMetadata().getLabels().get(Labels.ROLE)))
                .toList();
        // the Job of this run and these execution settings; else a complete Job of this run: its result
        // stands whatever execution settings changed since
        Optional<Job> existing = runs.stream().filter(j -> j.getMetadata().getName().equals(desired.getMetadata().getName())).findFirst()
                .or(() -> runs.stream().filter(j -> run.runKey().equals(annotation(j, RUN_KEY)) && hasCondition(j, "Complete")).findFirst());
        if (existing.isEmpty() && finished(status.status(), run, generation) && Objects.equals(status.status().getRerun(), StageRun.rerun(primary))) {
            // the Job of this run is gone (ttlSecondsAfterFinished) after it finished: the result stands, no rerun
            var ready = StatusAggregator.condition(status.status(), Conditions.READY).orElseThrow();
            status.ready("True".equals(ready.getStatus()), ready.getReason(), ready.getMessage(), generation);
            return Optional.empty();
        }
        if (heldForKueue(primary, desired, existing)) {
            existing.ifPresent(j -> stopJob(context, primary, j, "stopped Job " + j.getMetadata().getName()
                    + ": spec.suspend of a queued run (Kueue would resume a suspended Job it admitted)"));
            stopSuperseded(context, runs, desired, primary, clock);
            return suspendedInQueue(primary, run, status, generation);
        }
        if (existing.isEmpty()) {
            List<String> stopping = stillStopping(runs, List.copyOf(context.getSecondaryResources(Pod.class)), run.runKey(),
                    desired.getMetadata().getName());
            if (!stopping.isEmpty()) {
                // an execution-only edit (resources, deadline, scheduling...): same run, same prefix, a new Job once the old one stopped
                stopSuperseded(context, runs, desired, primary, clock);
                startRun(primary, run, status);
                status.ready(false, Conditions.REASON_PENDING, "restarting run " + run.runKey() + " with new execution settings once "
                        + String.join(", ", stopping) + " stopped; it continues under " + run.outputUri(), generation);
                return Optional.of(settings.progressInterval());
            }
        }
        Job job = existing.map(j -> syncSuspend(context, primary, j)).orElseGet(() -> {
            LOG.infof("creating Job %s/%s", desired.getMetadata().getNamespace(), desired.getMetadata().getName());
            Job created = createOrGet(context, desired);
            RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_CREATED, "created Job " + desired.getMetadata().getName()
                    + " for run " + run.runKey() + (run.outputUri() == null ? "" : ", writing to " + run.outputUri()));
            return created;
        });
        stopSuperseded(context, runs, job, primary, clock);

        List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
        boolean waitsForPods = JobObserver.waitsForPods(job, pods);
        RunState state = JobObserver.observe(job, pods, waitsForPods ? podCreationEvents(context, job) : List.of());
        T s = startRun(primary, run, status);
        s.setStartTime(state.startTime());
        s.setCompletionTime(state.completionTime());
        boolean running = state.phase() == RunState.Phase.RUNNING;
        Optional<Progress> live = running ? readProgress(run.outputUri()) : Optional.empty();
        status.update(current -> progress(current, state, live));
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            status.update(current -> Headlines.copy(state.summary(), current));
            lineageDigests(status.status(), state);
            if (status.status().getOutputDigest() == null && !shown(primary, run, state)) {
                // read once, when the success is first recorded: a digest that appeared later would re-key the dependents' runs
                status.status().setOutputDigest(readDigest(run.outputUri()).orElse(null));
            }
        }
        recordOutcome(context, primary, run, state);
        status.ready(state.phase() == RunState.Phase.SUCCEEDED, state.reason(), state.message(), generation);
        // nothing in Kubernetes changes while the runtime makes progress: poll the store while the Job runs;
        // nor does anything the operator watches when admission refuses the pods: look at the Job's Events again
        return running || waitsForPods ? Optional.of(settings.progressInterval()) : Optional.empty();
    }

    /** The run's identity in status; the figures start afresh when it is another run than status showed. */
    T startRun(P primary, StageRun run, StatusAggregator<T> status) {
        if (!Objects.equals(status.status().getOutputUri(), run.outputUri())) {
            status.newRun(this::emptyStatus);
        }
        T s = status.status();
        s.setOutputUri(run.outputUri());
        s.setRunKey(run.runKey());
        s.setRerun(StageRun.rerun(primary));
        s.setInputs(run.inputs().isEmpty() ? null : run.inputs());
        return s;
    }

    /**
     * {@code spec.suspend} of a run in a Kueue queue: Kueue unsuspends every suspended Job whose Workload it
     * admitted, so such a run is held by having no unfinished Job (its Workload, and the quota, go with it).
     * Un-suspending creates the Job again on the same prefix, where the runtime continues from what it published.
     */
    static boolean heldForKueue(CustomResource<?, ?> primary, Job desired, Optional<Job> existing) {
        return primary.getSpec() instanceof JobStageSpec spec && Boolean.TRUE.equals(spec.getSuspend())
                && annotationOrLabel(desired, Labels.KUEUE_QUEUE) != null
                && existing.map(j -> !isFinished(j)).orElse(true);
    }

    Optional<Duration> suspendedInQueue(P primary, StageRun run, StatusAggregator<T> status, long generation) {
        T s = startRun(primary, run, status);
        s.setProgress(null);
        s.setEstimatedCompletionTime(null);
        status.ready(false, Conditions.REASON_QUEUED, "suspended (spec.suspend): the run has no Job, so Kueue holds no quota for it;"
                + " setting suspend to false queues it again, continuing under " + run.outputUri(), generation);
        return Optional.empty();
    }

    void stopJob(Context<P> context, P primary, Job job, String why) {
        if (job.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        LOG.infof("stopping Job %s/%s", job.getMetadata().getNamespace(), job.getMetadata().getName());
        context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_SUPERSEDED, why);
    }

    /** status already showed this outcome of this run (a reconcile after the one that recorded it). */
    static boolean shown(CustomResource<?, ? extends StageStatus> primary, StageRun run, RunState state) {
        StageStatus before = primary.getStatus();
        return before != null && Objects.equals(before.getOutputUri(), run.outputUri())
                && StatusAggregator.condition(before, Conditions.READY).map(c -> state.reason().equals(c.getReason())).orElse(false);
    }

    /**
     * The output's content digest: sha256 of its manifest's file list ({@code files}: name, size, sha256 of
     * each file) as compact JSON, which is how the runtime records an input's digest in lineage, so a rerun
     * that publishes the same files has the same digest whatever its manifest's timestamp. Empty when the
     * manifest cannot be read or has no file list (never fails a reconcile).
     */
    Optional<String> readDigest(String outputUri) {
        String uri = outputUri + MANIFEST;
        try {
            var files = MAPPER.readTree(store.read(uri).orElse("{}")).get("files");
            return files == null || !files.isArray() ? Optional.empty() : Optional.of(Names.sha256Hex(MAPPER.writeValueAsString(files)));
        } catch (IOException | RuntimeException e) {
            LOG.debugf("cannot read %s: %s", uri, e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code spec.suspend} goes to the Job, unless Kueue owns suspension (queueName set). */
    static <P extends CustomResource<?, ?>> Job syncSuspend(Context<P> context, P primary, Job job) {
        if (!(primary.getSpec() instanceof JobStageSpec spec) || annotationOrLabel(job, Labels.KUEUE_QUEUE) != null || isFinished(job)) {
            return job;
        }
        boolean wanted = Boolean.TRUE.equals(spec.getSuspend());
        if (wanted == Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            return job;
        }
        LOG.infof("%s Job %s/%s", wanted ? "suspending" : "resuming", job.getMetadata().getNamespace(), job.getMetadata().getName());
        return context.getClient().resource(job).edit(j -> {
            j.getSpec().setSuspend(wanted);
            return j;
        });
    }

    static String annotation(Job job, String key) {
        return Optional.ofNullable(job.getMetadata().getAnnotations()).map(a -> a.get(key)).orElse(null);
    }

    static String annotationOrLabel(Job job, String key) {
        return Optional.ofNullable(job.getMetadata().getLabels()).map(l -> l.get(key)).orElse(annotation(job, key));
    }

    static boolean isFinished(Job job) {
        return hasCondition(job, "Complete") || hasCondition(job, "Failed");
    }

    static boolean hasCondition(Job job, String type) {
        return Optional.ofNullable(job.getStatus()).map(s -> s.getConditions()).orElse(List.of()).stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * Status already holds the final outcome of this run: a success whatever execution settings changed
     * since, a failure until the next spec change (which retries it on the same prefix, from its checkpoints).
     * A status written before run keys existed keeps its outcome for its generation and inputs.
     */
    static boolean finished(StageStatus status, StageRun run, long generation) {
        String reason = StatusAggregator.condition(status, Conditions.READY).map(c -> c.getReason()).orElse("");
        boolean succeeded = Conditions.REASON_SUCCEEDED.equals(reason);
        boolean failed = Conditions.REASON_FAILED.equals(reason);
        boolean sameGeneration = Long.valueOf(generation).equals(status.getObservedGeneration());
        if (status.getRunKey() == null) {
            return (succeeded || failed) && sameGeneration && status.getOutputUri() != null
                    && uris(status.getInputs()).equals(uris(run.inputs()));
        }
        return run.runKey().equals(status.getRunKey()) && (succeeded || (failed && sameGeneration));
    }

    static List<String> uris(List<ArtifactInput> inputs) {
        return Optional.ofNullable(inputs).orElse(List.of()).stream().map(ArtifactInput::getUri).toList();
    }

    /** The runtime may report inputs with digests in its summary; they complete the operator's lineage. */
    static void lineageDigests(StageStatus status, RunState state) {
        var reported = state.summary().get("inputs");
        if (reported == null || !reported.isArray() || status.getInputs() == null) {
            return;
        }
        for (ArtifactInput input : status.getInputs()) {
            for (var r : reported) {
                if (input.getUri() != null && input.getUri().equals(r.path("uri").asText(null)) && r.hasNonNull("digest")) {
                    input.setDigest(r.get("digest").asText());
                }
            }
        }
    }

    /** An Event when this run ends, once: not again for a status that already shows its outcome. */
    void recordOutcome(Context<P> context, P primary, StageRun run, RunState state) {
        if (state.phase() != RunState.Phase.SUCCEEDED && state.phase() != RunState.Phase.FAILED || shown(primary, run, state)) {
            return;
        }
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_SUCCEEDED, state.message());
        } else {
            RunEvents.warning(context.getClient(), clock, primary, RunEvents.RUN_FAILED, state.message());
        }
    }

    /**
     * A spec or input change supersedes the running Job: it is stopped, not left to burn a GPU. A Job of
     * the same run (an execution-only edit) is stopped the same way; its successor waits for it
     * ({@link #stillStopping}), as both write to one prefix.
     */
    static <P extends CustomResource<?, ?>> void stopSuperseded(Context<P> context, List<Job> runs, Job current, P primary, Clock clock) {
        String runKey = annotation(current, RUN_KEY);
        for (Job old : runs) {
            if (!old.getMetadata().getName().equals(current.getMetadata().getName()) && !isFinished(old)
                    && old.getMetadata().getDeletionTimestamp() == null) {
                boolean sameRun = runKey != null && runKey.equals(annotation(old, RUN_KEY));
                LOG.infof("stopping %s Job %s/%s", sameRun ? "restarted" : "superseded", old.getMetadata().getNamespace(), old.getMetadata().getName());
                context.getClient().resource(old).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_SUPERSEDED, "stopped Job " + old.getMetadata().getName()
                        + (sameRun ? ": run " + runKey + " goes on with new execution settings as Job " : ": superseded by Job ")
                        + current.getMetadata().getName());
            }
        }
    }

    /**
     * Jobs and pods of run {@code runKey} other than {@code desired} that have not stopped yet: the Job
     * of an execution-only edit is created only once they are gone, so two never write one prefix.
     */
    static List<String> stillStopping(List<Job> runs, List<Pod> pods, String runKey, String desired) {
        List<String> stopping = new java.util.ArrayList<>();
        for (Job j : runs) {
            if (!j.getMetadata().getName().equals(desired) && runKey.equals(annotation(j, RUN_KEY)) && !isFinished(j)) {
                stopping.add("Job " + j.getMetadata().getName());
            }
        }
        for (Pod p : pods) {
            String job = Optional.ofNullable(p.getMetadata().getLabels()).map(l -> l.get(Labels.JOB_NAME)).orElse(null);
            String phase = Optional.ofNullable(p.getStatus()).map(st -> st.getPhase()).orElse("Pending");
            // a Job's name ends with -<runKey>-<execution hash> (Names.child keeps the suffix whole)
            if (job != null && !job.equals(desired) && job.contains("-" + runKey + "-")
                    && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                stopping.add("pod " + p.getMetadata().getName());
            }
        }
        return stopping;
    }
}
