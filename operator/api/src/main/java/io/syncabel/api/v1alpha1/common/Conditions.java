package io.syncabel.api.v1alpha1.common;

/** Condition types and reasons every kind uses, so operator, CLI and Argo CD health checks agree. */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String PAUSED = "Paused";

    public static final String REASON_SUCCEEDED = "Succeeded";
    public static final String REASON_RUNNING = "Running";
    public static final String REASON_PENDING = "Pending";
    public static final String REASON_FAILED = "Failed";
    public static final String REASON_PAUSED = "Paused";
    public static final String REASON_QUEUED = "Queued";
    /** Prefix of "Waiting&lt;Kind&gt;" reasons, e.g. WaitingKnowledgeBase. */
    public static final String REASON_WAITING_PREFIX = "Waiting";

    private Conditions() {
    }
}
