package io.syncabel.runtime.model.pretrained;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.syncabel.runtime.text.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A BART-family encoder-decoder (BART, BioBART post-layer-norm; mBART, mBART-50 pre-layer-norm) whose
 * parameters carry the Hugging Face checkpoint's own names ({@code model.encoder.layers.0.self_attn.q_proj.weight})
 * and layout (a Linear weight is {@code [out, in]}), so {@link #load} maps weights by name. Written as plain
 * functions like {@code model.Seq2SeqBlock}: {@link #forwardInternal} is the teacher-forced pass, {@link #crossState}
 * plus {@link #decodeStep} incremental decoding with a key/value cache; both run the same decoder function.
 *
 * <p>Embeddings are tied: {@code model.shared.weight} embeds encoder and decoder tokens and is the output
 * projection, plus {@code final_logits_bias}. Positions are learned, position p reading row p + 2.
 */
public final class BartBlock extends AbstractBlock {
    private static final float NEG_INF = -1e9f;
    private static final float NORM_EPS = 1e-5f;
    /** Names a checkpoint may carry for the one tied embedding matrix; the first is the canonical one. */
    private static final List<String> TIED = List.of("model.shared.weight", "model.encoder.embed_tokens.weight",
            "model.decoder.embed_tokens.weight", "lm_head.weight");
    private static final String LOGITS_BIAS = "final_logits_bias";

    private final BartConfig config;
    /** HF name -> the parameter and the shape the checkpoint must have, in checkpoint order. */
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Parameter shared;
    private final Parameter encoderPositions;
    private final Parameter decoderPositions;
    private final Parameter logitsBias;
    private final Norm encoderEmbeddingNorm;
    private final Norm decoderEmbeddingNorm;
    private final Norm encoderFinalNorm;
    private final Norm decoderFinalNorm;
    private final List<EncoderLayer> encoder = new ArrayList<>();
    private final List<DecoderLayer> decoder = new ArrayList<>();
    private boolean loaded;

    private record Slot(Parameter parameter, Shape shape) {
    }

    public BartBlock(BartConfig config) {
        this.config = config;
        int e = config.dModel();
        shared = parameter(TIED.get(0), Parameter.Type.WEIGHT, config.vocabSize(), e);
        int positions = config.maxPositions() + BartConfig.POSITION_OFFSET;
        encoderPositions = parameter("model.encoder.embed_positions.weight", Parameter.Type.WEIGHT, positions, e);
        encoderEmbeddingNorm = new Norm("model.encoder.layernorm_embedding");
        for (int i = 0; i < config.encoderLayers(); i++) {
            encoder.add(new EncoderLayer("model.encoder.layers." + i));
        }
        encoderFinalNorm = config.preLayerNorm() ? new Norm("model.encoder.layer_norm") : null;
        decoderPositions = parameter("model.decoder.embed_positions.weight", Parameter.Type.WEIGHT, positions, e);
        decoderEmbeddingNorm = new Norm("model.decoder.layernorm_embedding");
        for (int i = 0; i < config.decoderLayers(); i++) {
            decoder.add(new DecoderLayer("model.decoder.layers." + i));
        }
        decoderFinalNorm = config.preLayerNorm() ? new Norm("model.decoder.layer_norm") : null;
        logitsBias = parameter(LOGITS_BIAS, Parameter.Type.BIAS, 1, config.vocabSize());
    }

    public BartConfig config() {
        return config;
    }

    // ---- parameters -------------------------------------------------------------------------------

    /** A parameter without an array: {@link #load} sets it from the checkpoint (DJL refuses both a shape and an array). */
    private Parameter parameter(String name, Parameter.Type type, long... shape) {
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).build());
        slots.put(name, new Slot(p, new Shape(shape)));
        return p;
    }

    private final class Norm {
        final Parameter gamma;
        final Parameter beta;

        Norm(String name) {
            gamma = parameter(name + ".weight", Parameter.Type.GAMMA, config.dModel());
            beta = parameter(name + ".bias", Parameter.Type.BETA, config.dModel());
        }

        NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(config.dModel()), gamma.getArray(), beta.getArray(), NORM_EPS)
                    .singletonOrThrow();
        }
    }

    private final class Dense {
        final Parameter w;
        final Parameter b;

        Dense(String name, int in, int out) {
            w = parameter(name + ".weight", Parameter.Type.WEIGHT, out, in);
            b = parameter(name + ".bias", Parameter.Type.BIAS, out);
        }

        NDArray apply(NDArray x) {
            return Linear.linear(x, w.getArray(), b.getArray()).singletonOrThrow();
        }
    }

    /** HF's BartAttention: q/k/v/out projections, heads of d_model / heads. */
    private final class Attention {
        final int heads;
        final Dense q;
        final Dense k;
        final Dense v;
        final Dense out;

        Attention(String name, int heads) {
            this.heads = heads;
            int e = config.dModel();
            q = new Dense(name + ".q_proj", e, e);
            k = new Dense(name + ".k_proj", e, e);
            v = new Dense(name + ".v_proj", e, e);
            out = new Dense(name + ".out_proj", e, e);
        }

        /** (B, T, E) -> (B, H, T, d). */
        NDArray split(NDArray x) {
            Shape s = x.getShape();
            return x.reshape(s.get(0), s.get(1), heads, config.dModel() / heads).transpose(0, 2, 1, 3);
        }

        /** Scaled dot-product attention over heads; additive mask broadcast to (B, H, T, S); returns (B, T, E). */
        NDArray attend(NDArray query, NDArray keys, NDArray values, NDArray mask, boolean training) {
            NDArray scores = split(q.apply(query)).matMul(keys.transpose(0, 1, 3, 2))
                    .div((float) Math.sqrt(config.dModel() / heads));
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray weights = dropout(scores.softmax(-1), config.attentionDropout(), training);
            NDArray o = weights.matMul(values).transpose(0, 2, 1, 3);
            Shape s = o.getShape();
            return out.apply(o.reshape(s.get(0), s.get(1), config.dModel()));
        }
    }

    private final class FeedForward {
        final Dense fc1;
        final Dense fc2;

        FeedForward(String name, int ffn) {
            fc1 = new Dense(name + ".fc1", config.dModel(), ffn);
            fc2 = new Dense(name + ".fc2", ffn, config.dModel());
        }

        NDArray apply(NDArray x, boolean training) {
            NDArray h = fc1.apply(x);
            h = config.activation().equals("relu") ? Activation.relu(h) : Activation.gelu(h);
            return fc2.apply(dropout(h, config.activationDropout(), training));
        }
    }

    private final class EncoderLayer {
        final Attention selfAttn;
        final Norm selfAttnNorm;
        final FeedForward ffn;
        final Norm finalNorm;

        EncoderLayer(String name) {
            selfAttn = new Attention(name + ".self_attn", config.encoderHeads());
            selfAttnNorm = new Norm(name + ".self_attn_layer_norm");
            ffn = new FeedForward(name, config.encoderFfnDim());
            finalNorm = new Norm(name + ".final_layer_norm");
        }

        NDArray apply(NDArray x, NDArray mask, boolean training) {
            x = sublayer(x, selfAttnNorm, h -> selfAttn.attend(h, selfAttn.split(selfAttn.k.apply(h)),
                    selfAttn.split(selfAttn.v.apply(h)), mask, training), training);
            return sublayer(x, finalNorm, h -> ffn.apply(h, training), training);
        }
    }

    private final class DecoderLayer {
        final Attention selfAttn;
        final Norm selfAttnNorm;
        final Attention crossAttn;
        final Norm crossAttnNorm;
        final FeedForward ffn;
        final Norm finalNorm;

        DecoderLayer(String name) {
            selfAttn = new Attention(name + ".self_attn", config.decoderHeads());
            selfAttnNorm = new Norm(name + ".self_attn_layer_norm");
            crossAttn = new Attention(name + ".encoder_attn", config.decoderHeads());
            crossAttnNorm = new Norm(name + ".encoder_attn_layer_norm");
            ffn = new FeedForward(name, config.decoderFfnDim());
            finalNorm = new Norm(name + ".final_layer_norm");
        }
    }

    // ---- shared functions ---------------------------------------------------------------------------

    private static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    /** One residual sub-layer: {@code x + f(LN(x))} pre-layer-norm (mBART), {@code LN(x + f(x))} post (BART). */
    private NDArray sublayer(NDArray x, Norm norm, UnaryOperator<NDArray> f, boolean training) {
        if (config.preLayerNorm()) {
            return x.add(dropout(f.apply(norm.apply(x)), config.dropout(), training));
        }
        return norm.apply(x.add(dropout(f.apply(x), config.dropout(), training)));
    }

    /** Token embeddings (scaled for mBART) plus learned positions {@code start..start+T-1}, then LayerNorm. */
    private NDArray embed(NDArray tokens, Parameter positions, Norm norm, long start, boolean training) {
        long t = tokens.getShape().get(1);
        if (start + t > config.maxPositions()) {
            throw new IllegalArgumentException("position " + (start + t - 1) + " beyond max_position_embeddings " + config.maxPositions());
        }
        NDArray x = Embedding.embedding(tokens, shared.getArray(), SparseFormat.DENSE).singletonOrThrow();
        if (config.scaleEmbedding()) {
            x = x.mul((float) Math.sqrt(config.dModel()));
        }
        long from = start + BartConfig.POSITION_OFFSET;
        x = x.add(positions.getArray().get(new NDIndex(from + ":" + (from + t))));
        return dropout(norm.apply(x), config.dropout(), training);
    }

    /** Additive key mask (B, 1, 1, S) hiding the source's padding. */
    private NDArray paddingMask(NDArray tokens) {
        Shape s = tokens.getShape();
        return tokens.eq(config.padTokenId()).toType(DataType.FLOAT32, false).mul(NEG_INF).reshape(s.get(0), 1, 1, s.get(1));
    }

    // ---- entry points ---------------------------------------------------------------------------------

    /** Encoder output (B, S, E) for source tokens (B, S) int64, padded with {@code pad_token_id}. */
    public NDArray encode(NDArray source, boolean training) {
        NDArray mask = paddingMask(source);
        NDArray x = embed(source, encoderPositions, encoderEmbeddingNorm, 0, training);
        for (EncoderLayer layer : encoder) {
            x = layer.apply(x, mask, training);
        }
        return encoderFinalNorm == null ? x : encoderFinalNorm.apply(x);
    }

    /** Per-source decoding state: every decoder layer's cross-attention keys and values (B, H, S, d), then the source mask. */
    private NDList crossState(NDArray memory, NDArray sourceMask) {
        NDList state = new NDList();
        for (DecoderLayer layer : decoder) {
            state.add(layer.crossAttn.split(layer.crossAttn.k.apply(memory)));
            state.add(layer.crossAttn.split(layer.crossAttn.v.apply(memory)));
        }
        state.add(sourceMask);
        return state;
    }

    /** {@link #crossState(NDArray, NDArray)} of a source batch (B, S): computed once per source for decoding. */
    public NDList crossState(NDArray source) {
        return crossState(encode(source, false), paddingMask(source));
    }

    /**
     * The decoder over tokens (N, T) at positions {@code start..start+T-1}, each attending to the cached
     * keys/values of the earlier positions and causally to the new ones. Returns the hidden states (N, T, E)
     * followed by the extended self-attention cache (2 arrays (N, H, start+T, d) per layer).
     */
    private NDList decode(NDArray tokens, int start, NDList cross, NDList selfCache, boolean training) {
        long t = tokens.getShape().get(1);
        NDArray causal = null;
        if (t > 1) {
            NDManager m = tokens.getManager();
            NDArray queries = m.arange(start, start + (int) t).reshape(t, 1);
            NDArray keys = m.arange(start + (int) t).reshape(1, start + t);
            causal = keys.gt(queries).toType(DataType.FLOAT32, false).mul(NEG_INF).reshape(1, 1, t, start + t);
        }
        NDArray sourceMask = cross.get(cross.size() - 1);
        NDArray x = embed(tokens, decoderPositions, decoderEmbeddingNorm, start, training);
        NDList cache = new NDList();
        for (int i = 0; i < decoder.size(); i++) {
            DecoderLayer layer = decoder.get(i);
            NDArray[] kv = new NDArray[2];
            NDArray mask = causal;
            int index = i;
            x = sublayer(x, layer.selfAttnNorm, h -> {
                NDArray k = layer.selfAttn.split(layer.selfAttn.k.apply(h));
                NDArray v = layer.selfAttn.split(layer.selfAttn.v.apply(h));
                if (!selfCache.isEmpty()) {
                    k = selfCache.get(2 * index).concat(k, 2);
                    v = selfCache.get(2 * index + 1).concat(v, 2);
                }
                kv[0] = k;
                kv[1] = v;
                return layer.selfAttn.attend(h, k, v, mask, training);
            }, training);
            cache.add(kv[0]);
            cache.add(kv[1]);
            x = sublayer(x, layer.crossAttnNorm,
                    h -> layer.crossAttn.attend(h, cross.get(2 * index), cross.get(2 * index + 1), sourceMask, training), training);
            x = sublayer(x, layer.finalNorm, h -> layer.ffn.apply(h, training), training);
        }
        if (decoderFinalNorm != null) {
            x = decoderFinalNorm.apply(x);
        }
        NDList out = new NDList(x);
        out.addAll(cache);
        return out;
    }

    private NDArray logits(NDArray hidden) {
        return Linear.linear(hidden, shared.getArray()).singletonOrThrow().add(logitsBias.getArray());
    }

    /** Teacher-forced logits (B, T, V) for inputs (source, decoderInput), both (B, *) int64; decoder input starts with the start token. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray source = inputs.get(0);
        NDArray memory = encode(source, training);
        NDList cross = crossState(memory, paddingMask(source));
        return new NDList(logits(decode(inputs.get(1), 0, cross, new NDList(), training).get(0)));
    }

    /**
     * One decoding step for N hypotheses: {@code tokens} (N, 1) int64 at decoder position {@code position};
     * {@code cross} = {@link #crossState} rows gathered per hypothesis; {@code selfCache} as returned by the
     * previous step for the same rows (empty at position 0). Returns log-probs (N, V) then the extended cache.
     */
    public NDList decodeStep(NDArray tokens, int position, NDList cross, NDList selfCache) {
        NDList decoded = decode(tokens, position, cross, selfCache, false);
        NDArray logProbs = logits(decoded.get(0)).logSoftmax(-1);
        Shape s = logProbs.getShape();
        NDList out = new NDList(logProbs.reshape(s.get(0), s.get(2)));
        out.addAll(decoded.subNDList(1));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[1].get(0), inputShapes[1].get(1), config.vocabSize())};
    }

    // ---- loading ----------------------------------------------------------------------------------------

    /** The tensor names and shapes this block expects, in checkpoint order ({@code final_logits_bias} optional). */
    public Map<String, Shape> expectedTensors() {
        Map<String, Shape> out = new LinkedHashMap<>();
        slots.forEach((name, slot) -> out.put(name, slot.shape()));
        return out;
    }

    /**
     * Sets every parameter from the checkpoint's tensors, creating the arrays on {@code manager}. Accepts the
     * tied embedding under any of its names ({@code model.shared.weight}, {@code model.*.embed_tokens.weight},
     * {@code lm_head.weight}; copies must be equal), names without the {@code model.} prefix (a checkpoint saved
     * from BartModel), and a missing {@code final_logits_bias} (zeros, as transformers does). Anything else
     * missing, unexpected or of the wrong shape is one error naming each tensor.
     */
    public void load(Map<String, HfTensor> tensors, NDManager manager) {
        if (loaded) {
            throw new IllegalStateException("BART block already loaded");
        }
        Map<String, HfTensor> named = withModelPrefix(tensors);
        List<String> problems = new ArrayList<>();
        HfTensor embedding = null;
        for (String alias : TIED) {
            HfTensor copy = named.remove(alias);
            if (copy == null) {
                continue;
            }
            if (embedding == null) {
                embedding = new HfTensor(TIED.get(0), copy.shape(), copy.data());
            } else if (!Arrays.equals(copy.shape(), embedding.shape()) || !Arrays.equals(copy.data(), embedding.data())) {
                problems.add(alias + " differs from the first tied embedding: untied embeddings are not supported");
            }
        }
        if (embedding != null) {
            named.put(TIED.get(0), embedding);
        }
        if (!named.containsKey(LOGITS_BIAS)) {
            named.put(LOGITS_BIAS, new HfTensor(LOGITS_BIAS, new long[] {1, config.vocabSize()}, new float[config.vocabSize()]));
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            HfTensor t = named.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey() + e.getValue().shape());
            } else if (!new Shape(t.shape()).equals(e.getValue().shape())) {
                problems.add("shape of " + e.getKey() + " is " + Arrays.toString(t.shape()) + ", expected " + e.getValue().shape());
            }
        }
        if (!missing.isEmpty()) {
            problems.add("missing " + listed(missing));
        }
        List<String> unexpected = new ArrayList<>(new TreeMap<>(named).keySet());
        unexpected.removeAll(slots.keySet());
        if (!unexpected.isEmpty()) {
            problems.add("unexpected " + listed(unexpected));
        }
        if (!problems.isEmpty()) {
            throw new UserError("BART checkpoint does not match its config (" + config.modelType() + ", d_model "
                    + config.dModel() + ", " + config.encoderLayers() + "+" + config.decoderLayers() + " layers, vocab "
                    + config.vocabSize() + "): " + String.join("; ", problems));
        }
        slots.forEach((name, slot) -> slot.parameter().setArray(manager.create(named.get(name).data(), slot.shape())));
        loaded = true;
    }

    /**
     * The loaded (or fine-tuned) weights under their checkpoint names, in checkpoint order (what {@link #load} reads
     * back), for {@link Safetensors#write(java.util.List, java.io.OutputStream)}: each tensor's values copied off the
     * network only when its turn comes, so saving holds one tensor on the heap at a time, not the whole network.
     */
    public List<Safetensors.Pending> pendingTensors() {
        if (!loaded) {
            throw new IllegalStateException("BART block not loaded");
        }
        List<Safetensors.Pending> out = new ArrayList<>();
        slots.forEach((name, slot) -> out.add(new Safetensors.Pending(name, slot.shape().getShape(),
                () -> slot.parameter().getArray().toFloatArray())));
        return out;
    }

    private static Map<String, HfTensor> withModelPrefix(Map<String, HfTensor> tensors) {
        boolean bare = tensors.keySet().stream().noneMatch(n -> n.startsWith("model."))
                && tensors.keySet().stream().anyMatch(n -> n.startsWith("encoder.") || n.startsWith("decoder.") || n.startsWith("shared."));
        Map<String, HfTensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            boolean prefixed = bare && !name.equals(LOGITS_BIAS) && !name.startsWith("lm_head.");
            out.put(prefixed ? "model." + name : name, t);
        });
        return out;
    }

    private static String listed(List<String> names) {
        int shown = Math.min(names.size(), 12);
        String head = String.join(", ", names.subList(0, shown));
        return names.size() + " tensor(s): " + head + (shown < names.size() ? ", ..." : "");
    }

    /** Trainable parameters. */
    public long parameterCount() {
        return slots.values().stream().mapToLong(s -> s.shape().size()).sum();
    }
}
