package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to a resource's artifacts in the store when the resource is deleted. */
public enum ArtifactPolicy {
    /** Artifacts outlive the resource (the default): models and datasets are expensive to remake. */
    @JsonProperty("Retain") RETAIN,
    /** Artifacts are deleted with the resource (the operator adds a finalizer only then). */
    @JsonProperty("Delete") DELETE
}
