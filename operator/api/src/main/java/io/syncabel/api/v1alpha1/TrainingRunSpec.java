package io.syncabel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.syncabel.api.v1alpha1.common.Bounds;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.api.v1alpha1.common.JobStageSpec;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.api.v1alpha1.common.Uris;
import java.util.List;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.EqualsAndHashCode;
import lombok.NoArgsConstructor;

@Data
@EqualsAndHashCode(callSuper = true)
@NoArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.corpora) || has(self.syntheticDatasetRefs)", message = "give corpora, syntheticDatasetRefs or both")
public class TrainingRunSpec extends JobStageSpec {
    @Required
    @JsonPropertyDescription("The KnowledgeBase whose names the model learns to generate (and whose trie constrains decoding).")
    private LocalObjectRef knowledgeBaseRef;

    @JsonPropertyDescription("Human-annotated corpora, each with its split (train or dev).")
    @io.fabric8.generator.annotation.Size(max = Bounds.INPUTS)
    private List<CorpusSource> corpora;

    @JsonPropertyDescription("SyntheticDatasets mixed into training. Without any, the KB's own names serve as synthetic examples.")
    @io.fabric8.generator.annotation.Size(max = Bounds.INPUTS)
    private List<LocalObjectRef> syntheticDatasetRefs;

    @JsonPropertyDescription("How human and synthetic examples are mixed.")
    private Mixing mixing;

    @JsonPropertyDescription("Model architecture and size.")
    private ModelSpec model;

    @JsonPropertyDescription("Optimisation settings.")
    private Hyperparameters hyperparameters;

    @JsonPropertyDescription("How the best checkpoint is chosen on the dev split.")
    private DevSelection devSelection;

    @JsonPropertyDescription("Language of the corpora: en, fr or es (default en), recorded with the model. For an mBART "
            + "checkpoint (model.pretrained) it is the language code its sources and targets carry (en_XX, fr_XX, es_XX).")
    private SyntheticDatasetSpec.Language language;

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Mixing {
        @JsonPropertyDescription("alternate (the original's: human and synthetic batches alternate, human data upsampled; default) or concatenate.")
        private MixingStrategy strategy;
        @Min(1)
        @JsonPropertyDescription("Upsampling factor of human examples when alternating (default: as many passes as make both sides equal).")
        private Integer humanUpsampling;
    }

