package io.syncabel.operator.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where one run (a Job) stands, read from the Job and its pods.
 *
 * @param summary the termination summary (empty until the run succeeded)
 */
public record RunState(Phase phase, String reason, String message, String startTime, String completionTime,
        ObjectNode summary, Integer succeeded, Integer completions) {

    public enum Phase { PENDING, QUEUED, RUNNING, SUCCEEDED, FAILED }
}
