package io.syncabel.api.v1alpha1.common;

import java.util.Set;

/**
 * Condition types and reasons every kind uses, so operator, CLI and Argo CD health checks agree.
 * argocd/health.lua's reason lists are generated from {@link #DEGRADED_REASONS} and
 * {@link #SUSPENDED_REASONS} (ArgoCdHealthCheckTest fails when they drift).
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String PAUSED = "Paused";
    /**
     * True while a referenced resource is making a newer result than the one this resource's finished
     * result was made from: the result stands (Ready is kept) until the new input is there.
     */
    public static final String UPSTREAM_CHANGED = "UpstreamChanged";

    public static final String REASON_SUCCEEDED = "Succeeded";
    public static final String REASON_RUNNING = "Running";
    public static final String REASON_PENDING = "Pending";
    public static final String REASON_FAILED = "Failed";
    public static final String REASON_PAUSED = "Paused";
    public static final String REASON_QUEUED = "Queued";
    /** Prefix of "Waiting&lt;Kind&gt;" reasons, e.g. WaitingKnowledgeBase. */
    public static final String REASON_WAITING_PREFIX = "Waiting";
    /** The cleanup Job is deleting the artifacts of a resource being deleted. */
    public static final String REASON_DELETING = "Deleting";
    /**
     * A resource being deleted with artifactPolicy Delete whose artifacts another resource still
     * references (a TrainingRun a LinkerDeployment serves): the artifacts and the finalizer stay until
     * those references are gone.
     */
    public static final String REASON_ARTIFACTS_IN_USE = "ArtifactsInUse";
    /** The resource cannot be acted on as written (e.g. it has no spec). */
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    /** The resource names an input or a Secret this install does not allow (syncabel.inputs.*): no Job is made. */
    public static final String REASON_NOT_ALLOWED = "NotAllowed";
    /** The reconcile itself failed (the API refused a child: 403, 422, ...). */
    public static final String REASON_RECONCILE_ERROR = "ReconcileError";

    /** The Job (or ReplicaSet) cannot create its pods: admission (Pod Security, quota, webhooks) refused them. */
    public static final String REASON_FAILED_CREATE = "FailedCreate";
    /** The image cannot be pulled (the kubelet's ErrImagePull and ImagePullBackOff, reported as one reason). */
    public static final String REASON_IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
    public static final String REASON_INVALID_IMAGE_NAME = "InvalidImageName";
    /** A Secret or ConfigMap the container needs is missing (e.g. the store credentials). */
    public static final String REASON_CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";
    public static final String REASON_CREATE_CONTAINER_ERROR = "CreateContainerError";
    public static final String REASON_RUN_CONTAINER_ERROR = "RunContainerError";
    public static final String REASON_CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    public static final String REASON_OOM_KILLED = "OOMKilled";
    public static final String REASON_UNSCHEDULABLE = "Unschedulable";

    /** Ready=False reasons that need a person: Argo CD shows them Degraded. */
    public static final Set<String> DEGRADED_REASONS = Set.of(REASON_FAILED, REASON_RECONCILE_ERROR, REASON_INVALID_SPEC, REASON_NOT_ALLOWED, REASON_FAILED_CREATE,
            REASON_IMAGE_PULL_BACK_OFF, REASON_INVALID_IMAGE_NAME, REASON_CREATE_CONTAINER_CONFIG_ERROR,
            REASON_CREATE_CONTAINER_ERROR, REASON_RUN_CONTAINER_ERROR, REASON_CRASH_LOOP_BACK_OFF, REASON_OOM_KILLED,
            REASON_UNSCHEDULABLE);
    /** Ready=False reasons of a resource that waits on purpose: Argo CD shows them Suspended. */
    public static final Set<String> SUSPENDED_REASONS = Set.of(REASON_QUEUED, REASON_PAUSED);

    private Conditions() {
    }
}
