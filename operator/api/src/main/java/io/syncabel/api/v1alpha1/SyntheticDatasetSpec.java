package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.syncabel.api.v1alpha1.common.Bounds;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.api.v1alpha1.common.JobStageSpec;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import java.util.List;
import lombok.Data;
import lombok.EqualsAndHashCode;
import lombok.NoArgsConstructor;

@Data
@EqualsAndHashCode(callSuper = true)
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SyntheticDatasetSpec extends JobStageSpec {
    @Required
    @JsonPropertyDescription("The KnowledgeBase whose concepts get examples.")
    private LocalObjectRef knowledgeBaseRef;

    @JsonPropertyDescription("Which concepts get examples (default: all).")
    private Selection selection;

    @Required
    @JsonPropertyDescription("How examples are written: an LLM endpoint, or the offline template generator.")
    private Generator generator;

    @JsonPropertyDescription("Real annotated sentences used as style examples in prompts and as contexts by the template generator.")
    private CorpusSource styleCorpus;

    @Min(1)
    @JsonPropertyDescription("Number of shards (an Indexed Job with this many completions; default 1).")
    private Integer shards;

    @Min(1)
    @JsonPropertyDescription("Shards run at once (default: all).")
    private Integer parallelism;

    @Min(0)
    @JsonPropertyDescription("Retries of one shard before it is marked failed (default 2).")
    private Integer backoffLimitPerIndex;

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.mode != 'groups' || (has(self.groups) && size(self.groups) > 0)", message = "mode groups needs groups")
    @ValidationRule(value = "self.mode != 'sample' || has(self.sampleSize)", message = "mode sample needs sampleSize")
    @ValidationRule(value = "self.mode != 'unseen' || has(self.seenIn)", message = "mode unseen needs seenIn")
    public static class Selection {
        @Required
        @JsonPropertyDescription("all, groups (only the listed groups), sample (a seeded sample) or unseen (concepts absent from seenIn).")
        private Mode mode;
        @JsonPropertyDescription("Groups to keep when mode is groups.")
        @Size(max = Bounds.CODES)
        private List<@Size(max = Bounds.CODE) String> groups;
        @Min(1)
        @JsonPropertyDescription("Concepts to sample when mode is sample.")
        private Integer sampleSize;
        @JsonPropertyDescription("Seed of the sample and of every random choice (default 42).")
        private Long seed;
        @JsonPropertyDescription("Training corpus whose concepts count as seen when mode is unseen.")
        private CorpusSource seenIn;
    }

    public enum Mode {
        @JsonProperty("all") ALL,
        @JsonProperty("groups") GROUPS,
        @JsonProperty("sample") SAMPLE,
        @JsonProperty("unseen") UNSEEN
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.type != 'llm' || has(self.llm)", message = "generator type llm needs llm")
    public static class Generator {
        @Required
        @JsonPropertyDescription("llm (an OpenAI-compatible endpoint) or template (offline, no LLM).")
        private GeneratorType type;
        @JsonPropertyDescription("The LLM endpoint when type is llm.")
        private LlmEndpoint llm;
        @Min(1)
        @JsonPropertyDescription("Examples written per concept (default 5).")
        private Integer examplesPerConcept;
        @JsonPropertyDescription("Prompt and template language: en, fr or es (default en).")
        private Language language;
    }

    public enum GeneratorType {
        @JsonProperty("llm") LLM,
        @JsonProperty("template") TEMPLATE
    }

    public enum Language {
        @JsonProperty("en") EN,
        @JsonProperty("fr") FR,
        @JsonProperty("es") ES
    }
}
