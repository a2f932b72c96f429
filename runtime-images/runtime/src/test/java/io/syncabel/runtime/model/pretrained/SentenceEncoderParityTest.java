package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pretrained path end to end: ONNX import, HF checkpoint on disk, safetensors read back, the DJL BERT
 * forward with mean pooling and normalisation, against langchain4j's own ONNX Runtime embedding.
 */
class SentenceEncoderParityTest {
    static final List<String> SENTENCES = List.of(
            "The weather is lovely today.",
            "A man is playing a guitar on the street while people walk past.",
            "BRCA1",
            "hereditary breast and ovarian cancer syndrome",
            "Duchenne muscular dystrophy (DMD) is an X-linked recessive disorder caused by mutations in the dystrophin gene,"
                    + " leading to progressive muscle degeneration and weakness in affected boys.",
            "deficiency of the ninth component of human complement",
            "x");

    @Test
    void djlEmbeddingsEqualLangchain4jsOnnxRuntimeEmbeddings() throws IOException {
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        try (SentenceEncoder encoder = SentenceEncoder.load(HfCheckpoint.open(MiniLm.checkpoint().toString()))) {
            assertThat(encoder.dimension()).isEqualTo(384);
            float[][] ours = encoder.embed(SENTENCES); // one call: sorted, batched and padded together
            double worst = 0;
            for (int i = 0; i < SENTENCES.size(); i++) {
                float[] theirs = reference.embed(SENTENCES.get(i)).content().vector();
                assertThat(ours[i]).hasSize(theirs.length);
                double norm = 0;
                for (int j = 0; j < theirs.length; j++) {
                    worst = Math.max(worst, Math.abs(ours[i][j] - theirs[j]));
                    norm += ours[i][j] * ours[i][j];
                }
                assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
            System.out.println("parity: max |djl - onnxruntime| = " + worst + " over " + SENTENCES.size() + " sentences");
            assertThat(worst).isLessThan(1e-4);
        }
    }

    @Test
    void aCheckpointExportedFromTheLoadedEncoderIsTheSameCheckpoint() throws IOException {
        HfCheckpoint checkpoint = HfCheckpoint.open(MiniLm.checkpoint().toString());
        try (SentenceEncoder encoder = SentenceEncoder.load(checkpoint)) {
            Map<String, HfTensor> exported = encoder.block().export();
            Map<String, HfTensor> original = checkpoint.tensors();
            assertThat(exported.keySet()).containsExactlyElementsOf(original.keySet());
            for (HfTensor t : original.values()) {
                assertThat(exported.get(t.name()).shape()).containsExactly(t.shape());
                // Arrays.equals: assertj's containsExactly diffs element lists, quadratic on 11M floats
                assertThat(java.util.Arrays.equals(exported.get(t.name()).data(), t.data())).as(t.name()).isTrue();
            }
        }
    }

    @Test
    void theDigestCoversTheCheckpointFilesAndChecksTheExpectedOne() throws IOException {
        HfCheckpoint checkpoint = HfCheckpoint.open("file:" + MiniLm.checkpoint());
        String digest = checkpoint.digest();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(HfCheckpoint.open(MiniLm.checkpoint().toString(), digest).digest()).isEqualTo(digest);
        String wrong = "sha256:" + "0".repeat(64);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HfCheckpoint.open(MiniLm.checkpoint().toString(), wrong))
                .isInstanceOf(io.syncabel.runtime.text.UserError.class).hasMessageContaining(wrong).hasMessageContaining(digest);
    }
}
