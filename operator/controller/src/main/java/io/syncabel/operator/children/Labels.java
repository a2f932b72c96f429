package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels every child (and its pods) carries, so informers select them and people can find them. */
public final class Labels {
    public static final String KIND = "syncabel.io/kind";
    public static final String NAME = "syncabel.io/name";
    public static final String GENERATION = "syncabel.io/generation";
    /** run (the stage itself) or cleanup (artifact deletion). */
    public static final String ROLE = "syncabel.io/role";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "syncabel-operator";
    public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
    /** Set by Kubernetes on the pods of a Job. */
    public static final String JOB_NAME = "batch.kubernetes.io/job-name";
    public static final String JOB_NAME_LEGACY = "job-name";
    public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

    public static final String ROLE_RUN = "run";
    public static final String ROLE_CLEANUP = "cleanup";

    private Labels() {
    }

    /** Kubernetes limits label values to 63 characters; resource names may have up to 253. */
    public static final int MAX_VALUE = 63;

    /**
     * A resource name as a label value: itself when it fits, else its head and a hash of the whole
     * ({@code <head>-<8 hex>}, 63 characters), so two long names that share a head still differ.
     */
    public static String value(String name) {
        if (name.length() <= MAX_VALUE) {
            return name;
        }
        String hash = Names.sha256Hex(name).substring(0, 8);
        String head = name.substring(0, MAX_VALUE - hash.length() - 1).replaceAll("[^A-Za-z0-9]+$", "");
        return head + "-" + hash;
    }

    /** Selector the operator's informers use for the children of one kind. */
    public static String selectorFor(Class<? extends HasMetadata> kind) {
        return MANAGED_BY + "=" + OPERATOR + "," + KIND + "=" + HasMetadata.getKind(kind);
    }

    /**
     * The labels of a long-lived pod template (the linker's): those of {@link #of} without the
     * generation, so an edit that does not change the pods (replicas, autoscaling, service) rolls none.
     */
    public static Map<String, String> ofPods(HasMetadata owner, String role) {
        Map<String, String> labels = of(owner, role);
        labels.remove(GENERATION);
        return labels;
    }

    public static Map<String, String> of(HasMetadata owner, String role) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "syncabel");
        labels.put("app.kubernetes.io/instance", value(owner.getMetadata().getName()));
        labels.put("app.kubernetes.io/component", owner.getKind().toLowerCase());
        labels.put("app.kubernetes.io/part-of", "syncabel");
        labels.put(MANAGED_BY, OPERATOR);
        labels.put(KIND, owner.getKind());
        labels.put(NAME, value(owner.getMetadata().getName()));
        labels.put(GENERATION, String.valueOf(owner.getMetadata().getGeneration()));
        labels.put(ROLE, role);
        return labels;
    }
}
