package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The encoder on a tiny random BERT: loading, errors, gradients, padding. */
class BertEncoderTest {

    static ObjectNode tinyConfig() {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("model_type", "bert").put("vocab_size", 40).put("hidden_size", 8).put("num_attention_heads", 2)
                .put("num_hidden_layers", 2).put("intermediate_size", 12).put("max_position_embeddings", 16)
                .put("type_vocab_size", 2).put("layer_norm_eps", 1e-12).put("hidden_act", "gelu");
        return c;
    }

    static Map<String, HfTensor> randomWeights(ObjectNode config, long seed) {
        BertEncoder shapes = BertEncoder.fromConfig(config);
        Random random = new Random(seed);
        Map<String, HfTensor> out = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            shapes.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2), new Shape(1, 2));
            for (Map.Entry<String, HfTensor> e : shapes.export().entrySet()) {
                float[] data = new float[e.getValue().data().length];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) random.nextGaussian() * 0.3f;
                }
                out.put(e.getKey(), new HfTensor(e.getKey(), e.getValue().shape(), data));
            }
        }
        return out;
    }

    @Test
    void everyParameterGetsAGradient() {
        ObjectNode config = tinyConfig();
        BertEncoder encoder = BertEncoder.fromConfig(config);
        try (NDManager m = NDManager.newBaseManager()) {
            encoder.load(randomWeights(config, 1), m);
            NDArray ids = m.create(new long[] {2, 7, 9, 3, 2, 5, 0, 0}, new Shape(2, 4));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4));
            NDArray types = m.create(new long[] {0, 0, 1, 1, 0, 1, 0, 0}, new Shape(2, 4));
            try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray hidden = encoder.forward(new ParameterStore(m, false), new NDList(ids, mask, types), true).singletonOrThrow();
                assertThat(hidden.getShape()).isEqualTo(new Shape(2, 4, 8));
                NDArray pooled = SentenceEncoder.meanPool(hidden, mask);
                gc.backward(pooled.mul(m.randomNormal(pooled.getShape())).sum());
            }
            for (Pair<String, Parameter> p : encoder.getParameters()) {
                NDArray grad = p.getValue().getArray().getGradient();
                assertThat(grad.abs().sum().getFloat()).as("gradient of " + p.getKey()).isGreaterThan(0f);
            }
        }
    }

    @Test
    void paddingDoesNotChangeTheRealTokens() {
        ObjectNode config = tinyConfig();
        BertEncoder encoder = BertEncoder.fromConfig(config);
        try (NDManager m = NDManager.newBaseManager()) {
            encoder.load(randomWeights(config, 2), m);
            NDArray alone = encoder.forward(new ParameterStore(m, false),
                    new NDList(m.create(new long[] {2, 7, 3}, new Shape(1, 3)), m.create(new long[] {1, 1, 1}, new Shape(1, 3))), false)
                    .singletonOrThrow();
            NDArray padded = encoder.forward(new ParameterStore(m, false),
                    new NDList(m.create(new long[] {2, 7, 3, 0, 0}, new Shape(1, 5)), m.create(new long[] {1, 1, 1, 0, 0}, new Shape(1, 5))), false)
                    .singletonOrThrow();
            float[] a = alone.toFloatArray();
            float[] b = padded.get(":, 0:3, :").toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void loadNamesMissingUnexpectedAndMisShapedTensors() {
        ObjectNode config = tinyConfig();
        Map<String, HfTensor> weights = randomWeights(config, 3);
        weights.remove("encoder.layer.1.output.dense.bias");
        weights.put("encoder.layer.0.attention.self.key.weight",
                new HfTensor("encoder.layer.0.attention.self.key.weight", new long[] {8, 4}, new float[32]));
        weights.put("encoder.layer.7.output.dense.bias", new HfTensor("encoder.layer.7.output.dense.bias", new long[] {8}, new float[8]));
        weights.put("pooler.dense.bias", new HfTensor("pooler.dense.bias", new long[] {8}, new float[8]));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> BertEncoder.fromConfig(config).load(weights, m)).isInstanceOf(UserError.class)
                    .hasMessageContaining("missing tensor encoder.layer.1.output.dense.bias")
                    .hasMessageContaining("tensor encoder.layer.0.attention.self.key.weight has shape [8, 4], the config needs (8, 8)")
                    .hasMessageContaining("unexpected tensor encoder.layer.7.output.dense.bias")
                    .hasMessageNotContaining("pooler");
        }
    }

    @Test
    void prefixedTaskModelNamesLoadAndExportAsBertModelNames() {
        ObjectNode config = tinyConfig();
        Map<String, HfTensor> prefixed = new LinkedHashMap<>();
        randomWeights(config, 4).forEach((k, v) -> prefixed.put("bert." + k, new HfTensor("bert." + k, v.shape(), v.data())));
        BertEncoder encoder = BertEncoder.fromConfig(config);
        try (NDManager m = NDManager.newBaseManager()) {
            encoder.load(prefixed, m);
            assertThat(encoder.export().keySet()).containsExactlyElementsOf(BertEncoder.expectedNames(2, false));
            assertThat(encoder.export().get("embeddings.LayerNorm.bias").data())
                    .containsExactly(prefixed.get("bert.embeddings.LayerNorm.bias").data());
        }
    }

    @Test
    void aConfigThatIsNotABertEncoderIsRefused() {
        ObjectNode config = tinyConfig().put("model_type", "bart");
        assertThatThrownBy(() -> BertEncoder.fromConfig(config)).isInstanceOf(UserError.class).hasMessageContaining("bart");
        ObjectNode noHeads = tinyConfig();
        noHeads.remove("num_attention_heads");
        assertThatThrownBy(() -> BertEncoder.fromConfig(noHeads)).isInstanceOf(UserError.class).hasMessageContaining("num_attention_heads");
    }
}
