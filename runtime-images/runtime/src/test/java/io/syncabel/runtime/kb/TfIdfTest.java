package io.syncabel.runtime.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.syncabel.runtime.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TfIdfTest {

    @Test
    void charWbTrigramsPadEachWordAsScikitLearnDoes() {
        // sklearn: TfidfVectorizer(analyzer="char_wb", ngram_range=(3,3)).build_analyzer()("Ab  c\u00a0de")
        // -> [' ab', 'ab ', ' c ', ' de', 'de ']
        assertThat(TfIdf.counts("Ab  c\u00a0de")).containsOnlyKeys(" ab", "ab ", " c ", " de", "de ");
        assertThat(TfIdf.counts("aaaa")).containsEntry("aaa", 2).containsEntry(" aa", 1).containsEntry("aa ", 1);
    }

    @Test
    void weightsUseSmoothIdfAndL2Norm() {
        TfIdf tfidf = TfIdf.fit(List.of("abc", "abd"));
        // " ab" occurs in both documents: idf = ln(3/3) + 1 = 1; "bc " in one: ln(3/2) + 1
        Map<String, Float> v = tfidf.vector("abc");
        double shared = 1.0;
        double own = Math.log(1.5) + 1;
        assertThat(tfidf.documentFrequency()).containsEntry(" ab", 2).containsEntry("abc", 1).containsEntry("bc ", 1);
        double norm = Math.sqrt(shared * shared + 2 * own * own); // " ab" (df 2), "abc" and "bc " (df 1)
        assertThat(v.get(" ab")).isCloseTo((float) (shared / norm), within(1e-6f));
        assertThat(v.get("abc")).isCloseTo((float) (own / norm), within(1e-6f));
        assertThat(TfIdf.dot(v, v)).isCloseTo(1.0, within(1e-6));
        assertThat(tfidf.vector("xyz")).isEmpty(); // out-of-vocabulary n-grams are ignored
    }

    @Test
    void closestPicksTheBestAndTheFirstOnTies() {
        TfIdf tfidf = TfIdf.fit(List.of("Breast Neoplasms", "Breast Cancer", "Cancer of Breast", "Tumor"));
        assertThat(tfidf.closest("breast cancer", List.of("Breast Neoplasms", "Breast Cancer", "Cancer of Breast")))
                .isEqualTo(1);
        assertThat(tfidf.closest("qqq", List.of("Tumor", "Breast Cancer"))).isZero(); // all scores 0: first wins
        assertThat(tfidf.closest("cancer breast", List.of("Breast Cancer", "Cancer Breast"))).isZero(); // a tie
    }

    @Test
    void aCodeScoresAsItsBestNameAndTiesGoToTheLowerCode() {
        TfIdf tfidf = TfIdf.fit(List.of("breast cancer", "cancer breast", "breast tumour", "lung cancer", "breast cancers"));
        Map<String, Map<String, List<String>>> dictionary = new java.util.LinkedHashMap<>();
        dictionary.put("DISO", new java.util.LinkedHashMap<>(Map.of(
                "cancer breast", List.of("C2", "C1"), // a name of two codes; the same score as "breast cancer"
                "breast cancer", List.of("C2"),
                "breast tumour", List.of("C3"),
                "breast cancers", List.of("C4"))));
        dictionary.put("OTHER", Map.of("lung cancer", List.of("C5")));
        TfIdfLinker linker = TfIdfLinker.of(tfidf, dictionary);
        for (int again = 0; again < 2; again++) { // a second query on the same thread starts from nothing
            List<TfIdfLinker.Candidate> top = linker.topK("breast cancer", "DISO", 3);
            assertThat(top).extracting(TfIdfLinker.Candidate::code).containsExactly("C1", "C2", "C4");
            assertThat(top.get(0).score()).isEqualTo(top.get(1).score());
            assertThat(top.get(1).name()).isEqualTo("breast cancer"); // C2's equal names: the lexically first
            assertThat(top.get(2).score()).isLessThan(top.get(1).score());
            assertThat(linker.topK("breast cancer", null, 10)).extracting(TfIdfLinker.Candidate::code)
                    .startsWith("C1", "C2", "C4").contains("C3", "C5").hasSize(5); // every group
            assertThat(linker.topK("lung", "DISO", 5)).isEmpty();
        }
    }

    @Test
    void dictionaryLinkerBaselineOnMedic() {
        KnowledgeBase kb = TestData.medic();
        List<TfIdfLinker.Candidate> top = kb.linker().topK("cystic fibrosis", "DISO", 5);
        assertThat(top).hasSize(5);
        assertThat(top.get(0).code()).isEqualTo("D003550");
        assertThat(top.get(0).score()).isCloseTo(1.0, within(1e-4));
        assertThat(top).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
        assertThat(kb.linker().topK("Duchenne muscular dystrophy", null, 1).get(0).code())
                .isEqualTo(kb.resolve("D020388").orElseThrow()); // MEDIC files D020388 under OMIM:300376
        assertThat(kb.linker().topK("cystic fibrosis", "NOT-A-GROUP", 3)).isEmpty();
    }
}
