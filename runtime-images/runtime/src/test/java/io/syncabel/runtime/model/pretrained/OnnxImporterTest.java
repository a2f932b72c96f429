package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.text.UserError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The importer on the real all-MiniLM-L6-v2 ONNX export from Maven Central. */
class OnnxImporterTest {

    @Test
    void namesAndShapesAreThoseOfHuggingFaceBertModel() {
        Map<String, HfTensor> tensors = MiniLm.imported().tensors();
        assertThat(tensors).hasSize(5 + 6 * 16);
        assertThat(List.copyOf(tensors.keySet())).isEqualTo(BertEncoder.expectedNames(6, false));
        assertThat(tensors.get("embeddings.word_embeddings.weight").shape()).containsExactly(30522, 384);
        assertThat(tensors.get("embeddings.position_embeddings.weight").shape()).containsExactly(512, 384);
        assertThat(tensors.get("embeddings.token_type_embeddings.weight").shape()).containsExactly(2, 384);
        for (int i = 0; i < 6; i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                assertThat(tensors.get(p + m + ".weight").shape()).containsExactly(384, 384);
                assertThat(tensors.get(p + m + ".bias").shape()).containsExactly(384);
            }
            assertThat(tensors.get(p + "intermediate.dense.weight").shape()).containsExactly(1536, 384);
            assertThat(tensors.get(p + "output.dense.weight").shape()).containsExactly(384, 1536);
            assertThat(tensors.get(p + "output.LayerNorm.weight").shape()).containsExactly(384);
        }
    }

    @Test
    void linearWeightsAreTheMatMulInitializersTransposedBack() {
        OnnxGraph graph = OnnxGraph.parse(MiniLm.resource(MiniLm.ONNX), MiniLm.ONNX);
        OnnxGraph.Node query = graph.nodes().stream().filter(n -> n.name().equals("/encoder/layer.0/intermediate/dense/MatMul"))
                .findFirst().orElseThrow();
        OnnxGraph.Tensor stored = graph.initializers().get(query.inputs().get(1));
        assertThat(stored.dims()).containsExactly(384, 1536); // [in, out] as ONNX MatMul uses it
        HfTensor hf = MiniLm.imported().tensors().get("encoder.layer.0.intermediate.dense.weight");
        for (int[] rc : new int[][] {{0, 0}, {1, 0}, {0, 1}, {1535, 383}, {700, 17}}) {
            int out = rc[0];
            int in = rc[1];
            assertThat(hf.data()[out * 384 + in]).isEqualTo(stored.floats()[in * 1536 + out]);
        }
        assertThat(heads(graph)).isEqualTo(12);
    }

    private static int heads(OnnxGraph graph) {
        return OnnxImporter.heads(graph, 384, "test");
    }

    @Test
    void configIsInferredFromShapesAndGraph() {
        JsonNode c = MiniLm.imported().config();
        assertThat(c.get("model_type").asText()).isEqualTo("bert");
        assertThat(c.get("hidden_size").asInt()).isEqualTo(384);
        assertThat(c.get("num_hidden_layers").asInt()).isEqualTo(6);
        assertThat(c.get("num_attention_heads").asInt()).isEqualTo(12);
        assertThat(c.get("intermediate_size").asInt()).isEqualTo(1536);
        assertThat(c.get("vocab_size").asInt()).isEqualTo(30522);
        assertThat(c.get("max_position_embeddings").asInt()).isEqualTo(512);
        assertThat(c.get("type_vocab_size").asInt()).isEqualTo(2);
        assertThat(c.get("layer_norm_eps").asDouble()).isEqualTo(1e-12);
        assertThat(c.get("hidden_act").asText()).isEqualTo("gelu");
    }

    @Test
    void aGraphWithoutHeadCountConstantsFailsClearly() {
        assertThatThrownBy(() -> OnnxImporter.heads(new OnnxGraph(Map.of(), List.of()), 384, "m.onnx"))
                .isInstanceOf(UserError.class).hasMessageContaining("m.onnx").hasMessageContaining("head count");
    }

    @Test
    void notAnOnnxModelIsAClearError() {
        assertThatThrownBy(() -> OnnxImporter.read("hello, not protobuf".getBytes(StandardCharsets.UTF_8), "x.onnx"))
                .isInstanceOf(UserError.class).hasMessageContaining("x.onnx");
    }

    @Test
    void readsTheModelAndTokenizerOutOfTheLangchain4jJar() throws Exception {
        OnnxImporter.JarEntries entries = OnnxImporter.readJar(MiniLm.jar());
        assertThat(entries.onnxName()).endsWith("!all-minilm-l6-v2.onnx");
        assertThat(entries.tokenizerName()).endsWith("!all-minilm-l6-v2-tokenizer.json");
        assertThat(entries.tokenizer()).isEqualTo(MiniLm.resource(MiniLm.TOKENIZER));
    }
}
