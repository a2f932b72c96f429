package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Lineage: one input an output artifact was made from, with the digest of its manifest. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArtifactInput {
    @JsonPropertyDescription("Kind of the resource that produced the input, or Source for a raw file.")
    private String kind;
    @JsonPropertyDescription("Name of that resource, or the file name.")
    private String name;
    @JsonPropertyDescription("Artifact URI.")
    private String uri;
    @JsonPropertyDescription("sha256 of the input's manifest.json (or of the raw file).")
    private String digest;
}
