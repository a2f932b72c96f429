package io.syncabel.operator.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.operator.children.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobObserverTest {

    static Job job(boolean suspend) {
        return new JobBuilder().withNewMetadata().withName("kb-kb-1").addToLabels(Labels.KUEUE_QUEUE, "gpu").endMetadata()
                .withNewSpec().withSuspend(suspend).withCompletions(4).endSpec().build();
    }

    static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels(Labels.JOB_NAME, "kb-kb-1").endMetadata();
    }

    static Pod succeeded(String name, String index, String message) {
        return pod(name).editMetadata().addToLabels(Labels.COMPLETION_INDEX, index).endMetadata()
                .withNewStatus().withPhase("Succeeded").addNewContainerStatus().withName("runtime")
                .withNewState().withNewTerminated().withExitCode(0).withMessage(message).endTerminated().endState()
                .endContainerStatus().endStatus().build();
    }

    @Test
    void succeededShardsAddUpTheirSummaries() {
        Job job = new JobBuilder(job(false)).withNewStatus().withSucceeded(2).addNewCondition().withType("Complete").withStatus("True")
                .endCondition().withCompletionTime("2026-11-27T10:00:00Z").endStatus().build();
        RunState state = JobObserver.observe(job, List.of(
                succeeded("a", "0", "{\"examples\":10,\"failuresByReason\":{\"timeout\":1}}"),
                succeeded("b", "1", "log line\n{\"examples\":5,\"failuresByReason\":{\"timeout\":2},\"concepts\":3}"),
                succeeded("other-job", "0", "{\"examples\":1000}").toBuilder().editMetadata().addToLabels(Labels.JOB_NAME, "x").endMetadata().build()));
        assertThat(state.phase()).isEqualTo(RunState.Phase.SUCCEEDED);
        assertThat(state.summary().get("examples").asLong()).isEqualTo(15);
        assertThat(state.summary().get("failuresByReason").get("timeout").asLong()).isEqualTo(3);
        assertThat(state.summary().get("concepts").asLong()).isEqualTo(3);
        assertThat(state.completionTime()).isEqualTo("2026-11-27T10:00:00Z");
    }

    @Test
    void deadlineExceededWithAnOomKilledPodIsFailedWithBothInTheMessage() {
        Job job = new JobBuilder(job(false)).withNewStatus().addNewCondition().withType("Failed").withStatus("True")
                .withReason("DeadlineExceeded").withMessage("Job was active longer than specified deadline").endCondition().endStatus().build();
        Pod oom = pod("p1").withNewStatus().withPhase("Failed").addNewContainerStatus().withName("runtime")
                .withNewState().withNewTerminated().withExitCode(137).withReason("OOMKilled").endTerminated().endState()
                .endContainerStatus().endStatus().build();
        RunState state = JobObserver.observe(job, List.of(oom));
        assertThat(state.phase()).isEqualTo(RunState.Phase.FAILED);
        assertThat(state.reason()).isEqualTo("Failed");
        assertThat(state.message()).contains("DeadlineExceeded", "deadline", "OOMKilled", "p1");
    }

    @Test
    void podProblemsOfARunningJobBecomeTheReason() {
        Job job = new JobBuilder(job(false)).withNewStatus().withActive(1).endStatus().build();
        Pod pull = pod("p1").withNewStatus().addNewContainerStatus().withName("runtime")
                .withNewState().withNewWaiting().withReason("ErrImagePull").withMessage("not found").endWaiting().endState()
                .endContainerStatus().endStatus().build();
        assertThat(JobObserver.observe(job, List.of(pull)).reason()).isEqualTo("ImagePullBackOff");

        Pod crash = pod("p1").withNewStatus().addNewContainerStatus().withName("runtime")
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .withNewLastState().withNewTerminated().withExitCode(1).withMessage("boom").endTerminated().endLastState()
                .endContainerStatus().endStatus().build();
        RunState crashing = JobObserver.observe(job, List.of(crash));
        assertThat(crashing.reason()).isEqualTo("CrashLoopBackOff");
        assertThat(crashing.message()).contains("boom");

        Pod pending = pod("p1").withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes have nvidia.com/gpu").endCondition().endStatus().build();
        RunState unschedulable = JobObserver.observe(new JobBuilder(job(false)).build(), List.of(pending));
        assertThat(unschedulable.reason()).isEqualTo("Unschedulable");
        assertThat(unschedulable.message()).contains("nvidia.com/gpu");
    }

    static Event failedCreate(String job, String uid, String at, String message) {
        return new EventBuilder().withNewMetadata().withName(job + "." + at).endMetadata().withType("Warning")
                .withReason("FailedCreate").withMessage(message).withLastTimestamp(at)
                .withNewInvolvedObject().withKind("Job").withName(job).withUid(uid).endInvolvedObject().build();
    }

    @Test
    void aJobWhosePodsAdmissionRefusesIsFailedCreateNotWaitingForever() {
        Job job = new JobBuilder(job(false)).editMetadata().withUid("u-1").endMetadata().build();
        assertThat(JobObserver.waitsForPods(job, List.of())).isTrue();
        RunState state = JobObserver.observe(job, List.of(), List.of(
                failedCreate("kb-kb-1", "u-0", "2026-11-27T10:09:00Z", "of an earlier Job of the same name"),
                failedCreate("kb-kb-1", "u-1", "2026-11-27T10:00:00Z", "quota exceeded"),
                failedCreate("kb-kb-1", "u-1", "2026-11-27T10:01:00Z", "Error creating: pods \"kb-kb-1-x\" is forbidden: "
                        + "violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false")));
        assertThat(state.phase()).isEqualTo(RunState.Phase.PENDING);
        assertThat(state.reason()).isEqualTo(Conditions.REASON_FAILED_CREATE);
        assertThat(state.message()).startsWith("Job kb-kb-1 cannot create its pods: ").contains("PodSecurity", "restricted");

        Pod running = pod("p1").withNewStatus().withPhase("Running").endStatus().build();
        assertThat(JobObserver.waitsForPods(job, List.of(running))).as("pods exist: their own state counts").isFalse();
        assertThat(JobObserver.observe(job, List.of(running), List.of(failedCreate("kb-kb-1", "u-1", "t", "old"))).reason())
                .isEqualTo(Conditions.REASON_PENDING);
        assertThat(JobObserver.waitsForPods(job(true), List.of())).as("suspended: no pods expected").isFalse();
    }

    @Test
    void containersThatCannotStartNameTheirReason() {
        Job job = new JobBuilder(job(false)).withNewStatus().withActive(1).endStatus().build();
        for (String reason : List.of("CreateContainerConfigError", "InvalidImageName", "ImagePullBackOff", "CreateContainerError")) {
            Pod pod = pod("p1").withNewStatus().withPhase("Pending").addNewContainerStatus().withName("runtime")
                    .withNewState().withNewWaiting().withReason(reason).withMessage("secret \"store\" not found").endWaiting().endState()
                    .endContainerStatus().endStatus().build();
            RunState state = JobObserver.observe(job, List.of(pod));
            assertThat(state.reason()).isEqualTo(reason);
            assertThat(state.message()).contains("p1", "runtime", reason, "not found");
            assertThat(Conditions.DEGRADED_REASONS).contains(reason);
        }
    }

    @Test
    void aSuspendedJobWithAQueueIsQueued() {
        RunState state = JobObserver.observe(job(true), List.of());
        assertThat(state.phase()).isEqualTo(RunState.Phase.QUEUED);
        assertThat(state.reason()).isEqualTo("Queued");
        assertThat(state.message()).contains("Kueue", "gpu");
    }
}
