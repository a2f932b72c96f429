package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import io.syncabel.runtime.model.ExampleEncoder;
import io.syncabel.runtime.model.NameTable;
import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score-level fusion of TF-IDF retrieval and the model's name scores. */
class FusionTest {
    static final HybridLinking.FusionMethod LINEAR = HybridLinking.FusionMethod.LINEAR;
    static final HybridLinking.FusionMethod RRF = HybridLinking.FusionMethod.RRF;

    static final List<TfIdfLinker.Candidate> RETRIEVED = List.of(
            new TfIdfLinker.Candidate("A", "a name", "DISO", 0.9),
            new TfIdfLinker.Candidate("B", "b name", "DISO", 0.8),
            new TfIdfLinker.Candidate("C", "c name", "DISO", 0.5),
            new TfIdfLinker.Candidate("D", "d name", "DISO", 0.4));
    /** The model prefers C, then B, then A, and has no name for D. */
    static final Map<String, GenerativeLinker.NameScore> MODEL = Map.of(
            "A", new GenerativeLinker.NameScore("a", -2.0, 3, -2.0 * 3),
            "B", new GenerativeLinker.NameScore("b", -0.1, 3, -0.1 * 3),
            "C", new GenerativeLinker.NameScore("c", -0.05, 3, -0.05 * 3));

    static List<String> order(HybridLinking.FusionMethod method, double a) {
        return HybridLinking.combine(RETRIEVED, MODEL, new HybridLinking.Fusion(method, a)).stream()
                .map(f -> f.candidate().codes().get(0)).toList();
    }

    @Test
    void linearFusionGoesFromRetrievalToModelWithTheWeight() {
        assertThat(order(LINEAR, 0)).containsExactly("A", "B", "C", "D");
        assertThat(order(LINEAR, 1)).containsExactly("C", "B", "A", "D");
        // A: -1.053, B: -0.162, C: -0.372; D has no model score: last
        assertThat(order(LINEAR, 0.5)).containsExactly("B", "C", "A", "D");
        List<HybridLinking.Fused> fused = HybridLinking.combine(RETRIEVED, MODEL, new HybridLinking.Fusion(LINEAR, 0.5));
        HybridLinking.Fused b = fused.get(0);
        assertThat(b.candidate().score()).isCloseTo(Math.exp(0.5 * -0.1 + 0.5 * Math.log(0.8)), within(1e-12));
        assertThat(b.candidate().name()).isEqualTo("b");
        assertThat(b.candidate().rank()).isEqualTo(1);
        assertThat(b.modelLogProb()).isEqualTo(-0.1);
        assertThat(b.retrieval()).isEqualTo(0.8);
        assertThat(b.retrievalRank()).isEqualTo(2);
        assertThat(fused.get(3).candidate().name()).as("unscored: the retriever's name").isEqualTo("d name");
        assertThat(fused.get(3).modelLogProb()).isNaN();
    }

