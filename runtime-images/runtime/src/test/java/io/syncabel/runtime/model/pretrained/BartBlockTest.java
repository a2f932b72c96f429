package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import io.syncabel.runtime.link.BeamSearch;
import io.syncabel.runtime.link.BeamSearch.Candidate;
import io.syncabel.runtime.link.BeamSearch.Options;
import io.syncabel.runtime.link.BeamSearch.Query;
import io.syncabel.runtime.link.Constraint;
import io.syncabel.runtime.link.NameTrie;
import io.syncabel.runtime.link.StepDecoder;
import io.syncabel.runtime.model.Seq2SeqModel;
import io.syncabel.runtime.text.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BartBlockTest {
    static final int EOS = TinyBart.EOS;

    static BartStepDecoder load(boolean mbart, long seed) {
        return BartStepDecoder.load(TinyBart.config(mbart), TinyBart.tensors(mbart, seed), "config.json");
    }

    /**
     * Log-probabilities after the last token of each history, from the teacher-forced pass over the whole
     * history (no cache); histories are of equal length and include the decoder prefix.
     */
    static float[][] teacherForced(BartStepDecoder d, List<int[]> sources, List<int[]> histories) {
        try (NDScope scope = new NDScope()) {
            NDArray src = Seq2SeqModel.pad(d.manager(), sources, TinyBart.MAX_POSITIONS, TinyBart.PAD);
            NDArray tgt = Seq2SeqModel.pad(d.manager(), histories, TinyBart.MAX_POSITIONS, TinyBart.PAD);
            NDArray logp = d.block().forward(new ParameterStore(d.manager(), false), new NDList(src, tgt), false)
                    .singletonOrThrow().logSoftmax(-1);
            long last = tgt.getShape().get(1) - 1;
            float[][] rows = new float[histories.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = logp.get(i, last).toFloatArray();
            }
            return rows;
        }
    }

    static int[] append(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest(name = "mbart={0}")
    @ValueSource(booleans = {false, true})
    void stepDecodingWithReorderedAndDuplicatedBeamsEqualsTheTeacherForcedPass(boolean mbart) {
        try (BartStepDecoder d = load(mbart, mbart ? 11 : 12)) {
            // sources of different lengths, so the source padding mask matters
            List<int[]> sources = List.of(new int[] {5, 6, 7, EOS}, new int[] {8, 9, 10, 11, 12, 13, EOS}, new int[] {14, EOS});
            Random rnd = new Random(mbart ? 3 : 4);
            int[] parents = {0, 1, 1, 2, 0}; // a source may start several hypotheses
            int[] tokens = new int[parents.length];
            Arrays.fill(tokens, d.config().decoderStartTokenId());
            List<int[]> rowSources = new ArrayList<>();
            List<int[]> rowHistories = new ArrayList<>();
            try (StepDecoder.Session session = d.open(sources)) {
                for (int step = 0; step < 10; step++) {
                    float[][] out = session.step(parents, tokens);
                    List<int[]> nextSources = new ArrayList<>();
                    List<int[]> nextHistories = new ArrayList<>();
                    for (int i = 0; i < parents.length; i++) {
                        nextSources.add(step == 0 ? sources.get(parents[i]) : rowSources.get(parents[i]));
                        nextHistories.add(step == 0 ? d.config().decoderPrefix() : append(rowHistories.get(parents[i]), tokens[i]));
                    }
                    float[][] expected = teacherForced(d, nextSources, nextHistories);
                    assertThat(out).hasNumberOfRows(parents.length);
                    for (int i = 0; i < out.length; i++) {
                        for (int v = 0; v < TinyBart.VOCAB; v++) {
                            assertThat(out[i][v]).as("step %d row %d token %d", step, i, v).isCloseTo(expected[i][v], within(1e-4f));
                        }
                    }
                    rowSources = nextSources;
                    rowHistories = nextHistories;
                    // the next hypotheses: any previous rows, dropped, kept in another order or duplicated
                    parents = new int[1 + rnd.nextInt(6)];
                    tokens = new int[parents.length];
                    for (int i = 0; i < parents.length; i++) {
                        parents[i] = rnd.nextInt(out.length);
                        tokens[i] = 3 + rnd.nextInt(TinyBart.VOCAB - 3);
                    }
                }
            }
        }
    }

    @Test
    void theLanguageCodeIsForcedAfterTheStartTokenAndChangesTheOutput() {
        List<int[]> source = List.of(new int[] {5, 6, 7, EOS});
        try (BartStepDecoder english = load(true, 21);
                BartStepDecoder other = BartStepDecoder.load(english.config().withForcedBos(36), TinyBart.tensors(true, 21))) {
            assertThat(english.config().decoderPrefix()).containsExactly(EOS, TinyBart.LANGUAGE_CODE);
            float[] a;
            float[] b;
            try (StepDecoder.Session s = english.open(source)) {
                a = s.step(new int[] {0}, new int[] {EOS})[0];
            }
            try (StepDecoder.Session s = other.open(source)) {
                b = s.step(new int[] {0}, new int[] {EOS})[0];
            }
            assertThat(a).containsExactly(teacherForced(english, source, List.of(new int[] {EOS, TinyBart.LANGUAGE_CODE}))[0], within(1e-4f));
            assertThat(b).containsExactly(teacherForced(english, source, List.of(new int[] {EOS, 36}))[0], within(1e-4f));
            assertThat(a).isNotEqualTo(b);
        }
    }

    @ParameterizedTest(name = "mbart={0}")
    @ValueSource(booleans = {false, true})
    void decodingIsBoundedByTheLearnedPositions(boolean mbart) {
        try (BartStepDecoder d = load(mbart, 5); StepDecoder.Session s = d.open(List.of(new int[] {5, EOS}))) {
            assertThat(d.maxSteps()).isEqualTo(TinyBart.MAX_POSITIONS - (mbart ? 1 : 0));
            s.step(new int[] {0}, new int[] {EOS});
            for (int i = 1; i < d.maxSteps(); i++) {
                s.step(new int[] {0}, new int[] {7});
            }
            assertThatThrownBy(() -> s.step(new int[] {0}, new int[] {7}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("max_position_embeddings");
        }
    }

    @Test
    void aSessionMustStartWithTheDecoderStartToken() {
        try (BartStepDecoder d = load(false, 5); StepDecoder.Session s = d.open(List.of(new int[] {5, EOS}))) {
            assertThatThrownBy(() -> s.step(new int[] {0}, new int[] {0}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decoder_start_token_id 2");
        }
    }

    // ---- loading ----------------------------------------------------------------------------------------

    static String loadError(boolean mbartConfig, Map<String, HfTensor> tensors) {
        BartConfig config = BartConfig.fromJson(TinyBart.config(mbartConfig), "config.json");
        try {
            BartStepDecoder.load(config, tensors).close();
        } catch (UserError e) {
            return e.getMessage();
        }
        throw new AssertionError("the checkpoint loaded");
    }

    @Test
    void aMissingTensorIsNamed() {
        Map<String, HfTensor> t = TinyBart.tensors(false, 1);
        t.remove("model.decoder.layers.1.encoder_attn.k_proj.bias");
        assertThat(loadError(false, t)).contains("missing 1 tensor(s): model.decoder.layers.1.encoder_attn.k_proj.bias(16)");
    }

    @Test
    void aTensorOfTheWrongShapeIsNamedWithBothShapes() {
        Map<String, HfTensor> t = TinyBart.tensors(false, 1);
        TinyBart.put(t, new Random(1), 0.1, 0, "model.encoder.layers.0.fc1.weight", 25, 16);
        assertThat(loadError(false, t)).contains("shape of model.encoder.layers.0.fc1.weight is [25, 16], expected (24, 16)")
                .doesNotContain("missing").doesNotContain("unexpected");
    }

    @Test
    void unexpectedTensorsAreNamed() {
        Map<String, HfTensor> t = TinyBart.tensors(false, 1);
        TinyBart.put(t, new Random(1), 0.1, 0, "model.encoder.layers.2.fc1.bias", 24);
        assertThat(loadError(false, t)).contains("unexpected 1 tensor(s): model.encoder.layers.2.fc1.bias");
    }

    @Test
    void anMbartCheckpointUnderABartConfigIsRefusedByItsFinalLayerNorms() {
        assertThat(loadError(false, TinyBart.tensors(true, 1)))
                .contains("unexpected 4 tensor(s): model.decoder.layer_norm.bias, model.decoder.layer_norm.weight,"
                        + " model.encoder.layer_norm.bias, model.encoder.layer_norm.weight");
        assertThat(loadError(true, TinyBart.tensors(false, 1))).contains("missing 4 tensor(s): model.encoder.layer_norm.weight(16)");
    }

    @Test
    void anUntiedOutputProjectionIsRefused() {
        Map<String, HfTensor> t = TinyBart.tensors(false, 1);
        TinyBart.put(t, new Random(9), 0.5, 0, "lm_head.weight", TinyBart.VOCAB, TinyBart.D_MODEL);
        assertThat(loadError(false, t)).contains("lm_head.weight differs from the first tied embedding");
    }

    @Test
    void tiedCopiesBareNamesAndAMissingLogitsBiasLoadAsTransformersDoes() {
        Map<String, HfTensor> canonical = TinyBart.tensors(false, 2);
        HfTensor shared = canonical.get("model.shared.weight");
        Map<String, HfTensor> variant = new LinkedHashMap<>();
        canonical.forEach((name, t) -> {
            if (!name.equals("model.shared.weight")) {
                variant.put(name.startsWith("model.") ? name.substring(6) : name, t); // saved from BartModel
            }
        });
        variant.put("encoder.embed_tokens.weight", shared);
        variant.put("decoder.embed_tokens.weight", shared);
        variant.put("lm_head.weight", shared);
        List<int[]> source = List.of(new int[] {5, 6, EOS});
        try (BartStepDecoder a = BartStepDecoder.load(TinyBart.config(false), canonical, "config.json");
                BartStepDecoder b = BartStepDecoder.load(TinyBart.config(false), variant, "config.json");
                StepDecoder.Session sa = a.open(source);
                StepDecoder.Session sb = b.open(source)) {
            assertThat(sb.step(new int[] {0}, new int[] {EOS})[0]).isEqualTo(sa.step(new int[] {0}, new int[] {EOS})[0]);
        }
        Map<String, HfTensor> noBias = TinyBart.tensors(false, 2);
        noBias.remove("final_logits_bias");
        try (BartStepDecoder d = BartStepDecoder.load(TinyBart.config(false), noBias, "config.json")) {
            assertThat(d.block().expectedTensors()).containsKey("final_logits_bias");
        }
    }

    // ---- beam search --------------------------------------------------------------------------------------

    static final int VERB = 10;
    static final List<int[]> NAMES = List.of(new int[] {11, 12}, new int[] {11, 13, 14}, new int[] {15}, new int[] {16, 12},
            new int[] {11}, new int[] {17, 17, 17, 12});

    /** With as many beams as names nothing is pruned: every name comes back, scored exactly as the full pass scores it. */
    @ParameterizedTest(name = "mbart={0}")
    @ValueSource(booleans = {false, true})
    void constrainedBeamSearchRanksEveryNameByItsTeacherForcedScore(boolean mbart) {
        NameTrie.Builder builder = NameTrie.builder(EOS);
        for (int i = 0; i < NAMES.size(); i++) {
            builder.add(append(new int[] {VERB}, NAMES.get(i)), i);
        }
        Constraint constraint = Constraint.after(builder.build(), new int[] {VERB});
        int[] source = {20, 21, 22, EOS};
        int[] prefix = {23, 24, VERB};
        try (BartStepDecoder d = load(mbart, 31)) {
            BeamSearch search = new BeamSearch(d, d.specialTokens(3),
                    t -> Arrays.stream(t).mapToObj(x -> " " + x).collect(Collectors.joining()));
            List<Candidate> out = search.search(List.of(new Query(source, prefix, constraint)),
                    new Options(NAMES.size(), NAMES.size(), 16, true, false)).get(0);
            assertThat(out).hasSize(NAMES.size());
            assertThat(out).isSortedAccordingTo(Comparator.comparingDouble(Candidate::logScore).reversed());
            List<List<Integer>> found = new ArrayList<>();
            for (Candidate c : out) {
                assertThat(c.tokens()[c.tokens().length - 1]).isEqualTo(EOS);
                int[] name = Arrays.copyOf(c.tokens(), c.tokens().length - 1);
                found.add(Arrays.stream(name).boxed().toList());
                assertThat(c.parts()).singleElement().satisfies(p ->
                        assertThat(p.nameIds()).containsExactly(indexOf(name)));
                assertThat(c.logScore()).isCloseTo(meanLogProb(d, source, append(d.config().decoderPrefix(), prefix), c.tokens()),
                        within(1e-4));
            }
            assertThat(found).containsExactlyInAnyOrderElementsOf(NAMES.stream().map(n -> Arrays.stream(n).boxed().toList()).toList());
        }
    }

    static int indexOf(int[] name) {
        for (int i = 0; i < NAMES.size(); i++) {
            if (Arrays.equals(NAMES.get(i), name)) {
                return i;
            }
        }
        return -1;
    }

    /** Mean log-probability of {@code generated} after {@code forced}, from one teacher-forced pass. */
    static double meanLogProb(BartStepDecoder d, int[] source, int[] forced, int[] generated) {
        int[] history = append(forced, Arrays.copyOf(generated, generated.length - 1));
        try (NDScope scope = new NDScope()) {
            NDArray src = Seq2SeqModel.pad(d.manager(), List.of(source), TinyBart.MAX_POSITIONS, TinyBart.PAD);
            NDArray tgt = Seq2SeqModel.pad(d.manager(), List.of(history), TinyBart.MAX_POSITIONS, TinyBart.PAD);
            float[] logp = d.block().forward(new ParameterStore(d.manager(), false), new NDList(src, tgt), false)
                    .singletonOrThrow().logSoftmax(-1).toFloatArray();
            double sum = 0;
            for (int i = 0; i < generated.length; i++) {
                sum += logp[(forced.length - 1 + i) * TinyBart.VOCAB + generated[i]];
            }
            return sum / generated.length;
        }
    }
}
