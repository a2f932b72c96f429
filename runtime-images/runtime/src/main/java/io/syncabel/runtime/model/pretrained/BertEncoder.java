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
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.text.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-family encoder (BERT, MiniLM, PubMedBERT, SapBERT; RoBERTa/XLM-R position offsets) as a DJL block whose
 * parameters carry the Hugging Face BertModel names and layouts (a Linear weight is {@code [out, in]}), so
 * {@link #load} and {@link #export} are one-to-one with a checkpoint. Post-LN layers, as in the original.
 * Forward: {@code [inputIds (B,T) int64, attentionMask (B,T) int64, tokenTypeIds (B,T) int64 optional]} to
 * {@code [lastHidden (B,T,H) float32]}. Dropout (the config's probabilities) applies only when training.
 */
public final class BertEncoder extends AbstractBlock {
    /** Checkpoint tensors a bare encoder does not use: the pooler, pre-training heads, the position-id buffer. */
    private static final List<String> IGNORED_PREFIXES = List.of("pooler.", "cls.", "lm_head.");
    private static final String POSITION_IDS = "embeddings.position_ids";

    private final int hidden;
    private final int heads;
    private final int layers;
    private final float eps;
    private final boolean tanhGelu;
    private final float hiddenDropout;
    private final float attentionDropout;
    /** RoBERTa/XLM-R: positions count from padding_idx + 1 and skip padding. Negative for BERT. */
    private final int positionPadding;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();

    private BertEncoder(int vocab, int hidden, int heads, int layers, int intermediate, int maxPositions, int typeVocab,
            float eps, boolean tanhGelu, float hiddenDropout, float attentionDropout, int positionPadding) {
        if (hidden % heads != 0) {
            throw new UserError("config.json: hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        this.hidden = hidden;
        this.heads = heads;
        this.layers = layers;
        this.eps = eps;
        this.tanhGelu = tanhGelu;
        this.hiddenDropout = hiddenDropout;
        this.attentionDropout = attentionDropout;
        this.positionPadding = positionPadding;
        weight("embeddings.word_embeddings.weight", new Shape(vocab, hidden));
        weight("embeddings.position_embeddings.weight", new Shape(maxPositions, hidden));
        weight("embeddings.token_type_embeddings.weight", new Shape(typeVocab, hidden));
        norm("embeddings.LayerNorm");
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            linear(p + "attention.self.query", hidden, hidden);
            linear(p + "attention.self.key", hidden, hidden);
            linear(p + "attention.self.value", hidden, hidden);
            linear(p + "attention.output.dense", hidden, hidden);
            norm(p + "attention.output.LayerNorm");
            linear(p + "intermediate.dense", hidden, intermediate);
            linear(p + "output.dense", intermediate, hidden);
            norm(p + "output.LayerNorm");
        }
    }

    /** An encoder shaped by a Hugging Face config.json (model_type bert, roberta or xlm-roberta); weights come from {@link #load}. */
    public static BertEncoder fromConfig(JsonNode config) {
        String type = config.path("model_type").asText("bert");
        if (!List.of("bert", "roberta", "xlm-roberta").contains(type)) {
            throw new UserError("config.json: model_type '" + type + "' is not a BERT-family encoder (bert, roberta, xlm-roberta)");
        }
        String act = config.path("hidden_act").asText("gelu");
        if (!act.equals("gelu") && !act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw new UserError("config.json: hidden_act '" + act + "' is not supported (gelu, gelu_new)");
        }
        if (!config.path("position_embedding_type").asText("absolute").equals("absolute")) {
            throw new UserError("config.json: position_embedding_type '" + config.path("position_embedding_type").asText()
                    + "' is not supported (absolute)");
        }
        int positionPadding = type.equals("bert") ? -1 : config.path("pad_token_id").asInt(1);
        return new BertEncoder(required(config, "vocab_size"), required(config, "hidden_size"),
                required(config, "num_attention_heads"), required(config, "num_hidden_layers"),
                required(config, "intermediate_size"), required(config, "max_position_embeddings"),
                config.path("type_vocab_size").asInt(2), (float) config.path("layer_norm_eps").asDouble(1e-12),
                !act.equals("gelu"), (float) config.path("hidden_dropout_prob").asDouble(0.1),
                (float) config.path("attention_probs_dropout_prob").asDouble(0.1), positionPadding);
    }

    private static int required(JsonNode config, String field) {
        JsonNode v = config.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new UserError("config.json: '" + field + "' must be a positive integer, is " + v);
        }
        return v.asInt();
    }

    /** The tensor names of a BERT encoder with this many layers, in checkpoint order (the pooler optional). */
    public static List<String> expectedNames(int layers, boolean pooler) {
        List<String> names = new ArrayList<>(List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                    "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")) {
                names.add(p + m + ".weight");
                names.add(p + m + ".bias");
            }
        }
        if (pooler) {
            names.add("pooler.dense.weight");
            names.add("pooler.dense.bias");
        }
        return names;
    }

    /** A checkpoint name without the task model's prefix ({@code bert.}, {@code roberta.}), as BertModel names it. */
    public static String baseName(String name) {
        for (String prefix : List.of("bert.", "roberta.")) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }

    public int hiddenSize() {
        return hidden;
    }

    // ---- parameters ---------------------------------------------------------------------------------

    private void add(String name, Parameter.Type type, Shape shape, ai.djl.training.initializer.Initializer init) {
        // no shape in the builder: load() sets arrays directly; prepare() gives shapes to a fresh initialisation
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).optInitializer(init).build());
        byName.put(name, p);
        shapes.put(name, shape);
    }

    private void weight(String name, Shape shape) {
        add(name, Parameter.Type.WEIGHT, shape, new NormalInitializer(0.02f));
    }

    private void linear(String name, int in, int out) {
        weight(name + ".weight", new Shape(out, in));
        add(name + ".bias", Parameter.Type.BIAS, new Shape(out), new ConstantInitializer(0f));
    }

    private void norm(String name) {
        add(name + ".weight", Parameter.Type.GAMMA, new Shape(hidden), new ConstantInitializer(1f));
        add(name + ".bias", Parameter.Type.BETA, new Shape(hidden), new ConstantInitializer(0f));
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        byName.forEach((name, p) -> {
            if (!p.isInitialized()) {
                p.setShape(shapes.get(name));
            }
        });
    }

    /**
     * Sets every parameter from checkpoint tensors (HF names; a {@code bert.}/{@code roberta.} prefix is dropped,
     * the pooler and pre-training heads ignored) as arrays of {@code manager} that track gradients, so the
     * encoder can be fine-tuned. All missing, unexpected and mis-shaped tensors are named in one error.
     */
    public void load(Map<String, HfTensor> tensors, NDManager manager) {
        Map<String, HfTensor> byBase = new LinkedHashMap<>();
        java.util.Set<String> present = new java.util.HashSet<>();
        List<String> problems = new ArrayList<>();
        for (HfTensor t : tensors.values()) {
            String name = baseName(t.name());
            if (name.equals(POSITION_IDS) || IGNORED_PREFIXES.stream().anyMatch(name::startsWith)) {
                continue;
            }
            present.add(name);
            if (!byName.containsKey(name)) {
                problems.add("unexpected tensor " + t.name());
            } else if (!Arrays.equals(t.shape(), shapes.get(name).getShape())) {
                problems.add("tensor " + t.name() + " has shape " + Arrays.toString(t.shape()) + ", the config needs "
                        + shapes.get(name));
            } else {
                byBase.put(name, t);
            }
        }
        for (String name : byName.keySet()) {
            if (!present.contains(name)) {
                problems.add("missing tensor " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new UserError("checkpoint does not fit the encoder: " + String.join("; ", problems));
        }
        byName.forEach((name, p) -> {
            if (p.isInitialized() || p.getShape() != null) {
                throw new IllegalStateException("load() takes a fresh encoder; parameter " + name + " is already set");
            }
            HfTensor t = byBase.get(name);
            NDArray array = manager.create(t.data(), new Shape(t.shape()));
            p.setArray(array);
            array.setRequiresGradient(true);
        });
    }

    /** The current weights under their HF names, in checkpoint order: a fine-tuned encoder is a checkpoint again. */
    public Map<String, HfTensor> export() {
        Map<String, HfTensor> out = new LinkedHashMap<>();
        byName.forEach((name, p) -> {
            if (!p.isInitialized()) {
                throw new IllegalStateException("parameter " + name + " has no value yet");
            }
            NDArray a = p.getArray();
            out.put(name, new HfTensor(name, a.getShape().getShape(), a.toFloatArray()));
        });
        return out;
    }

    // ---- forward --------------------------------------------------------------------------------------

    private NDArray p(String name) {
        return byName.get(name).getArray();
    }

    private NDArray linear(NDArray x, String module) {
        return Linear.linear(x, p(module + ".weight"), p(module + ".bias")).singletonOrThrow();
    }

    private NDArray norm(NDArray x, String module) {
        return LayerNorm.layerNorm(x, new Shape(hidden), p(module + ".weight"), p(module + ".bias"), eps).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    private NDArray gelu(NDArray x) {
        return tanhGelu ? tanhGelu(x) : Activation.gelu(x); // else PyTorch's exact erf form
    }

    /** The tanh approximation of GELU ("gelu_new"), from element-wise ops. */
    static NDArray tanhGelu(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
        return x.mul(0.5f).mul(inner.tanh().add(1f));
    }

    /** (B, T, E) to (B, heads, T, head size). */
    private NDArray split(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, hidden / heads).transpose(0, 2, 1, 3);
    }

    private NDArray embeddings(NDArray ids, NDArray mask, NDArray types, boolean training) {
        long t = ids.getShape().get(1);
        NDArray words = Embedding.embedding(ids, p("embeddings.word_embeddings.weight"), SparseFormat.DENSE).singletonOrThrow();
        NDArray positions;
        if (positionPadding < 0) {
            positions = p("embeddings.position_embeddings.weight").get(new NDIndex("0:" + t));
        } else {
            // RoBERTa: position ids padding_idx + 1, +2, ... over real tokens, padding_idx on padding
            NDArray m = mask.toType(DataType.INT64, false);
            NDArray ids2 = m.cumSum(1).mul(m).add(positionPadding);
            positions = Embedding.embedding(ids2, p("embeddings.position_embeddings.weight"), SparseFormat.DENSE).singletonOrThrow();
        }
        NDArray typeIds = types != null ? types : ids.zerosLike();
        NDArray typeEmbeddings = Embedding.embedding(typeIds, p("embeddings.token_type_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow();
        return dropout(norm(words.add(positions).add(typeEmbeddings), "embeddings.LayerNorm"), hiddenDropout, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDArray types = inputs.size() > 2 ? inputs.get(2) : null;
        Shape s = ids.getShape();
        // additive key mask (B, 1, 1, T): 0 on tokens, the float minimum on padding, as Hugging Face does
        NDArray keyMask = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-3.4028235e38f).reshape(s.get(0), 1, 1, s.get(1));
        NDArray x = embeddings(ids, mask, types, training);
        float scale = (float) (1 / Math.sqrt(hidden / (double) heads));
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            NDArray q = split(linear(x, p + "attention.self.query"));
            NDArray k = split(linear(x, p + "attention.self.key"));
            NDArray v = split(linear(x, p + "attention.self.value"));
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(keyMask);
            NDArray probs = dropout(scores.softmax(-1), attentionDropout, training);
            NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), hidden);
            NDArray attended = dropout(linear(context, p + "attention.output.dense"), hiddenDropout, training);
            x = norm(attended.add(x), p + "attention.output.LayerNorm");
            NDArray h = gelu(linear(x, p + "intermediate.dense"));
            x = norm(dropout(linear(h, p + "output.dense"), hiddenDropout, training).add(x), p + "output.LayerNorm");
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), hidden)};
    }

    /** Trainable values. */
    public long parameterCount() {
        return shapes.values().stream().mapToLong(Shape::size).sum();
    }
}
