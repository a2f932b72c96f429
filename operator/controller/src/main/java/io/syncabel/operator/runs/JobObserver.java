package io.syncabel.operator.runs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.operator.children.Labels;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a Job and its pods into a {@link RunState}: pure, so it is tested without a cluster. */
public final class JobObserver {
    private JobObserver() {
    }

    /** The pods Kubernetes made for this Job (by the job-name label it sets). */
    public static List<Pod> podsOf(Job job, Collection<Pod> pods) {
        String name = job.getMetadata().getName();
        return pods.stream().filter(p -> {
            Map<String, String> labels = Optional.ofNullable(p.getMetadata().getLabels()).orElse(Map.of());
            return name.equals(labels.get(Labels.JOB_NAME)) || name.equals(labels.get(Labels.JOB_NAME_LEGACY));
        }).toList();
    }

    public static RunState observe(Job job, Collection<Pod> allPods) {
        return observe(job, allPods, List.of());
    }

    /**
     * Whether the Job should have pods and has none: the case in which only its Events say why
     * (the Job controller records admission refusals as FailedCreate Events, never in the Job's status).
     */
    public static boolean waitsForPods(Job job, Collection<Pod> allPods) {
        JobStatus status = Optional.ofNullable(job.getStatus()).orElseGet(JobStatus::new);
        return !Boolean.TRUE.equals(job.getSpec().getSuspend())
                && condition(status, "Complete").isEmpty() && condition(status, "Failed").isEmpty()
                && podsOf(job, allPods).stream().noneMatch(p -> p.getMetadata().getDeletionTimestamp() == null);
    }

    /**
     * @param events Events about this Job (read only when it {@link #waitsForPods}); a FailedCreate among them
     *               is why its pods do not exist
     */
    public static RunState observe(Job job, Collection<Pod> allPods, Collection<Event> events) {
        List<Pod> pods = podsOf(job, allPods);
        String name = job.getMetadata().getName();
        JobStatus status = Optional.ofNullable(job.getStatus()).orElseGet(JobStatus::new);
        Integer completions = job.getSpec().getCompletions();
        Integer succeeded = status.getSucceeded();
        String start = status.getStartTime();

        Optional<JobCondition> complete = condition(status, "Complete");
        if (complete.isPresent()) {
            List<Pod> done = pods.stream().filter(p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase())).toList();
            return new RunState(RunState.Phase.SUCCEEDED, Conditions.REASON_SUCCEEDED, "Job " + name + " succeeded",
                    start, Optional.ofNullable(status.getCompletionTime()).orElse(complete.get().getLastTransitionTime()),
                    TerminationSummary.of(done), succeeded, completions);
        }
        Optional<JobCondition> failed = condition(status, "Failed");
        if (failed.isPresent()) {
            JobCondition c = failed.get();
            String detail = PodProblems.find(pods).map(Problem::message)
                    .or(() -> pods.stream().flatMap(p -> PodProblems.failure(p).stream()).findFirst())
                    .map(d -> "; " + d).orElse("");
            String message = "Job " + name + " failed (" + Optional.ofNullable(c.getReason()).orElse("Failed") + ")"
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()) + detail;
            return new RunState(RunState.Phase.FAILED, Conditions.REASON_FAILED, message, start, c.getLastTransitionTime(),
                    JsonNodeFactory.instance.objectNode(), succeeded, completions);
        }
        if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            String queue = Optional.ofNullable(job.getMetadata().getLabels()).map(l -> l.get(Labels.KUEUE_QUEUE)).orElse(null);
            String message = queue != null
                    ? "Job " + name + " is waiting for Kueue to admit it in queue " + queue
                    : "Job " + name + " is suspended (spec.suspend)";
            return new RunState(RunState.Phase.QUEUED, Conditions.REASON_QUEUED, message, start, null,
                    JsonNodeFactory.instance.objectNode(), succeeded, completions);
        }
        Optional<Problem> problem = PodProblems.find(pods)
                .or(() -> waitsForPods(job, pods) ? failedCreate(job, events) : Optional.empty());
        boolean active = Optional.ofNullable(status.getActive()).orElse(0) > 0;
        RunState.Phase phase = active ? RunState.Phase.RUNNING : RunState.Phase.PENDING;
        String reason = problem.map(Problem::reason).orElse(active ? Conditions.REASON_RUNNING : Conditions.REASON_PENDING);
        String message = problem.map(Problem::message).orElseGet(() -> active
                ? "Job " + name + " is running" + shards(succeeded, completions)
                : "Job " + name + " is waiting for its pods");
        return new RunState(phase, reason, message, start, null, JsonNodeFactory.instance.objectNode(), succeeded, completions);
    }

    /** The latest FailedCreate warning about this Job (by uid when the Event names one). */
    static Optional<Problem> failedCreate(Job job, Collection<Event> events) {
        String name = job.getMetadata().getName();
        String uid = job.getMetadata().getUid();
        return events.stream()
                .filter(e -> Conditions.REASON_FAILED_CREATE.equals(e.getReason()) && e.getInvolvedObject() != null
                        && "Job".equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName())
                        && (uid == null || e.getInvolvedObject().getUid() == null || uid.equals(e.getInvolvedObject().getUid())))
                .max(Comparator.comparing(JobObserver::lastSeen))
                .map(e -> new Problem(Conditions.REASON_FAILED_CREATE, "Job " + name + " cannot create its pods: "
                        + PodProblems.text(e.getMessage())));
    }

    static String lastSeen(Event e) {
        return Optional.ofNullable(e.getLastTimestamp())
                .or(() -> Optional.ofNullable(e.getEventTime()).map(t -> t.getTime()))
                .or(() -> Optional.ofNullable(e.getMetadata()).map(m -> m.getCreationTimestamp()))
                .orElse("");
    }

    static String shards(Integer succeeded, Integer completions) {
        if (completions == null || completions <= 1) {
            return "";
        }
        return " (" + Optional.ofNullable(succeeded).orElse(0) + "/" + completions + " shards done)";
    }

    static Optional<JobCondition> condition(JobStatus status, String type) {
        return Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }
}
