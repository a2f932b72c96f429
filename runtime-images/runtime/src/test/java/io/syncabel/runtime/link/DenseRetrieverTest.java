package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import io.syncabel.runtime.text.Problems;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dense retriever over the KB's names, and its place in retrieval and the re-ranker. */
class DenseRetrieverTest {
    @TempDir
    Path dir;

    /**
     * A stand-in for a fine-tuned encoder: a text is the normalised sum of one random vector per word, words first
     * mapped through a few synonyms a character model cannot know ("bowel" means "colon", "carcinoma" "cancer").
     */
    static final class WordEmbedder implements Embedder {
        static final Map<String, String> SYNONYMS = Map.of("bowel", "colon", "carcinoma", "cancer", "tumour", "cancer",
                "dystrophia", "dystrophy", "lynch", "hnpcc");
        final int dimension;

        WordEmbedder(int dimension) {
            this.dimension = dimension;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                float[] v = new float[dimension];
                for (String w : CandidateFeatures.words(texts.get(i))) {
                    Random random = new Random(SYNONYMS.getOrDefault(w, w).hashCode());
                    for (int d = 0; d < dimension; d++) {
                        v[d] += (float) random.nextGaussian();
                    }
                }
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                for (int d = 0; d < dimension && norm > 0; d++) {
                    v[d] /= (float) Math.sqrt(norm);
                }
                out[i] = v;
            }
            return out;
        }
    }

    KnowledgeBase kb() throws IOException {
        return TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), RerankerTest.KB)), KbOptions.defaults());
    }

    List<CorpusExamples.Item> read(KnowledgeBase kb, String name, String pubtator) throws IOException {
        return CorpusExamples.read(Files.writeString(dir.resolve(name), pubtator), null, kb, "en", true, new Problems(false));
    }

    @Test
    void aMentionFindsTheConceptOfItsNearestNameAndTheRetrieverIsSavedWithItsNames() throws IOException {
        KnowledgeBase kb = kb();
        Embedder embedder = new WordEmbedder(64);
        DenseRetriever dense = DenseRetriever.build(embedder, kb, DenseIndex.Storage.FLOAT16);
        assertThat(dense.rows()).hasSize((int) kb.nameCount());
        List<TfIdfLinker.Candidate> found = dense.topK(List.of("bowel carcinoma"), null, 2).get(0);
        assertThat(found).extracting(TfIdfLinker.Candidate::code).first().isEqualTo("D006");
        assertThat(found.get(0).name()).isEqualTo("colon cancer");
        assertThat(found.get(0).score()).isCloseTo(1.0, within(2e-3));
        assertThat(found).hasSize(2);
        assertThat(dense.topK(List.of("bowel carcinoma"), "no such group", 2).get(0)).isEmpty();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dense.write(out);
        DenseRetriever read = DenseRetriever.read(new ByteArrayInputStream(out.toByteArray()), embedder, "dense.bin");
        assertThat(read.rows()).isEqualTo(dense.rows());
        assertThat(read.topK(List.of("bowel carcinoma"), null, 2).get(0)).isEqualTo(found);
        assertThatThrownBy(() -> DenseRetriever.read(new ByteArrayInputStream(out.toByteArray()), new WordEmbedder(32), "dense.bin"))
                .hasMessageStartingWith("dense.bin: ").hasMessageContaining("dimension 32").hasMessageContaining("dimension 64");
        byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), 30);
        assertThatThrownBy(() -> DenseRetriever.read(new ByteArrayInputStream(cut), embedder, "dense.bin"))
                .hasMessageStartingWith("dense.bin: truncated");
    }

    @Test
    void evaluationSearchesABatchTogetherAndAnswersEachMentionWithItsOwnNeighbours() throws IOException {
        KnowledgeBase kb = kb();
        DenseRetriever dense = DenseRetriever.build(new WordEmbedder(64), kb, DenseIndex.Storage.FLOAT16);
        List<CorpusExamples.Item> mentions = read(kb, "mentions.txt", """
                3|t|Bowel carcinoma, Huntington chorea and hepatolenticular degeneration.
                3|a|Nothing else.
                3\t0\t15\tBowel carcinoma\tDisease\tD006
                3\t17\t34\tHuntington chorea\tDisease\tD005
                3\t39\t68\thepatolenticular degeneration\tDisease\tD003
                """);
        List<CorpusExamples.Item> training = read(kb, "train.txt", TRAIN);
        DenseEvaluation.Figures figures = DenseEvaluation.evaluate(kb, dense, MentionDictionary.of(training), mentions, 1);
        // three mentions of three concepts in one batch: a mix-up of the batch's answers would cost Recall@1
        assertThat(figures.mentions()).isEqualTo(3);
        assertThat(figures.recallAt1()).isEqualTo(100.0);
        assertThat(figures.unseenMentions()).isEqualTo(3);
    }

    @Test
    void evaluationAlsoSearchesTheTrainingMentionsAsBioSynsDictionaryHoldsThem() throws IOException {
        KnowledgeBase kb = kb();
        // "Lynch" shares no word with a KB name: only the embedded training mention "HNPCC" leads to colorectal cancer
        List<CorpusExamples.Item> training = read(kb, "train.pubtator", """
                1|t|HNPCC runs in families.
                1|a|Nothing else.
                1\t0\t5\tHNPCC\tDisease\tD006
                """);
        List<CorpusExamples.Item> items = read(kb, "test.pubtator", """
                2|t|Lynch families.
                2|a|Nothing else.
                2\t0\t5\tLynch\tDisease\tD006
                """);
        CountingEmbedder embedder = new CountingEmbedder(new WordEmbedder(64));
        DenseRetriever dense = DenseRetriever.build(embedder, kb, DenseIndex.Storage.FLOAT16);
        DenseEvaluation.Figures figures = DenseEvaluation.evaluate(kb, dense, MentionDictionary.of(training), items, 1);
        assertThat(figures.recallAt1()).as("the KB's names alone").isZero();
        assertThat(figures.dictionaryRecallAt1()).as("with the training mentions").isEqualTo(100.0);
        assertThat(figures.dictionaryRecallAtK()).isEqualTo(100.0);

        // a retriever over other names: the same encoder, each text embedded once for all made from one retriever
        DenseRetriever mentions = dense.over(MentionDictionary.of(training).rows(kb.groups()));
        assertThat(mentions.rows()).containsExactly(new DenseRetriever.Row("DISO", "hnpcc", List.of("D006")));
        List<TfIdfLinker.Candidate> found = mentions.topK(List.of("Lynch"), null, 1).get(0);
        assertThat(found).extracting(TfIdfLinker.Candidate::code).containsExactly("D006");
        assertThat(found.get(0).score()).isCloseTo(1.0, within(2e-3));
        int embedded = embedder.texts;
        dense.over(MentionDictionary.of(training).rows(kb.groups()));
        assertThat(embedder.texts).isEqualTo(embedded);
    }

    /** Counts the texts it embeds. */
    static final class CountingEmbedder implements Embedder {
        final Embedder inner;
        int texts;

        CountingEmbedder(Embedder inner) {
            this.inner = inner;
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public float[][] embed(List<String> batch) {
            texts += batch.size();
            return inner.embed(batch);
        }
    }

    static final String TRAIN = """
            1|t|Colon cancer was seen.
            1|a|Nothing else.
            1\t0\t12\tColon cancer\tDisease\tD006

            """;
    static final String TEST = """
            2|t|Wilson bowel tumour families.
            2|a|Nothing else.
            2\t0\t19\tWilson bowel tumour\tDisease\tD006
            """;

    @Test
    void denseCandidatesJoinRetrievalAndTheirCosineIsAFeature() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> training = read(kb, "train.pubtator", TRAIN);
        List<CorpusExamples.Item> items = read(kb, "test.pubtator", TEST);
        DenseRetriever dense = DenseRetriever.build(new WordEmbedder(64), kb, DenseIndex.Storage.INT8);
        HybridLinking without = new HybridLinking(null, kb, MentionDictionary.of(training), 1);
        HybridLinking with = new HybridLinking(null, kb, MentionDictionary.of(training), 1, dense);

        CandidateFeatures.Listing plain = without.features(false).listings(items, 1).get(0);
        assertThat(plain.codes()).as("no character 3-gram leads TF-IDF to the colon").containsExactly("D003");
        assertThat(plain.base()[0]).hasSize(CandidateFeatures.BASE.size());
        assertThat(without.features(false).names()).isEqualTo(CandidateFeatures.BASE);

        CandidateFeatures.Listing listing = with.features(false).listings(items, 1).get(0);
        assertThat(with.features(false).names()).endsWith(CandidateFeatures.DENSE.toArray(String[]::new));
        assertThat(listing.codes()).as("TF-IDF's candidate first, then the dense one").containsExactly(plain.codes().get(0), "D006");
        double[] colon = listing.base()[1];
        int denseCosine = with.features(false).names().indexOf("denseCosine");
        int denseRank = with.features(false).names().indexOf("denseRecipRank");
        assertThat(colon).hasSize(CandidateFeatures.BASE.size() + 2);
        assertThat(colon[denseCosine]).isGreaterThan(0.75);
        assertThat(colon[denseRank]).isEqualTo(1.0);
        assertThat(colon[CandidateFeatures.COSINE]).as("below the TF-IDF top K").isZero();
        assertThat(listing.base()[0][denseRank]).as("not proposed by the dense retriever").isZero();
        assertThat(listing.base()[0][denseCosine]).isLessThan(0.5);
        assertThat(java.util.Arrays.copyOf(listing.base()[0], CandidateFeatures.BASE.size()))
                .as("TF-IDF's candidate keeps its features").containsExactly(plain.base()[0]);

        // a re-ranker weighing the dense cosine answers the colon; with the TF-IDF cosine alone it cannot
        Reranker byDense = new Reranker(1, RerankerTest.layer(CandidateFeatures.base(true, false), denseCosine), null);
        assertThat(with.rerank(items, byDense, new Linker.Options(1, 1, true)).get(0).get(0).candidate().codes())
                .containsExactly("D006");
        assertThatThrownBy(() -> without.rerank(items, byDense, new Linker.Options(1, 1, true)))
                .hasMessageContaining("no dense retriever was given");
        Reranker old = new Reranker(1, RerankerTest.layer(CandidateFeatures.BASE, CandidateFeatures.COSINE), null);
        assertThatThrownBy(() -> with.rerank(items, old, new Linker.Options(1, 1, true)))
                .hasMessageContaining("learnt without dense-retrieval features");
    }

    @Test
    void retrievalSearchesABatchsFormsTogetherAndAnswersEachMentionAsAlone() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> training = read(kb, "train.pubtator", TRAIN);
        List<CorpusExamples.Item> items = read(kb, "batch.pubtator", """
                3|t|Bowel carcinoma, Huntington chorea and hepatolenticular degeneration (HD).
                3|a|HD again, and muscular dystrophia.
                3\t0\t15\tBowel carcinoma\tDisease\tD006
                3\t17\t34\tHuntington chorea\tDisease\tD005
                3\t39\t68\thepatolenticular degeneration\tDisease\tD003
                3\t75\t77\tHD\tDisease\tD003
                3\t89\t108\tmuscular dystrophia\tDisease\tD001
                """);
        DenseRetriever dense = DenseRetriever.build(new WordEmbedder(64), kb, DenseIndex.Storage.FLOAT16);
        HybridLinking hybrid = new HybridLinking(null, kb, MentionDictionary.of(training), 2, dense);
        List<List<HybridLinking.Retrieved>> together = hybrid.retrieve(items, 2);
        assertThat(together).hasSize(items.size());
        for (int i = 0; i < items.size(); i++) {
            assertThat(together.get(i)).as(items.get(i).mention()).isEqualTo(hybrid.retrieve(items.get(i), 2));
        }
        assertThat(together.get(0)).extracting(r -> r.best().code()).contains("D006");
    }

    /** A reranker.json as `syncabel rerank` wrote it before dense retrieval existed (12 base features, a model layer). */
    static final String OLD_RERANKER = """
            {
              "candidates" : 3,
              "base" : {
                "features" : [ "cosine", "cosineKb", "cosineMentions", "retrievalRecipRank", "cosineGapToTop", "wordRecall", "wordPrecision", "prior", "documentAgreement", "exactKbName", "dictionaryShare", "dictionaryVotes" ],
                "mean" : [ 0.5, 0.4, 0.1, 0.6, -0.2, 0.5, 0.5, 0.3, 0.1, 0.1, 0.05, 0.05 ],
                "std" : [ 0.2, 0.2, 0.2, 0.3, 0.2, 0.3, 0.3, 0.4, 0.3, 0.3, 0.2, 0.2 ],
                "weights" : [ 1.5, 0.2, 0.3, 0.4, 0.8, 0.9, 0.1, 0.6, 0.7, 1.1, 1.2, 0.3 ]
              },
              "model" : {
                "features" : [ "baseScore", "modelLogProb", "modelSumLogProb", "modelLogMass", "modelRecipRank", "modelMissing" ],
                "mean" : [ 0, 0, 0, 0, 0, 0 ],
                "std" : [ 1, 1, 1, 1, 1, 1 ],
                "weights" : [ 1, 0.5, 0, 0, 0, 0 ]
              }
            }
            """;

    @Test
    void aRerankerWrittenBeforeDenseRetrievalLoadsAndScoresAsItDid() throws IOException {
        Reranker old = Reranker.read(new ByteArrayInputStream(OLD_RERANKER.getBytes(StandardCharsets.UTF_8)), "reranker.json");
        assertThat(old.usesDense()).isFalse();
        assertThat(old.usesModel()).isTrue();
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> training = read(kb, "train.pubtator", TRAIN);
        List<CorpusExamples.Item> items = read(kb, "test.pubtator", """
                3|t|Huntington chorea and Wilson disease.
                3|a|Colon cancer too.
                3\t0\t17\tHuntington chorea\tDisease\tD005
                3\t22\t36\tWilson disease\tDisease\tD003
                3\t38\t50\tColon cancer\tDisease\tD006
                """);
        HybridLinking hybrid = new HybridLinking(null, kb, MentionDictionary.of(training), 3);
        List<List<HybridLinking.Fused>> ranked = hybrid.rerank(items, old.withoutModel(), new Linker.Options(3, 3, true));
        // the same sum the base layer computed before: the features as listed, standardised, weighted
        for (int i = 0; i < items.size(); i++) {
            CandidateFeatures.Listing l = hybrid.features(false).listings(items, 3).get(i);
            double[] expected = new double[l.codes().size()];
            for (int r = 0; r < expected.length; r++) {
                for (int f = 0; f < 12; f++) {
                    expected[r] += old.base().weights()[f] * (l.base()[r][f] - old.base().mean()[f]) / old.base().std()[f];
                }
            }
            int best = 0;
            for (int r = 1; r < expected.length; r++) {
                best = expected[r] > expected[best] ? r : best;
            }
            assertThat(ranked.get(i).get(0).candidate().codes()).containsExactly(l.codes().get(best));
            assertThat(l.base()[0]).hasSize(12);
        }
        assertThat(ranked).extracting(l -> l.get(0).candidate().codes().get(0)).containsExactly("D005", "D003", "D006");
        // written again, it is the same file
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        old.write(out);
        assertThat(Reranker.read(new ByteArrayInputStream(out.toByteArray()), "r.json")).usingRecursiveComparison().isEqualTo(old);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("usesDense").doesNotContain("dense");
    }

    @Test
    void aRerankerFitWithTheDenseRetrieverLearnsItsFeatures() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> train = read(kb, "train.pubtator", """
                1|t|Bowel carcinoma was seen.
                1|a|Nothing else.
                1\t0\t15\tBowel carcinoma\tDisease\tD006

                4|t|Muscular dystrophia in boys.
                4|a|Nothing else.
                4\t0\t19\tMuscular dystrophia\tDisease\tD001

                5|t|Colon carcinoma was seen.
                5|a|Nothing else.
                5\t0\t15\tColon carcinoma\tDisease\tD006

                6|t|Huntington disorder was seen.
                6|a|Nothing else.
                6\t0\t19\tHuntington disorder\tDisease\tD005
                """);
        DenseRetriever dense = DenseRetriever.build(new WordEmbedder(64), kb, DenseIndex.Storage.FLOAT16);
        RerankerTraining.Fitted fitted = RerankerTraining.fit(kb, train, null, null, 2, 2, dense);
        assertThat(fitted.reranker().usesDense()).isTrue();
        assertThat(fitted.reranker().base().features()).isEqualTo(CandidateFeatures.base(true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fitted.reranker().write(out);
        assertThat(Reranker.read(new ByteArrayInputStream(out.toByteArray()), "r.json").usesDense()).isTrue();
    }
}