    @Test
    void aConfidentRetrievalStandsAboveTheGateAndTheModelWeighsInBelowIt() {
        // top-1 cosine 0.9: a gate at 0.9 (or below) keeps retrieval's order whatever the weight...
        for (double gate : new double[] {0.9, 0.5}) {
            assertThat(HybridLinking.combine(RETRIEVED, MODEL, new HybridLinking.Fusion(LINEAR, 0.5, gate)).stream()
                    .map(f -> f.candidate().codes().get(0)).toList()).containsExactly("A", "B", "C", "D");
        }
        // ...a gate above it leaves the fusion as it was
        assertThat(HybridLinking.combine(RETRIEVED, MODEL, new HybridLinking.Fusion(LINEAR, 0.5, 0.95)).stream()
                .map(f -> f.candidate().codes().get(0)).toList()).containsExactly("B", "C", "A", "D");
        assertThat(new HybridLinking.Fusion(LINEAR, 0.5).gate()).as("no gate by default").isInfinite();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HybridLinking.Fusion(LINEAR, 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gate");
    }

    @Test
    void reciprocalRankFusionBreaksTiesByRetrieval() {
        // A: 1/61 retrieval + 1/63 model, C: the reverse, equal; B: 1/62 + 1/62, slightly less
        assertThat(order(RRF, 0.5)).containsExactly("A", "C", "B", "D");
        assertThat(order(RRF, 1)).containsExactly("C", "B", "A", "D");
        assertThat(order(RRF, 0)).containsExactly("A", "B", "C", "D");
    }

    @TempDir
    Path dir;

    /**
     * The whole path on a toy KB with a scripted decoder that only likes "Wilson disease": a mention the
     * retriever ranks Huntington disease first for is answered D003 once the model has weight, a training
     * mention is answered by the exact lookup without the model.
     */
    @Test
    void theModelsFavouriteNameWinsAmongTheRetrievedConceptsOnceItHasWeight() throws IOException {
        KnowledgeBase kb = TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), """
                D001||Duchenne muscular dystrophy|DMD
                D003||Wilson disease|hepatolenticular degeneration
                D005||Huntington disease|Huntington chorea
                D006||Colorectal cancer|colon cancer
                """)), KbOptions.defaults());
        NameTable names = NameTable.of(kb);
        List<String> texts = new ArrayList<>();
        names.entries().forEach(e -> texts.add(" is " + e.name()));
        texts.add("[Huntington Wilson disease]{DISO} is");
        BpeVocabulary bpe = new BpeTrainer(300, 2).train(texts);
        ExampleEncoder encoder = new ExampleEncoder(bpe::encode, 32);
        GroupTries tries = GroupTries.build(names.trieNames(), bpe::encode, BpeVocabulary.END);

        String mention = "Huntington Wilson disease";
        int prefixLength = encoder.prefix(mention).length;
        int[] favourite = Arrays.copyOf(encoder.nameTail("Wilson disease"), encoder.nameTail("Wilson disease").length + 1);
        favourite[favourite.length - 1] = BpeVocabulary.END;
        int vocab = bpe.size();
        FakeDecoder decoder = FakeDecoder.writing(vocab, prefixLength, favourite);
        GenerativeLinker linker = new GenerativeLinker(decoder, encoder, bpe::decode, tries, names,
                new Linker.Info("fake", "1", "1"));

        Path train = Files.writeString(dir.resolve("train.pubtator"), """
                1|t|Colon cancer was seen.
                1|a|Nothing else.
                1\t0\t12\tColon cancer\tDisease\tD006

                """);
        Path test = Files.writeString(dir.resolve("test.pubtator"), """
                2|t|Huntington Wilson disease was seen.
                2|a|Then colon cancer.
                2\t0\t25\tHuntington Wilson disease\tDisease\tD003
                2\t41\t53\tcolon cancer\tDisease\tD006

                """);
        List<CorpusExamples.Item> training = CorpusExamples.read(train, null, kb, "en", true, new Problems(false));
        List<CorpusExamples.Item> items = CorpusExamples.read(test, null, kb, "en", true, new Problems(false));
        assertThat(items).hasSize(2);
        HybridLinking hybrid = new HybridLinking(linker, kb, training, 3);
        Linker.Options fallback = new Linker.Options(3, 3, true);

        List<List<HybridLinking.Fused>> retrievalOnly = hybrid.fuse(items, new HybridLinking.Fusion(LINEAR, 0), fallback);
        assertThat(retrievalOnly.get(0).get(0).candidate().codes()).as("TF-IDF alone").containsExactly("D005");
        assertThat(retrievalOnly.get(0)).hasSize(3).extracting(f -> f.candidate().codes().get(0)).contains("D003");
        assertThat(decoder.stepCalls).as("weight 0: the model is not run").isZero();
        List<List<HybridLinking.Fused>> gated = hybrid.fuse(items, new HybridLinking.Fusion(LINEAR, 0.5, 0.01), fallback);
        assertThat(gated.get(0).get(0).candidate().codes()).as("retrieval stands above the gate").containsExactly("D005");
        assertThat(decoder.stepCalls).as("the model is not asked above the gate").isZero();

        for (HybridLinking.Fusion fusion : List.of(new HybridLinking.Fusion(LINEAR, 0.5), new HybridLinking.Fusion(RRF, 1))) {
            List<List<HybridLinking.Fused>> fused = hybrid.fuse(items, fusion, fallback);
            HybridLinking.Fused top = fused.get(0).get(0);
            assertThat(top.candidate().codes()).as(fusion.toString()).containsExactly("D003");
            assertThat(top.candidate().name()).isEqualTo("Wilson disease");
            assertThat(top.modelLogProb()).isGreaterThan(-0.01);
            assertThat(fused.get(1)).as("exact training mention").hasSize(1);
            assertThat(fused.get(1).get(0).candidate().codes()).containsExactly("D006");
            assertThat(fused.get(1).get(0).modelLogProb()).isNaN();
        }
        // only the first mention was ever fed to the model
        int[] forced = new int[1 + prefixLength];
        forced[0] = BpeVocabulary.START;
        System.arraycopy(encoder.prefix(mention), 0, forced, 1, prefixLength);
        assertThat(decoder.fedHistories).isNotEmpty().allSatisfy(h -> assertThat(
                Arrays.copyOf(h, Math.min(h.length, forced.length))).isEqualTo(Arrays.copyOf(forced, Math.min(h.length, forced.length))));
    }
}
