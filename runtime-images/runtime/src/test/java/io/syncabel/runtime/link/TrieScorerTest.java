package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exhaustive teacher-forced scoring of a trie's names, against scores recomputed name by name. */
class TrieScorerTest {

    @Test
    void everyNameGetsItsMeanLogProbabilityAndEveryNodeIsFedOnce() {
        Random rnd = new Random(11);
        FakeDecoder decoder = FakeDecoder.random(BeamSearchTest.VOCAB, 5);
        List<BeamSearch.Query> queries = new ArrayList<>();
        List<BeamSearchTest.Group> groups = new ArrayList<>();
        long expectedFeeds = 0;
        for (int i = 0; i < 7; i++) {
            BeamSearchTest.Group g = BeamSearchTest.Group.random(rnd, 1 + rnd.nextInt(12));
            groups.add(g);
            int[] source = {40 + i, rnd.nextInt(30)};
            BeamSearch.Query q = new BeamSearch.Query(source, BeamSearchTest.prefix(rnd), g.constraint());
            queries.add(q);
            // start token + prefix, then every node below the verb once
            expectedFeeds += 1 + q.prefix().length + (g.trie().nodeCount() - 2);
        }
        // a small row budget: several decoder sessions, results still in query order
        List<Map<Integer, Double>> scores = new TrieScorer(decoder, BeamSearchTest.SPECIAL, 20).score(queries);

        assertThat(scores).hasSize(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            Map<Integer, Double> got = scores.get(i);
            BeamSearchTest.Group g = groups.get(i);
            int names = g.names().values().stream().mapToInt(java.util.Set::size).sum();
            assertThat(got).hasSize(names);
            for (var e : g.names().entrySet()) {
                int[] generated = new int[e.getKey().size() + 1];
                for (int t = 0; t < e.getKey().size(); t++) {
                    generated[t] = e.getKey().get(t);
                }
                generated[generated.length - 1] = BeamSearchTest.SPECIAL.end();
                double expected = BeamSearchTest.mean(decoder, queries.get(i), generated);
                for (int id : e.getValue()) {
                    assertThat(got.get(id)).isCloseTo(expected, within(1e-5));
                }
            }
        }
        assertThat(decoder.fedHistories).hasSize((int) expectedFeeds);
    }

    @Test
    void theBestScoredNameIsWhatAnExhaustiveBeamReturns() {
        Random rnd = new Random(3);
        FakeDecoder decoder = FakeDecoder.random(BeamSearchTest.VOCAB, 9);
        BeamSearchTest.Group g = BeamSearchTest.Group.random(rnd, 8);
        BeamSearch.Query q = new BeamSearch.Query(new int[] {41, 7}, BeamSearchTest.prefix(rnd), g.constraint());
        Map<Integer, Double> scores = new TrieScorer(decoder, BeamSearchTest.SPECIAL, 1000).score(List.of(q)).get(0);
        BeamSearch.Candidate top = new BeamSearch(decoder, BeamSearchTest.SPECIAL, BeamSearchTest::detok)
                .search(List.of(q), BeamSearch.Options.constrained(64)).get(0).get(0);
        double best = scores.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(top.logScore()).isCloseTo(best, within(1e-5));
        assertThat(scores.get(top.parts().get(0).nameIds()[0])).isCloseTo(best, within(1e-9));
    }

    @Test
    void aQueryWithoutNamesGetsNothingAndCostsNoStep() {
        FakeDecoder decoder = FakeDecoder.random(BeamSearchTest.VOCAB, 1);
        List<Map<Integer, Double>> scores = new TrieScorer(decoder, BeamSearchTest.SPECIAL, 100)
                .score(List.of(new BeamSearch.Query(new int[] {1}, new int[] {BeamSearchTest.VERB}, null)));
        assertThat(scores).containsExactly(Map.of());
        assertThat(decoder.stepCalls).isZero();
    }
}
