package io.syncabel.operator.reconcile;

import io.syncabel.api.v1alpha1.common.ArtifactInput;
import java.util.List;
import java.util.Map;

/** What a stage's references resolved to: either everything it reads, or what it waits for. */
public sealed interface Inputs {

    /** Every referenced resource is Ready for its current generation. */
    record Resolved(Map<String, String> env, List<ArtifactInput> lineage) implements Inputs {
    }

    /** A referenced resource is missing or not Ready: reason Waiting&lt;Kind&gt;. */
    record Waiting(String reason, String message) implements Inputs {
    }
}
