package io.syncabel.runtime.model.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random-weight BART-family checkpoints in the Hugging Face layout, written out name by name from
 * transformers' modeling_bart / modeling_mbart (not from {@link BartBlock}), so a test also checks our names.
 */
final class TinyBart {
    static final int VOCAB = 40;
    static final int D_MODEL = 16;
    static final int FFN = 24;
    static final int MAX_POSITIONS = 20;
    static final int PAD = 1;
    static final int EOS = 2;
    static final int LANGUAGE_CODE = 37; // stands in for mBART-50's en_XX

    private TinyBart() {
    }

    /** config.json of a BART (post-LN) or mBART-50 (pre-LN, scaled embeddings, forced language code) checkpoint. */
    static ObjectNode config(boolean mbart) {
        return config(mbart, VOCAB, D_MODEL, FFN, MAX_POSITIONS);
    }

    /** As above with another vocabulary, width and length (heads stay 4 and 2, layers 2 and 2). */
    static ObjectNode config(boolean mbart, int vocab, int dModel, int ffn, int maxPositions) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", mbart ? "mbart" : "bart");
        c.put("vocab_size", vocab);
        c.put("d_model", dModel);
        c.put("encoder_layers", 2);
        c.put("decoder_layers", 2);
        c.put("encoder_attention_heads", 4);
        c.put("decoder_attention_heads", 2);
        c.put("encoder_ffn_dim", ffn);
        c.put("decoder_ffn_dim", ffn + 8);
        c.put("activation_function", "gelu");
        c.put("max_position_embeddings", maxPositions);
        c.put("scale_embedding", mbart);
        c.put("normalize_before", mbart);
        c.put("add_final_layer_norm", mbart);
        c.put("pad_token_id", PAD);
        c.put("bos_token_id", 0);
        c.put("eos_token_id", EOS);
        c.put("decoder_start_token_id", EOS);
        if (mbart) {
            c.put("forced_bos_token_id", LANGUAGE_CODE);
        } else {
            c.putNull("forced_bos_token_id");
        }
        c.put("dropout", 0.1);
        return c;
    }

    /** Random weights for {@link #config}: what model.safetensors would hold, lm_head.weight omitted as tied. */
    static Map<String, HfTensor> tensors(boolean mbart, long seed) {
        return tensors(mbart, seed, VOCAB, D_MODEL, FFN, MAX_POSITIONS);
    }

    /** Random weights for {@link #config(boolean, int, int, int, int)}. */
    static Map<String, HfTensor> tensors(boolean mbart, long seed, int vocab, int dModel, int ffnDim, int maxPositions) {
        Random rnd = new Random(seed);
        Map<String, HfTensor> t = new LinkedHashMap<>();
        put(t, rnd, 0.5, 0, "model.shared.weight", vocab, dModel);
        for (String stack : new String[] {"encoder", "decoder"}) {
            String p = "model." + stack;
            put(t, rnd, 0.3, 0, p + ".embed_positions.weight", maxPositions + 2, dModel);
            norm(t, rnd, dModel, p + ".layernorm_embedding");
            int ffn = stack.equals("encoder") ? ffnDim : ffnDim + 8;
            for (int i = 0; i < 2; i++) {
                String l = p + ".layers." + i;
                attention(t, rnd, l + ".self_attn", dModel);
                norm(t, rnd, dModel, l + ".self_attn_layer_norm");
                if (stack.equals("decoder")) {
                    attention(t, rnd, l + ".encoder_attn", dModel);
                    norm(t, rnd, dModel, l + ".encoder_attn_layer_norm");
                }
                linear(t, rnd, l + ".fc1", dModel, ffn);
                linear(t, rnd, l + ".fc2", ffn, dModel);
                norm(t, rnd, dModel, l + ".final_layer_norm");
            }
            if (mbart) {
                norm(t, rnd, dModel, p + ".layer_norm");
            }
        }
        put(t, rnd, 0.1, 0, "final_logits_bias", 1, vocab);
        return t;
    }

    private static void attention(Map<String, HfTensor> t, Random rnd, String name, int dModel) {
        for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            linear(t, rnd, name + "." + proj, dModel, dModel);
        }
    }

    private static void linear(Map<String, HfTensor> t, Random rnd, String name, int in, int out) {
        put(t, rnd, 1 / Math.sqrt(in), 0, name + ".weight", out, in);
        put(t, rnd, 0.1, 0, name + ".bias", out);
    }

    private static void norm(Map<String, HfTensor> t, Random rnd, int dModel, String name) {
        put(t, rnd, 0.1, 1, name + ".weight", dModel);
        put(t, rnd, 0.1, 0, name + ".bias", dModel);
    }

    static void put(Map<String, HfTensor> t, Random rnd, double std, double mean, String name, long... shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        float[] data = new float[(int) size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (mean + std * rnd.nextGaussian());
        }
        t.put(name, new HfTensor(name, shape, data));
    }
}
