package io.syncabel.operator.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The four batch kinds: wait for the inputs, make the Job of the current run (once: its name is
 * deterministic), stop Jobs of superseded runs, and report the Job's state, its pods' problems and
 * its termination summary in status.
 */
public abstract class JobStageReconciler<P extends CustomResource<?, T>, T extends StageStatus> extends StageReconciler<P, T> {
    private static final Logger LOG = Logger.getLogger(JobStageReconciler.class);
    /** Annotation on a run's Job: {@link #runSpecHash}. */
    public static final String RUN_SPEC = "syncabel.io/run-spec";
    static final KubernetesSerialization JSON = new KubernetesSerialization();
    static final List<String> NOT_IN_RUN = List.of("suspend", "artifactPolicy", "ttlSecondsAfterFinished");

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
        Inputs inputs = inputs(primary, context);
        if (inputs instanceof Inputs.Waiting waiting) {
            status.ready(false, waiting.reason(), waiting.message(), generation);
            return Optional.empty();
        }
        Inputs.Resolved resolved = (Inputs.Resolved) inputs;
        StageRun run = StageRun.of(settings, primary, resolved.env(), resolved.lineage());
        Job desired = desiredJob(primary, run);
        String runSpec = runSpecHash(primary, run);
        desired.getMetadata().setAnnotations(new HashMap<>(Map.of(RUN_SPEC, runSpec)));
        List<Job> runs = context.getSecondaryResources(Job.class).stream()
                .filter(j -> Labels.ROLE_RUN.equals(j.getMetadata().getLabels().get(Labels.ROLE)))
                .toList();
        Optional<Job> existing = runs.stream().filter(j -> j.getMetadata().getName().equals(desired.getMetadata().getName())).findFirst()
                .or(() -> runs.stream().filter(j -> !hasCondition(j, "Failed") && runSpec.equals(annotation(j, RUN_SPEC))).findFirst());
        if (existing.isEmpty() && finished(status.status(), run, generation) && Objects.equals(status.status().getRerun(), StageRun.rerun(primary))) {
            // the Job of this run is gone (ttlSecondsAfterFinished) after it finished: the result stands, no rerun
            var ready = StatusAggregator.condition(status.status(), Conditions.READY).orElseThrow();
            status.ready("True".equals(ready.getStatus()), ready.getReason(), ready.getMessage(), generation);
            return Optional.empty();
        }
        StageRun planned = run;
        Job job = existing.map(j -> syncSuspend(context, primary, j)).orElseGet(() -> {
            LOG.infof("creating Job %s/%s", desired.getMetadata().getNamespace(), desired.getMetadata().getName());
            Job created = createOrGet(context, desired);
            RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_CREATED, "created Job " + desired.getMetadata().getName()
                    + " for run " + planned.runKey() + (planned.outputUri() == null ? "" : ", writing to " + planned.outputUri()));
            return created;
        });
        if (!job.getMetadata().getName().equals(desired.getMetadata().getName())) {
            // a suspend-only change: the run of an earlier generation goes on (or pauses) with its own prefix
            run = new StageRun(run.runKey(), outputUri(job).orElse(run.outputUri()), run.inputEnv(), run.inputs());
        }
        stopSuperseded(context, runs, job, primary, clock);

        List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
        boolean waitsForPods = JobObserver.waitsForPods(job, pods);
        RunState state = JobObserver.observe(job, pods, waitsForPods ? podCreationEvents(context, job) : List.of());
        if (!Objects.equals(status.status().getOutputUri(), run.outputUri())) {
            status.newRun(this::emptyStatus);
        }
        T s = status.status();
        s.setOutputUri(run.outputUri());
        s.setRerun(StageRun.rerun(primary));
        s.setInputs(run.inputs().isEmpty() ? null : run.inputs());
        s.setStartTime(state.startTime());
        s.setCompletionTime(state.completionTime());
        boolean running = state.phase() == RunState.Phase.RUNNING;
        Optional<Progress> live = running ? readProgress(run.outputUri()) : Optional.empty();
        status.update(current -> progress(current, state, live));
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            status.update(current -> Headlines.copy(state.summary(), current));
            lineageDigests(status.status(), state);
        }
        recordOutcome(context, primary, run, state);
        status.ready(state.phase() == RunState.Phase.SUCCEEDED, state.reason(), state.message(), generation);
        // nothing in Kubernetes changes while the runtime makes progress: poll the store while the Job runs;
        // nor does anything the operator watches when admission refuses the pods: look at the Job's Events again
        return running || waitsForPods ? Optional.of(settings.progressInterval()) : Optional.empty();
    }

    /**
     * What a run is made of: the spec without the fields that change neither the result nor the
     * running pods ({@link #NOT_IN_RUN}), and the inputs. A new generation that changes only those
     * keeps the Job of the run (running, suspended or complete; a failed one is never taken over)
     * and only (un)suspends it, so a resumed stage continues from what it already published and an
     * artifactPolicy change reruns nothing.
     */
    static String runSpecHash(CustomResource<?, ?> primary, StageRun run) {
        ObjectNode spec = JSON.convertValue(primary.getSpec(), ObjectNode.class);
        spec.remove(NOT_IN_RUN);
        String inputs = run.inputEnv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                .collect(Collectors.joining("\n"));
        String rerun = StageRun.rerun(primary);
        return Names.sha256Hex(JSON.asJson(spec) + "\n" + inputs + (rerun == null ? "" : "\n" + StageRun.RERUN_ANNOTATION + "=" + rerun))
                .substring(0, 16);
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

    static Optional<String> outputUri(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> Optional.ofNullable(c.getEnv()).orElse(List.of()).stream())
                .filter(e -> "SYNCABEL_OUTPUT_URI".equals(e.getName()))
                .map(EnvVar::getValue)
                .findFirst();
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
     * Status already holds the final outcome for this generation and these inputs (the run may have
     * been taken over from an earlier generation, so its prefix is not compared).
     */
    static boolean finished(StageStatus status, StageRun run, long generation) {
        return uris(status.getInputs()).equals(uris(run.inputs()))
                && Long.valueOf(generation).equals(status.getObservedGeneration())
                && StatusAggregator.condition(status, Conditions.READY)
                        .map(c -> Conditions.REASON_SUCCEEDED.equals(c.getReason()) || Conditions.REASON_FAILED.equals(c.getReason()))
                        .orElse(false);
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
        if (state.phase() != RunState.Phase.SUCCEEDED && state.phase() != RunState.Phase.FAILED) {
            return;
        }
        T before = primary.getStatus();
        boolean shown = before != null && Objects.equals(before.getOutputUri(), run.outputUri())
                && StatusAggregator.condition(before, Conditions.READY).map(c -> state.reason().equals(c.getReason())).orElse(false);
        if (shown) {
            return;
        }
        if (state.phase() == RunState.Phase.SUCCEEDED) {
            RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_SUCCEEDED, state.message());
        } else {
            RunEvents.warning(context.getClient(), clock, primary, RunEvents.RUN_FAILED, state.message());
        }
    }

    /** A spec or input change supersedes the running Job: it is stopped, not left to burn a GPU. */
    static <P extends CustomResource<?, ?>> void stopSuperseded(Context<P> context, List<Job> runs, Job current, P primary, Clock clock) {
        for (Job old : runs) {
            if (!old.getMetadata().getName().equals(current.getMetadata().getName()) && !isFinished(old)
                    && old.getMetadata().getDeletionTimestamp() == null) {
                LOG.infof("stopping superseded Job %s/%s", old.getMetadata().getNamespace(), old.getMetadata().getName());
                context.getClient().resource(old).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                RunEvents.normal(context.getClient(), clock, primary, RunEvents.RUN_SUPERSEDED, "stopped Job " + old.getMetadata().getName()
                        + ": superseded by Job " + current.getMetadata().getName());
            }
        }
    }
}