    public enum MixingStrategy {
        @JsonProperty("alternate") ALTERNATE,
        @JsonProperty("concatenate") CONCATENATE
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.dense) || self.dense || !has(self.densePretrained)",
            message = "dense: false trains no dense retriever; leave out densePretrained or dense")
    public static class ModelSpec {
        @JsonPropertyDescription("encoder-decoder (default).")
        private Architecture architecture;
        @JsonPropertyDescription("Named size: tiny (tests), small (CPU, default), base (GPU). Explicit fields below override it.")
        private Size size;
        @Min(8)
        @JsonPropertyDescription("Hidden width.")
        private Integer hiddenSize;
        @Min(1)
        @JsonPropertyDescription("Encoder layers.")
        private Integer encoderLayers;
        @Min(1)
        @JsonPropertyDescription("Decoder layers.")
        private Integer decoderLayers;
        @Min(1)
        @JsonPropertyDescription("Attention heads (must divide hiddenSize).")
        private Integer heads;
        @Min(8)
        @JsonPropertyDescription("Feed-forward width.")
        private Integer ffnSize;
        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Dropout rate.")
        private Double dropout;
        @Min(64)
        @JsonPropertyDescription("BPE vocabulary size of the tokenizer trained on KB names and corpus text.")
        private Integer vocabSize;
        @Min(8)
        @JsonPropertyDescription("Maximum source tokens (context around the mention).")
        private Integer maxSourceLength;
        @Min(4)
        @JsonPropertyDescription("Maximum target tokens.")
        private Integer maxTargetLength;
        @JsonPropertyDescription("A pretrained Hugging Face checkpoint to start from (passed as `syncabel train --pretrained`): "
                + "a BART-family one (BART, BioBART, mBART-50) is fine-tuned as the generator with its own tokenizer; a BERT-family "
                + "one (SapBERT, PubMedBERT, MiniLM) becomes the dense retriever trained beside the model. Part of the run like "
                + "every other spec field: a new uri or digest trains a new model.")
        private Pretrained pretrained;
        @JsonPropertyDescription("A pretrained BERT-family checkpoint (SapBERT, PubMedBERT, MiniLM) the dense retriever is "
                + "fine-tuned from when spec.model.pretrained is the generator's (passed as `syncabel train --dense-pretrained`), "
                + "so one run trains a BART generator and a SapBERT-style retriever, and the re-ranker learns from both. "
                + "Not with a BERT-family spec.model.pretrained, which is the dense encoder already.")
        private Pretrained densePretrained;
        @JsonPropertyDescription("Whether the run also fine-tunes the SapBERT-style dense retriever, whose candidates and "
                + "cosines the re-ranker, link and serve then use (default true): from densePretrained, from a BERT-family "
                + "pretrained, or else from the encoder the runtime image carries (all-MiniLM-L6-v2, which its "
                + "SYNCABEL_DENSE_ENCODER names). false: none (passed as `syncabel train --no-dense`); not with densePretrained.")
        private Boolean dense;
    }

    @Data
    @NoArgsConstructor
    @AllArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Pretrained {
        /** How a checkpoint's digest is written: the algorithm, a colon, 64 lowercase hex digits. */
        public static final String DIGEST = "^sha256:[0-9a-f]{64}$";

        @Required
        @Pattern(Uris.INPUT)
        @JsonPropertyDescription("Prefix of the checkpoint in the Hugging Face layout (config.json, model.safetensors or its shards, "
                + "tokenizer.json), e.g. s3://models/sapbert/ or file:/models/minilm/.")
        @io.fabric8.generator.annotation.Size(max = Bounds.URI)
        private String uri;

        @Pattern(DIGEST)
        @JsonPropertyDescription("Expected digest of the checkpoint, sha256:<64 hex> as the model artifact's lineage records it "
                + "(passed as --pretrained-digest or --dense-pretrained-digest); training fails when the checkpoint read differs. "
                + "Default: not checked.")
        @io.fabric8.generator.annotation.Size(max = 71)
        private String digest;
    }

    public enum Architecture {
        @JsonProperty("encoder-decoder") ENCODER_DECODER
    }

    public enum Size {
        @JsonProperty("tiny") TINY,
        @JsonProperty("small") SMALL,
        @JsonProperty("base") BASE
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Hyperparameters {
        @Min(1)
        private Integer epochs;
        @Min(1)
        private Integer batchSize;
        @Min(0)
        @JsonPropertyDescription("Peak learning rate of AdamW.")
        private Double learningRate;
        @Min(0)
        @JsonPropertyDescription("Linear warmup steps before decay.")
        private Integer warmupSteps;
        @Min(0)
        @Max(1)
        private Double labelSmoothing;
        @Min(0)
        private Double weightDecay;
        @Min(0)
        @JsonPropertyDescription("Global gradient-norm clipping.")
        private Double gradientClip;
        @JsonPropertyDescription("Seed of initialisation, shuffling and dropout (default 42).")
        private Long seed;
    }

    @Data
    @NoArgsConstructor
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DevSelection {
        @JsonPropertyDescription("recall-at-1 (default) or loss.")
        private DevMetric metric;
        @Min(1)
        @JsonPropertyDescription("Evaluate (and checkpoint) every this many steps (default: once per epoch).")
        private Integer everySteps;
        @Min(1)
        @JsonPropertyDescription("Dev mentions scored per evaluation (default: all).")
        private Integer maxMentions;
    }

    public enum DevMetric {
        @JsonProperty("recall-at-1") RECALL_AT_1,
        @JsonProperty("loss") LOSS
    }
}
