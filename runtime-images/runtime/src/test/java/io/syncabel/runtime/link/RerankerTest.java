package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.model.ExampleEncoder;
import io.syncabel.runtime.model.NameTable;
import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import io.syncabel.runtime.text.Problems;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learned re-ranker: its fit, its features, its file, and ranking with and without the model. */
class RerankerTest {
    static final String KB = """
            D001||Duchenne muscular dystrophy|DMD
            D003||Wilson disease|hepatolenticular degeneration
            D005||Huntington disease|Huntington chorea
            D006||Colorectal cancer|colon cancer
            """;

    @TempDir
    Path dir;

    @Test
    void theFitFindsTheFeatureThatMarksTheGoldCandidateAndIsDeterministic() {
        Random random = new Random(1);
        List<RerankerTraining.ListExample> lists = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<double[]> candidates = new ArrayList<>();
            int gold = random.nextInt(5);
            for (int r = 0; r < 5; r++) {
                // feature 1 is noise; feature 2 is highest for the gold candidate most of the time
                double signal = (r == gold ? 1.0 : 0.0) + 0.3 * random.nextGaussian();
                candidates.add(new double[] {10 + random.nextGaussian(), signal});
            }
            lists.add(new RerankerTraining.ListExample(candidates, gold));
        }
        Reranker.Layer layer = RerankerTraining.fit(List.of("noise", "signal"), lists);
        assertThat(layer.weights()[1]).isGreaterThan(1).isGreaterThan(10 * Math.abs(layer.weights()[0]));
        assertThat(RerankerTraining.top1(lists, layer)).isGreaterThan(0.85);
        Reranker.Layer again = RerankerTraining.fit(List.of("noise", "signal"), lists);
        assertThat(again.weights()).containsExactly(layer.weights());
        assertThat(RerankerTraining.loss(lists, layer)).isLessThan(Math.log(5));
        assertThatThrownBy(() -> RerankerTraining.fit(List.of("x"), List.of())).hasMessageContaining("nothing to learn");
    }

    /**
     * Dev lists of 40 documents x 5 mentions with the model layer's inputs: the base score marks the gold 70% of the
     * time; the model's log-probability marks it with the given reliability (0: noise).
     */
    static List<RerankerTraining.ListExample> devLists(double modelSignal, List<String> documents) {
        Random random = new Random(7);
        List<RerankerTraining.ListExample> lists = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            List<double[]> candidates = new ArrayList<>();
            int gold = random.nextInt(4);
            int baseFavourite = random.nextDouble() < 0.7 ? gold : (gold + 1) % 4;
            for (int r = 0; r < 4; r++) {
                double base = (r == baseFavourite ? 1.0 : 0.0) + 0.1 * random.nextGaussian();
                double model = modelSignal * (r == gold ? 1.0 : 0.0) + random.nextGaussian();
                candidates.add(new double[] {base, model, 2 * model, 0, 1.0 / (r + 1), 0});
            }
            lists.add(new RerankerTraining.ListExample(candidates, gold));
            documents.add("doc" + i / 5);
        }
        return lists;
    }

    @Test
    void theModelLayerIsKeptOnlyWhereItRanksHeldOutDevDocumentsBetterThanTheBaseLayerAlone() {
        List<String> documents = new ArrayList<>();
        List<RerankerTraining.ListExample> helpful = devLists(3.0, documents);
        RerankerTraining.ModelLayerFit kept = RerankerTraining.fitModelLayer(helpful, documents, 5, RerankerTraining.ModelLayer.AUTO);
        assertThat(kept.heldOut()).isGreaterThan(kept.baseAlone());
        assertThat(kept.baseAlone()).isCloseTo(0.7, within(0.08));
        assertThat(kept.dropped()).isFalse();
        assertThat(kept.layer()).isNotNull();

        documents.clear();
        List<RerankerTraining.ListExample> noise = devLists(0.0, documents);
        RerankerTraining.ModelLayerFit dropped = RerankerTraining.fitModelLayer(noise, documents, 5, RerankerTraining.ModelLayer.AUTO);
        assertThat(dropped.inSample()).as("in-sample a noise feature can still look useful").isGreaterThanOrEqualTo(dropped.heldOut());
        assertThat(dropped.heldOut()).isLessThanOrEqualTo(dropped.baseAlone());
        assertThat(dropped.dropped()).isTrue();
        assertThat(dropped.layer()).isNull();
        RerankerTraining.ModelLayerFit always = RerankerTraining.fitModelLayer(noise, documents, 5, RerankerTraining.ModelLayer.ALWAYS);
        assertThat(always.layer()).isNotNull();
        assertThat(always.dropped()).isFalse();

        // one dev document: nothing can be held out, the layer is kept as before
        List<String> one = java.util.Collections.nCopies(noise.size(), "doc");
        RerankerTraining.ModelLayerFit unchecked = RerankerTraining.fitModelLayer(noise, one, 5, RerankerTraining.ModelLayer.AUTO);
        assertThat(unchecked.heldOut()).isNaN();
        assertThat(unchecked.layer()).isNotNull();
    }

    KnowledgeBase kb() throws IOException {
        return TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), KB)), KbOptions.defaults());
    }

    List<CorpusExamples.Item> read(KnowledgeBase kb, String name, String pubtator) throws IOException {
        return CorpusExamples.read(Files.writeString(dir.resolve(name), pubtator), null, kb, "en", true, new Problems(false));
    }

    @Test
    void featuresSeeTheDocumentTheTrainingAnnotationsAndTheWords() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> training = read(kb, "train.pubtator", """
                1|t|Colon cancer was seen.
                1|a|Nothing else.
                1\t0\t12\tColon cancer\tDisease\tD006

                """);
        // "chorea" retrieves D005 first by TF-IDF; the document's other mention points to D005 too
        List<CorpusExamples.Item> items = read(kb, "test.pubtator", """
                2|t|Huntington chorea families.
                2|a|The chorea worsened; colon cancer was rare.
                2\t0\t17\tHuntington chorea\tDisease\tD005
                2\t32\t38\tchorea\tDisease\tD005
                2\t49\t61\tcolon cancer\tDisease\tD006
                """);
        HybridLinking hybrid = new HybridLinking(null, kb, training, 3);
        List<CandidateFeatures.Listing> listings = hybrid.features().listings(items, 3);
        CandidateFeatures.Listing colonCancer = listings.get(2);
        assertThat(colonCancer.exact()).as("a training mention").isEqualTo("D006");
        int share = CandidateFeatures.BASE.indexOf("dictionaryShare");
        assertThat(colonCancer.base()[colonCancer.codes().indexOf("D006")][share]).as("all its votes").isEqualTo(1.0);
        CandidateFeatures.Listing chorea = listings.get(1);
        assertThat(chorea.exact()).isNull();
        assertThat(chorea.base()[0][share]).isZero();
        assertThat(chorea.codes()).first().isEqualTo("D005");
        double[] top = chorea.base()[0];
        int agreement = CandidateFeatures.BASE.indexOf("documentAgreement");
        assertThat(top[agreement]).as("'Huntington chorea' answers D005 first").isEqualTo(Math.log1p(1));
        assertThat(top[CandidateFeatures.BASE.indexOf("wordRecall")]).isEqualTo(1.0);
        assertThat(top[CandidateFeatures.BASE.indexOf("exactKbName")]).isZero();
        assertThat(listings.get(0).base()[0][CandidateFeatures.BASE.indexOf("exactKbName")]).isEqualTo(1.0);
        assertThat(top[CandidateFeatures.BASE.indexOf("retrievalRecipRank")]).isEqualTo(1.0);
        // annotated once in training
        List<CorpusExamples.Item> other = read(kb, "other.pubtator", """
                3|t|Colorectal cancers.
                3|a|None.
                3\t0\t18\tColorectal cancers\tDisease\tD006
                """);
        CandidateFeatures.Listing colorectal = hybrid.features().listings(other, 3).get(0);
        assertThat(colorectal.base()[colorectal.codes().indexOf("D006")][CandidateFeatures.BASE.indexOf("prior")]).isEqualTo(Math.log1p(1));
        assertThat(colorectal.base()[colorectal.codes().indexOf("D006")][agreement]).as("no other mention in its document").isZero();
        assertThat(hybrid.features().names()).hasSize(chorea.base()[0].length).startsWith(CandidateFeatures.BASE.toArray(String[]::new))
                .endsWith(CandidateFeatures.COMPOSITE.toArray(String[]::new));
    }

    @Test
    void aCoordinatedMentionGetsTheCandidateItsPartsNameTogether() throws IOException {
        KnowledgeBase kb = TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb-composite.txt"), """
                D007||Breast cancer|breast carcinoma
                D008||Ovarian cancer|ovary cancer
                D009||Hereditary breast and ovarian cancer syndrome|HBOC
                """)), KbOptions.defaults());
        List<CorpusExamples.Item> training = read(kb, "train-composite.pubtator", """
                1|t|HBOC was seen.
                1|a|Nothing else.
                1	0	4	HBOC	Disease	D009

                """);
        List<CorpusExamples.Item> items = read(kb, "test-composite.pubtator", """
                2|t|Families with breast and ovarian cancer.
                2|a|Nothing else.
                2	14	39	breast and ovarian cancer	Disease	D008|D007
                """);
        HybridLinking hybrid = new HybridLinking(null, kb, training, 3);
        CandidateFeatures.Listing listing = hybrid.features().listings(items, 3).get(0);
        int flag = hybrid.features().names().indexOf("coordination");
        int composite = listing.codes().indexOf("D007+D008");
        assertThat(composite).as("breast cancer + ovarian cancer, in text order").isNotNegative();
        assertThat(listing.base()[composite][flag]).isEqualTo(1.0);
        assertThat(listing.codes()).filteredOn(c -> !c.contains("+")).allSatisfy(c ->
                assertThat(listing.base()[listing.codes().indexOf(c)][flag]).isZero());
        // both parts are KB names: the weakest part's cosine is still 1
        assertThat(listing.base()[composite][CandidateFeatures.COSINE]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(RerankerTraining.example(listing, List.of(listing.base())).gold()).as("the gold, annotated in another order")
                .isEqualTo(composite);

        Reranker byCoordination = new Reranker(3, layer(hybrid.features().names(), flag), null);
        assertThat(hybrid.rerank(items, byCoordination, new Linker.Options(3, 3, true)).get(0).get(0).candidate().codes())
                .containsExactly("D007", "D008");
        // a re-ranker fit before composites existed lists no such candidate
        assertThat(hybrid.features(false).listings(items, 3).get(0).codes()).noneMatch(c -> c.contains("+"));
        assertThat(hybrid.rerank(items, new Reranker(3, layer(CandidateFeatures.BASE, CandidateFeatures.COSINE), null),
                new Linker.Options(3, 3, true)).get(0)).allSatisfy(f -> assertThat(f.candidate().codes()).hasSize(1));
    }

    @Test
    void aRerankerIsSavedAndReadAndRefusesOtherFeatures() throws IOException {
        Reranker.Layer base = layer(CandidateFeatures.BASE, 0);
        Reranker.Layer model = layer(CandidateFeatures.MODEL, 1);
        Reranker reranker = new Reranker(7, base, model);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reranker.write(out);
        Reranker read = Reranker.read(new ByteArrayInputStream(out.toByteArray()), "r.json");
        assertThat(read.candidates()).isEqualTo(7);
        assertThat(read.usesModel()).isTrue();
        assertThat(read.model().weights()).containsExactly(model.weights());
        assertThat(read.withoutModel().usesModel()).isFalse();
        String foreign = out.toString(StandardCharsets.UTF_8).replace("\"cosineKb\"", "\"denseCosine\"");
        assertThatThrownBy(() -> Reranker.read(new ByteArrayInputStream(foreign.getBytes(StandardCharsets.UTF_8)), "r.json"))
                .hasMessageContaining("r.json: made for other features").hasMessageContaining("syncabel rerank");
        assertThatThrownBy(() -> Reranker.read(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), "r.json"))
                .hasMessageStartingWith("r.json: not a re-ranker");
    }

    /** A layer with all weight on feature {@code f}. */
    static Reranker.Layer layer(List<String> features, int f) {
        double[] w = new double[features.size()];
        w[f] = 5;
        double[] std = new double[features.size()];
        Arrays.fill(std, 1);
        return new Reranker.Layer(features, new double[features.size()], std, w);
    }

    @Test
    void theModelLayerLetsTheModelOverruleRetrievalAndWithoutItRetrievalStands() throws IOException {
        KnowledgeBase kb = kb();
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
        GenerativeLinker linker = new GenerativeLinker(decoder, encoder, bpe::decode, tries, names, new Linker.Info("fake", "1", "1"));
        List<CorpusExamples.Item> training = read(kb, "train.pubtator", """
                1|t|Colon cancer was seen.
                1|a|Nothing else.
                1\t0\t12\tColon cancer\tDisease\tD006

                """);
        List<CorpusExamples.Item> items = read(kb, "test.pubtator", """
                2|t|Huntington Wilson disease was seen.
                2|a|Then colon cancer.
                2\t0\t25\tHuntington Wilson disease\tDisease\tD003
                2\t41\t53\tcolon cancer\tDisease\tD006
                """);
        HybridLinking hybrid = new HybridLinking(linker, kb, training, 3);
        Linker.Options fallback = new Linker.Options(3, 3, true);
        // base layer: the cosine; model layer: the model's mean log-probability
        Reranker reranker = new Reranker(3, layer(CandidateFeatures.BASE, CandidateFeatures.COSINE),
                layer(CandidateFeatures.MODEL, CandidateFeatures.MODEL.indexOf("modelLogProb")));

        List<List<HybridLinking.Fused>> withoutModel = hybrid.rerank(items, reranker.withoutModel(), fallback);
        assertThat(withoutModel.get(0).get(0).candidate().codes()).as("retrieval's favourite").containsExactly("D005");
        assertThat(decoder.stepCalls).as("no model layer: the model is not run").isZero();
        assertThat(withoutModel.get(1).get(0).candidate().codes()).as("a training mention's code").containsExactly("D006");

        List<List<HybridLinking.Fused>> withModel = hybrid.rerank(items, reranker, fallback);
        HybridLinking.Fused top = withModel.get(0).get(0);
        assertThat(top.candidate().codes()).containsExactly("D003");
        assertThat(top.candidate().name()).isEqualTo("Wilson disease");
        assertThat(withModel.get(0)).hasSize(3);
        assertThat(withModel.get(0).stream().mapToDouble(f -> f.candidate().score()).sum()).as("softmax over the candidates")
                .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(withModel.get(0)).extracting(f -> f.candidate().rank()).containsExactly(1, 2, 3);
    }
}
