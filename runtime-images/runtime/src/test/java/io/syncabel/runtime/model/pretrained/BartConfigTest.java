package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.text.UserError;
import org.junit.jupiter.api.Test;

class BartConfigTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The keys of facebook/mbart-large-50's config.json that matter here (values as published). */
    static final String MBART_50 = """
            {"model_type": "mbart", "activation_function": "gelu", "d_model": 1024, "vocab_size": 250054,
             "encoder_layers": 12, "decoder_layers": 12, "encoder_attention_heads": 16, "decoder_attention_heads": 16,
             "encoder_ffn_dim": 4096, "decoder_ffn_dim": 4096, "max_position_embeddings": 1024,
             "normalize_before": true, "add_final_layer_norm": true, "scale_embedding": true,
             "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2,
             "dropout": 0.1, "attention_dropout": 0.0, "activation_dropout": 0.0}""";

    /** A config shaped like facebook/bart-base's, with BART-large's forced_bos_token_id 0. */
    static final String BART_BASE = """
            {"model_type": "bart", "activation_function": "gelu", "d_model": 768, "vocab_size": 50265,
             "encoder_layers": 6, "decoder_layers": 6, "encoder_attention_heads": 12, "decoder_attention_heads": 12,
             "encoder_ffn_dim": 3072, "decoder_ffn_dim": 3072, "max_position_embeddings": 1024,
             "normalize_before": false, "add_final_layer_norm": false, "scale_embedding": false,
             "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2, "forced_bos_token_id": 0}""";

    static ObjectNode parse(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void mbart50IsPreLayerNormWithScaledEmbeddingsAndTakesATargetLanguage() throws Exception {
        BartConfig c = BartConfig.fromJson(parse(MBART_50), "mbart-large-50/config.json");
        assertThat(c.preLayerNorm()).isTrue();
        assertThat(c.scaleEmbedding()).isTrue();
        assertThat(c.dModel()).isEqualTo(1024);
        assertThat(c.vocabSize()).isEqualTo(250054);
        assertThat(c.decoderPrefix()).containsExactly(2);
        // en_XX is id 250004 in mBART-50's tokenizer.json
        assertThat(c.withForcedBos(250004).decoderPrefix()).containsExactly(2, 250004);
    }

    @Test
    void bartIsPostLayerNormAndForcesItsBos() throws Exception {
        BartConfig c = BartConfig.fromJson(parse(BART_BASE), "bart-base/config.json");
        assertThat(c.preLayerNorm()).isFalse();
        assertThat(c.scaleEmbedding()).isFalse();
        assertThat(c.encoderLayers()).isEqualTo(6);
        assertThat(c.activation()).isEqualTo("gelu");
        assertThat(c.decoderPrefix()).containsExactly(2, 0);
        assertThat(c.padTokenId()).isEqualTo(1);
    }

    @Test
    void wrongOrMissingKeysAreNamed() throws Exception {
        assertThatThrownBy(() -> BartConfig.fromJson(parse(BART_BASE).put("model_type", "bert"), "c.json"))
                .isInstanceOf(UserError.class).hasMessage("c.json: model_type 'bert' is not a BART-family model (bart, mbart)");
        assertThatThrownBy(() -> BartConfig.fromJson(parse(BART_BASE).put("normalize_before", true), "c.json"))
                .isInstanceOf(UserError.class).hasMessageContaining("normalize_before=true contradicts model_type bart");
        JsonNode noWidth = parse(BART_BASE).without("d_model");
        assertThatThrownBy(() -> BartConfig.fromJson(noWidth, "c.json"))
                .isInstanceOf(UserError.class).hasMessage("c.json: d_model: expected a positive integer, got nothing");
        assertThatThrownBy(() -> BartConfig.fromJson(parse(BART_BASE).put("activation_function", "silu"), "c.json"))
                .isInstanceOf(UserError.class).hasMessageContaining("activation_function 'silu' is not supported");
        assertThatThrownBy(() -> BartConfig.fromJson(parse(MBART_50).without("decoder_start_token_id"), "c.json"))
                .isInstanceOf(UserError.class).hasMessageContaining("mbart config without decoder_start_token_id");
        assertThatThrownBy(() -> BartConfig.fromJson(parse(BART_BASE).put("encoder_attention_heads", 7), "c.json"))
                .isInstanceOf(UserError.class).hasMessageContaining("d_model 768 is not a multiple of the attention heads");
    }
}
