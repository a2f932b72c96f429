package io.syncabel.operator.runs;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.syncabel.api.v1alpha1.common.Conditions;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads pods the way a person would with {@code kubectl describe}: image pulls that fail, crash
 * loops, OOM kills and pods no node can take. Used so nothing is reported Ready or Running while
 * its pods cannot run.
 */
public final class PodProblems {
    /** The kubelet's first word on a failed pull; it turns into ImagePullBackOff between retries. */
    static final String ERR_IMAGE_PULL = "ErrImagePull";
    /** Container waiting reasons that do not clear up by themselves, each reported as the reason of the same name. */
    static final Set<String> BROKEN_WAITING = Set.of(Conditions.REASON_IMAGE_PULL_BACK_OFF, ERR_IMAGE_PULL,
            Conditions.REASON_INVALID_IMAGE_NAME, Conditions.REASON_CRASH_LOOP_BACK_OFF, Conditions.REASON_CREATE_CONTAINER_CONFIG_ERROR,
            Conditions.REASON_CREATE_CONTAINER_ERROR, Conditions.REASON_RUN_CONTAINER_ERROR);

    private PodProblems() {
    }

    /** The first problem among live pods, in name order so the answer is stable. */
    public static Optional<Problem> find(Collection<Pod> pods) {
        return pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .flatMap(p -> of(p).stream())
                .findFirst();
    }

    public static Optional<Problem> of(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        String name = pod.getMetadata().getName();
        for (ContainerStatus cs : statuses(pod)) {
            ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
            if (waiting != null && BROKEN_WAITING.contains(waiting.getReason())) {
                // one reason for a failing pull, so Ready does not flap between ErrImagePull and ImagePullBackOff
                String reason = ERR_IMAGE_PULL.equals(waiting.getReason()) ? Conditions.REASON_IMAGE_PULL_BACK_OFF : waiting.getReason();
                String last = lastTermination(cs).map(t -> " (last exit: " + describe(t) + ")").orElse("");
                return Optional.of(new Problem(reason, "pod " + name + ": container " + cs.getName() + ": " + waiting.getReason()
                        + ": " + text(waiting.getMessage()) + last));
            }
            Optional<ContainerStateTerminated> oom = Stream.of(cs.getState() == null ? null : cs.getState().getTerminated(),
                    cs.getLastState() == null ? null : cs.getLastState().getTerminated())
                    .filter(t -> t != null && "OOMKilled".equals(t.getReason())).findFirst();
            if (oom.isPresent()) {
                return Optional.of(new Problem(Conditions.REASON_OOM_KILLED, "pod " + name + ": container " + cs.getName()
                        + " was killed for exceeding its memory limit (OOMKilled, exit " + oom.get().getExitCode() + ")"));
            }
        }
        for (PodCondition c : Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of())) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && Conditions.REASON_UNSCHEDULABLE.equals(c.getReason())) {
                return Optional.of(new Problem(Conditions.REASON_UNSCHEDULABLE, "pod " + name + " cannot be scheduled: " + text(c.getMessage())));
            }
        }
        return Optional.empty();
    }

    /** A failed container's own words: its termination message or reason and exit code. */
    public static Optional<String> failure(Pod pod) {
        return statuses(pod).stream()
                .map(cs -> cs.getState() == null ? null : cs.getState().getTerminated())
                .filter(t -> t != null && t.getExitCode() != null && t.getExitCode() != 0)
                .findFirst()
                .map(t -> "pod " + pod.getMetadata().getName() + ": " + describe(t));
    }

    static List<ContainerStatus> statuses(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        return Stream.concat(Optional.ofNullable(pod.getStatus().getInitContainerStatuses()).orElse(List.of()).stream(),
                Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of()).stream()).toList();
    }

    static Optional<ContainerStateTerminated> lastTermination(ContainerStatus cs) {
        return Optional.ofNullable(cs.getLastState()).map(s -> s.getTerminated());
    }

    static String describe(ContainerStateTerminated t) {
        String what = Optional.ofNullable(t.getReason()).orElse("Error") + ", exit " + t.getExitCode();
        String message = t.getMessage() == null ? "" : ": " + truncate(t.getMessage().strip(), 300);
        return what + message;
    }

    static String text(String s) {
        return s == null ? "" : truncate(s, 300);
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
