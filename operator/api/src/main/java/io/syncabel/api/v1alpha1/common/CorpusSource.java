package io.syncabel.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** An annotated corpus: where it is, how it is written, and which split it plays. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CorpusSource {
    @Required
    @Pattern(Uris.INPUT)
    @JsonPropertyDescription("Corpus location: s3://bucket/key, https://..., or file:path (a file, or a folder for BRAT).")
    @Size(max = Bounds.URI)
    private String uri;

    @Required
    @JsonPropertyDescription("Corpus format.")
    private Format format;

    @JsonPropertyDescription("Role of this corpus; defaults to train for TrainingRun corpora and test for Evaluation.")
    private Split split;

    public enum Format {
        @JsonProperty("pubtator") PUBTATOR,
        @JsonProperty("brat") BRAT,
        @JsonProperty("jsonl") JSONL
    }

    public enum Split {
        @JsonProperty("train") TRAIN,
        @JsonProperty("dev") DEV,
        @JsonProperty("test") TEST
    }
}
