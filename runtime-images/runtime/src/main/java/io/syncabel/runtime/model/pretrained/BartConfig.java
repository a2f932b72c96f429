package io.syncabel.runtime.model.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.text.UserError;
import java.util.Locale;

/**
 * The shape and special tokens of a BART-family checkpoint (BART, BioBART, mBART, mBART-50), read from its
 * Hugging Face {@code config.json}. The architecture follows {@code model_type} as transformers does:
 * {@code bart} is post-layer-norm, {@code mbart} pre-layer-norm with a final LayerNorm after the encoder
 * and after the decoder; both have a LayerNorm on the embeddings and learned positions offset by 2.
 *
 * @param modelType {@code bart} or {@code mbart}
 * @param preLayerNorm LayerNorm before each sub-layer plus final LayerNorms (mBART), else after (BART)
 * @param activation {@code gelu} (exact, erf) or {@code relu}
 * @param maxPositions {@code max_position_embeddings}: longest source, and decoder positions per hypothesis
 * @param scaleEmbedding token embeddings multiplied by sqrt(d_model) (mBART), else by 1 (BART)
 * @param forcedBosTokenId token forced right after the decoder start (mBART-50's target language code,
 *     BART-large's {@code <s>}), -1 for none
 */
public record BartConfig(String modelType, boolean preLayerNorm, int vocabSize, int dModel,
        int encoderLayers, int decoderLayers, int encoderHeads, int decoderHeads, int encoderFfnDim, int decoderFfnDim,
        String activation, int maxPositions, boolean scaleEmbedding,
        int padTokenId, int bosTokenId, int eosTokenId, int decoderStartTokenId, int forcedBosTokenId,
        float dropout, float attentionDropout, float activationDropout) {

    /** BART's learned positional embedding reserves two rows: position p reads row p + 2. */
    public static final int POSITION_OFFSET = 2;

    public BartConfig {
        if (dModel % encoderHeads != 0 || dModel % decoderHeads != 0) {
            throw new UserError("BART config: d_model " + dModel + " is not a multiple of the attention heads ("
                    + encoderHeads + ", " + decoderHeads + ")");
        }
        if (!activation.equals("gelu") && !activation.equals("relu")) {
            throw new UserError("BART config: activation_function '" + activation + "' is not supported (gelu, relu)");
        }
        for (int id : new int[] {padTokenId, eosTokenId, decoderStartTokenId}) {
            if (id < 0 || id >= vocabSize) {
                throw new UserError("BART config: special token id " + id + " outside the vocabulary of " + vocabSize);
            }
        }
        if (forcedBosTokenId >= vocabSize) {
            throw new UserError("BART config: forced_bos_token_id " + forcedBosTokenId + " outside the vocabulary of " + vocabSize);
        }
    }

    /**
     * Reads a {@code config.json}. The sizes are required; other keys default as in transformers' BartConfig.
     * {@code normalize_before} / {@code add_final_layer_norm}, which transformers ignores, must agree with
     * the model type when present, so a checkpoint of another architecture is refused instead of misread.
     *
     * @param source where the config came from, for error messages
     */
    public static BartConfig fromJson(JsonNode json, String source) {
        String type = json.path("model_type").asText("");
        boolean pre = switch (type) {
            case "bart" -> false;
            case "mbart" -> true;
            default -> throw new UserError(source + ": model_type '" + type + "' is not a BART-family model (bart, mbart)");
        };
        for (String key : new String[] {"normalize_before", "add_final_layer_norm"}) {
            if (json.has(key) && json.get(key).asBoolean() != pre) {
                throw new UserError(source + ": " + key + "=" + json.get(key).asBoolean() + " contradicts model_type " + type
                        + " (" + (pre ? "pre" : "post") + "-layer-norm); transformers would load it as " + type);
            }
        }
        if (json.has("tie_word_embeddings") && !json.get("tie_word_embeddings").asBoolean()) {
            throw new UserError(source + ": tie_word_embeddings=false is not supported (BART ties lm_head to model.shared)");
        }
        JsonNode start = json.path("decoder_start_token_id");
        int decoderStart = start.isNumber() ? start.asInt() : -1;
        if (decoderStart < 0) {
            if (pre) {
                // mBART-cc25 starts the decoder with the target language code, mBART-50 with </s>: no safe default
                throw new UserError(source + ": mbart config without decoder_start_token_id");
            }
            decoderStart = 2;
        }
        JsonNode forced = json.path("forced_bos_token_id");
        return new BartConfig(type, pre, required(json, "vocab_size", source), required(json, "d_model", source),
                required(json, "encoder_layers", source), required(json, "decoder_layers", source),
                required(json, "encoder_attention_heads", source), required(json, "decoder_attention_heads", source),
                required(json, "encoder_ffn_dim", source), required(json, "decoder_ffn_dim", source),
                json.path("activation_function").asText("gelu").toLowerCase(Locale.ROOT),
                required(json, "max_position_embeddings", source),
                json.path("scale_embedding").asBoolean(false),
                json.path("pad_token_id").asInt(1), json.path("bos_token_id").asInt(0), json.path("eos_token_id").asInt(2),
                decoderStart, forced.isNumber() ? forced.asInt() : -1,
                (float) json.path("dropout").asDouble(0.1), (float) json.path("attention_dropout").asDouble(0.0),
                (float) json.path("activation_dropout").asDouble(0.0));
    }

    private static int required(JsonNode json, String key, String source) {
        JsonNode v = json.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new UserError(source + ": " + key + ": expected a positive integer, got " + (v == null ? "nothing" : v.toString()));
        }
        return v.asInt();
    }

    /** The same model decoding into another language: mBART-50's target language code (the id of {@code en_XX} etc.). */
    public BartConfig withForcedBos(int tokenId) {
        return new BartConfig(modelType, preLayerNorm, vocabSize, dModel, encoderLayers, decoderLayers, encoderHeads,
                decoderHeads, encoderFfnDim, decoderFfnDim, activation, maxPositions, scaleEmbedding, padTokenId, bosTokenId,
                eosTokenId, decoderStartTokenId, tokenId, dropout, attentionDropout, activationDropout);
    }

    /** Decoder tokens fed before anything is scored: the start token, then the forced BOS if any. */
    public int[] decoderPrefix() {
        return forcedBosTokenId < 0 ? new int[] {decoderStartTokenId} : new int[] {decoderStartTokenId, forcedBosTokenId};
    }
}
