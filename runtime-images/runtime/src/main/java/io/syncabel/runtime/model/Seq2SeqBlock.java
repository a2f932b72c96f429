package io.syncabel.runtime.model;

import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A pre-layer-norm transformer encoder-decoder with shared (tied) embeddings and learned positions,
 * written as plain functions over explicitly shaped parameters (DJL's built-in transformer block is
 * BERT-style: no causal mask, no LayerNorm). {@link #forwardInternal} is teacher-forced training;
 * {@link #encode} plus {@link #decodeStep} are incremental decoding with a key/value cache.
 */
public final class Seq2SeqBlock extends AbstractBlock {
    private static final float NEG_INF = -1e9f;

    private final ModelConfig config;
    private final Parameter embedding;
    private final Parameter sourcePositions;
    private final Parameter targetPositions;
    private final List<EncoderLayer> encoder = new ArrayList<>();
    private final List<DecoderLayer> decoder = new ArrayList<>();
    private final Norm encoderNorm;
    private final Norm decoderNorm;

    public Seq2SeqBlock(ModelConfig config) {
        this.config = config;
        int e = config.hiddenSize();
        embedding = weight("embedding", new Shape(config.vocabSize(), e), new NormalInitializer((float) Math.pow(e, -0.5)));
        sourcePositions = weight("source_positions", new Shape(config.maxSourceLength(), e), new NormalInitializer(0.02f));
        targetPositions = weight("target_positions", new Shape(config.maxTargetLength() + 1, e), new NormalInitializer(0.02f));
        for (int i = 0; i < config.encoderLayers(); i++) {
            encoder.add(new EncoderLayer("enc" + i));
        }
        for (int i = 0; i < config.decoderLayers(); i++) {
            decoder.add(new DecoderLayer("dec" + i));
        }
        encoderNorm = new Norm("enc_norm");
        decoderNorm = new Norm("dec_norm");
    }

    public ModelConfig config() {
        return config;
    }

    // ---- parameters -------------------------------------------------------------------------------

    private Parameter weight(String name, Shape shape, Initializer init) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(shape).optInitializer(init).build());
    }

    private Parameter matrix(String name, int in, int out) {
        return weight(name, new Shape(in, out), new XavierInitializer());
    }

    private Parameter vector(String name, int size, float value) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.BIAS)
                .optShape(new Shape(size)).optInitializer(new ConstantInitializer(value)).build());
    }

    private final class Norm {
        final Parameter gamma;
        final Parameter beta;

        Norm(String name) {
            gamma = vector(name + "_gamma", config.hiddenSize(), 1f);
            beta = vector(name + "_beta", config.hiddenSize(), 0f);
        }

        NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), gamma.getArray(), beta.getArray(), 1e-5f)
                    .singletonOrThrow();
        }
    }

    private final class Linear {
        final Parameter w;
        final Parameter b;

        Linear(String name, int in, int out) {
            w = matrix(name + "_w", in, out);
            b = vector(name + "_b", out, 0f);
        }

        NDArray apply(NDArray x) {
            return x.matMul(w.getArray()).add(b.getArray());
        }
    }

    private final class FeedForward {
        final Norm norm;
        final Linear in;
        final Linear out;

        FeedForward(String name) {
            norm = new Norm(name + "_ffn_norm");
            in = new Linear(name + "_ffn_in", config.hiddenSize(), config.ffnSize());
            out = new Linear(name + "_ffn_out", config.ffnSize(), config.hiddenSize());
        }

        NDArray residual(NDArray x, boolean training) {
            NDArray h = ai.djl.nn.Activation.gelu(in.apply(norm.apply(x)));
            return x.add(dropout(out.apply(h), training));
        }
    }

    private final class EncoderLayer {
        final Norm norm;
        final Linear qkv;
        final Linear out;
        final FeedForward ffn;

        EncoderLayer(String name) {
            norm = new Norm(name + "_attn_norm");
            qkv = new Linear(name + "_qkv", config.hiddenSize(), 3 * config.hiddenSize());
            out = new Linear(name + "_attn_out", config.hiddenSize(), config.hiddenSize());
            ffn = new FeedForward(name);
        }

        NDArray apply(NDArray x, NDArray keyMask, boolean training) {
            NDList qkvs = qkv.apply(norm.apply(x)).split(3, 2);
            NDArray attended = attention(heads(qkvs.get(0)), heads(qkvs.get(1)), heads(qkvs.get(2)), keyMask, training);
            return ffn.residual(x.add(dropout(out.apply(attended), training)), training);
        }
    }

    private final class DecoderLayer {
        final Norm selfNorm;
        final Linear selfQkv;
        final Linear selfOut;
        final Norm crossNorm;
        final Linear crossQ;
        final Linear crossKv;
        final Linear crossOut;
        final FeedForward ffn;

        DecoderLayer(String name) {
            int e = config.hiddenSize();
            selfNorm = new Norm(name + "_self_norm");
            selfQkv = new Linear(name + "_self_qkv", e, 3 * e);
            selfOut = new Linear(name + "_self_out", e, e);
            crossNorm = new Norm(name + "_cross_norm");
            crossQ = new Linear(name + "_cross_q", e, e);
            crossKv = new Linear(name + "_cross_kv", e, 2 * e);
            crossOut = new Linear(name + "_cross_out", e, e);
            ffn = new FeedForward(name);
        }

        /** Cross-attention keys and values of the encoder output, computed once per source. */
        NDList crossKeysValues(NDArray memory) {
            NDList kv = crossKv.apply(memory).split(2, 2);
            return new NDList(heads(kv.get(0)), heads(kv.get(1)));
        }

        NDArray cross(NDArray x, NDArray crossK, NDArray crossV, NDArray sourceMask, boolean training) {
            NDArray q = heads(crossQ.apply(crossNorm.apply(x)));
            return x.add(dropout(crossOut.apply(attention(q, crossK, crossV, sourceMask, training)), training));
        }
    }

    // ---- shared functions ---------------------------------------------------------------------------

    private NDArray dropout(NDArray x, boolean training) {
        return training && config.dropout() > 0 ? Dropout.dropout(x, config.dropout(), true).singletonOrThrow() : x;
    }

    /** (B, T, E) -> (B, H, T, d). */
    private NDArray heads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.heads(), config.headSize()).transpose(0, 2, 1, 3);
    }

    /** Scaled dot-product attention; mask is additive (0 or -1e9), broadcast to (B, H, T, S). Returns (B, T, E). */
    private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, boolean training) {
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(config.headSize()));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray weights = dropout(scores.softmax(-1), training);
        NDArray out = weights.matMul(v).transpose(0, 2, 1, 3);
        Shape s = out.getShape();
        return out.reshape(s.get(0), s.get(1), config.hiddenSize());
    }

    private NDArray embed(NDArray tokens, Parameter positions, long offset) {
        long t = tokens.getShape().get(1);
        NDArray x = Embedding.embedding(tokens, embedding.getArray(), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow()
                .mul((float) Math.sqrt(config.hiddenSize()));
        return x.add(positions.getArray().get(new NDIndex(offset + ":" + (offset + t))));
    }

    /** Additive key mask (B, 1, 1, S) hiding padding. */
    static NDArray paddingMask(NDArray tokens) {
        Shape s = tokens.getShape();
        return tokens.eq(BpeVocabulary.PAD).toType(DataType.FLOAT32, false).mul(NEG_INF).reshape(s.get(0), 1, 1, s.get(1));
    }

    // ---- the three entry points -----------------------------------------------------------------------

    /** Encoder output (B, S, E) for source tokens (B, S) int64. */
    public NDArray encode(NDArray source, boolean training) {
        NDArray mask = paddingMask(source);
        NDArray x = dropout(embed(source, sourcePositions, 0), training);
        for (EncoderLayer layer : encoder) {
            x = layer.apply(x, mask, training);
        }
        return encoderNorm.apply(x);
    }

    /** Teacher-forced logits (B, T, V) for inputs (source, targetIn), both (B, *) int64. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray source = inputs.get(0);
        NDArray targetIn = inputs.get(1);
        NDArray memory = encode(source, training);
        NDArray sourceMask = paddingMask(source);
        long t = targetIn.getShape().get(1);
        NDManager manager = targetIn.getManager();
        NDArray r = manager.arange((int) t);
        NDArray causal = r.reshape(1, t).gt(r.reshape(t, 1)).toType(DataType.FLOAT32, false).mul(NEG_INF).reshape(1, 1, t, t);
        NDArray x = dropout(embed(targetIn, targetPositions, 0), training);
        for (DecoderLayer layer : decoder) {
            NDList qkv = layer.selfQkv.apply(layer.selfNorm.apply(x)).split(3, 2);
            NDArray attended = attention(heads(qkv.get(0)), heads(qkv.get(1)), heads(qkv.get(2)), causal, training);
            x = x.add(dropout(layer.selfOut.apply(attended), training));
            NDList kv = layer.crossKeysValues(memory);
            x = layer.cross(x, kv.get(0), kv.get(1), sourceMask, training);
            x = layer.ffn.residual(x, training);
        }
        return new NDList(logits(decoderNorm.apply(x)));
    }

    private NDArray logits(NDArray hidden) {
        return hidden.matMul(embedding.getArray().transpose());
    }

    /** Per-source state for incremental decoding: cross-attention keys/values per layer and the source mask. */
    public NDList crossState(NDArray source) {
        NDArray memory = encode(source, false);
        NDList state = new NDList();
        for (DecoderLayer layer : decoder) {
            state.addAll(layer.crossKeysValues(memory));
        }
        state.add(paddingMask(source));
        return state;
    }

    /**
     * One decoding step for N hypotheses: {@code tokens} (N, 1) int64 at position {@code position};
     * {@code cross} = {@link #crossState} rows already gathered per hypothesis; {@code selfCache} holds
     * 2 arrays (N, H, t, d) per layer (empty on the first step). Returns log-probs (N, V) followed by
     * the extended self-attention cache.
     */
    public NDList decodeStep(NDArray tokens, int position, NDList cross, NDList selfCache) {
        NDArray x = embed(tokens, targetPositions, position);
        NDList newCache = new NDList();
        NDArray sourceMask = cross.get(cross.size() - 1);
        for (int i = 0; i < decoder.size(); i++) {
            DecoderLayer layer = decoder.get(i);
            NDList qkv = layer.selfQkv.apply(layer.selfNorm.apply(x)).split(3, 2);
            NDArray k = heads(qkv.get(1));
            NDArray v = heads(qkv.get(2));
            if (!selfCache.isEmpty()) {
                k = selfCache.get(2 * i).concat(k, 2);
                v = selfCache.get(2 * i + 1).concat(v, 2);
            }
            newCache.add(k);
            newCache.add(v);
            x = x.add(layer.selfOut.apply(attention(heads(qkv.get(0)), k, v, null, false)));
            x = layer.cross(x, cross.get(2 * i), cross.get(2 * i + 1), sourceMask, false);
            x = layer.ffn.residual(x, false);
        }
        NDArray logProbs = logits(decoderNorm.apply(x)).logSoftmax(-1);
        Shape s = logProbs.getShape();
        NDList out = new NDList(logProbs.reshape(s.get(0), s.get(2)));
        out.addAll(newCache);
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[1].get(0), inputShapes[1].get(1), config.vocabSize())};
    }

    /** Trainable parameters. */
    public long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
    }
}
