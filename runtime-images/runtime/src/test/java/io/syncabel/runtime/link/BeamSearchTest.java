package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.syncabel.runtime.link.BeamSearch.Candidate;
import io.syncabel.runtime.link.BeamSearch.Options;
import io.syncabel.runtime.link.BeamSearch.Query;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BeamSearchTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(0, 1, 2, 3);
    static final int VERB = 10;
    static final int VOCAB = 40;

    /** Token t prints as " t", so a part's text is its tokens separated by spaces. */
    static String detok(int[] tokens) {
        return Arrays.stream(tokens).mapToObj(t -> " " + t).collect(Collectors.joining());
    }

    /** A random group: names over a small alphabet (shared prefixes, shared names), each behind the verb. */
    record Group(NameTrie trie, Map<List<Integer>, TreeSet<Integer>> names) {
        static Group random(Random rnd, int count) {
            NameTrie.Builder builder = NameTrie.builder(SPECIAL.end());
            Map<List<Integer>, TreeSet<Integer>> names = new HashMap<>();
            for (int id = 0; id < count; id++) {
                int[] name = new int[1 + rnd.nextInt(5)];
                for (int i = 0; i < name.length; i++) {
                    name[i] = 11 + rnd.nextInt(6);
                }
                builder.add(withVerb(name), id);
                names.computeIfAbsent(boxed(name), k -> new TreeSet<>()).add(id);
            }
            return new Group(builder.build(), names);
        }

        Constraint constraint() {
            return Constraint.after(trie, new int[] {VERB});
        }
    }

    static int[] withVerb(int[] name) {
        int[] seq = new int[name.length + 1];
        seq[0] = VERB;
        System.arraycopy(name, 0, seq, 1, name.length);
        return seq;
    }

    static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    static int[] prefix(Random rnd) {
        int[] p = new int[1 + rnd.nextInt(4)];
        for (int i = 0; i < p.length - 1; i++) {
            p[i] = 20 + rnd.nextInt(VOCAB - 20);
        }
        p[p.length - 1] = VERB;
        return p;
    }

    /** Mean log-probability of the generated tokens under the fake model, recomputed independently. */
    static double mean(FakeDecoder d, Query q, int[] generated) {
        int[] history = new int[1 + q.prefix().length + generated.length];
        history[0] = SPECIAL.start();
        System.arraycopy(q.prefix(), 0, history, 1, q.prefix().length);
        System.arraycopy(generated, 0, history, 1 + q.prefix().length, generated.length);
        double sum = 0;
        for (int i = 0; i < generated.length; i++) {
            int[] seen = Arrays.copyOf(history, 1 + q.prefix().length + i);
            sum += d.model.logProbs(q.source(), seen)[generated[i]];
        }
        return sum / generated.length;
    }

    @Test
    void constrainedOutputIsAlwaysAKbNameWithItsIdsAndItsTrueScore() {
        Random rnd = new Random(7);
        for (int round = 0; round < 40; round++) {
            Group group = Group.random(rnd, 2 + rnd.nextInt(30));
            FakeDecoder decoder = FakeDecoder.random(VOCAB, round);
            Query q = new Query(new int[] {rnd.nextInt(VOCAB)}, prefix(rnd), group.constraint());
            int beams = 1 + rnd.nextInt(6);
            List<Candidate> out = new BeamSearch(decoder, SPECIAL, BeamSearchTest::detok)
                    .search(List.of(q), new Options(beams, beams, 16, true, false)).get(0);
            assertThat(out).isNotEmpty().hasSizeLessThanOrEqualTo(beams);
            for (Candidate c : out) {
                assertThat(c.tokens()[c.tokens().length - 1]).isEqualTo(SPECIAL.end());
                int[] name = Arrays.copyOf(c.tokens(), c.tokens().length - 1);
                assertThat(group.names()).containsKey(boxed(name));
                assertThat(c.parts()).singleElement().satisfies(p -> {
                    assertThat(boxed(p.nameIds())).containsExactlyElementsOf(group.names().get(boxed(name)));
                    assertThat(p.text()).isEqualTo(detok(name).strip());
                });
                assertThat(c.logScore()).isCloseTo(mean(decoder, q, c.tokens()), within(1e-5));
                assertThat(c.score()).isCloseTo(Math.exp(c.logScore()), within(1e-12));
            }
            assertThat(out).isSortedAccordingTo(Comparator.comparingDouble(Candidate::score).reversed());
            // every hypothesis starts with the decoder start token and the forced prefix
            for (int[] fed : decoder.fedHistories) {
                int n = Math.min(fed.length, 1 + q.prefix().length);
                assertThat(Arrays.copyOf(fed, n))
                        .containsExactly(Arrays.copyOf(withStart(q.prefix()), n));
            }
        }
    }

    static int[] withStart(int[] prefix) {
        int[] s = new int[prefix.length + 1];
        s[0] = SPECIAL.start();
        System.arraycopy(prefix, 0, s, 1, prefix.length);
        return s;
    }

    /** With as many beams as names nothing is pruned, so the ranking must equal brute force. */
    @Test
    void wideBeamRanksEveryNameExactlyAsBruteForce() {
        Random rnd = new Random(11);
        for (int round = 0; round < 20; round++) {
            Group group = Group.random(rnd, 2 + rnd.nextInt(12));
            FakeDecoder decoder = FakeDecoder.random(VOCAB, 100 + round);
            Query q = new Query(new int[] {3}, prefix(rnd), group.constraint());
            int beams = group.names().size();
            List<Candidate> out = new BeamSearch(decoder, SPECIAL, BeamSearchTest::detok)
                    .search(List.of(q), new Options(beams, beams, 16, true, false)).get(0);
            Map<List<Integer>, Double> expected = new LinkedHashMap<>();
            group.names().keySet().stream()
                    .map(name -> {
                        int[] gen = new int[name.size() + 1];
                        for (int i = 0; i < name.size(); i++) {
                            gen[i] = name.get(i);
                        }
                        gen[name.size()] = SPECIAL.end();
                        return gen;
                    })
                    .sorted(Comparator.comparingDouble((int[] g) -> mean(decoder, q, g)).reversed())
                    .forEach(g -> expected.put(boxed(g), mean(decoder, q, g)));
            assertThat(out.stream().map(c -> boxed(c.tokens())).toList())
                    .containsExactlyElementsOf(expected.keySet());
        }
    }

    /** A model that follows a script: 0.9 on the scripted next token, the rest spread evenly. */
    static FakeDecoder scripted(int prefixLength, int[] script) {
        return new FakeDecoder(VOCAB, (source, history) -> {
            int generated = history.length - 1 - prefixLength;
            int want = SPECIAL.end();
            if (generated >= 0 && generated < script.length
                    && Arrays.equals(Arrays.copyOfRange(history, 1 + prefixLength, history.length),
                            Arrays.copyOf(script, generated))) {
                want = script[generated];
            }
            float[] lp = new float[VOCAB];
            Arrays.fill(lp, (float) Math.log(0.1 / (VOCAB - 1)));
            lp[want] = (float) Math.log(0.9);
            return lp;
        });
    }

    NameTrie trie(int[]... names) {
        NameTrie.Builder b = NameTrie.builder(SPECIAL.end());
        for (int i = 0; i < names.length; i++) {
            b.add(withVerb(names[i]), i);
        }
        return b.build();
    }

    @Test
    void unconstrainedMayInventANameTheTrieForbids() {
        NameTrie trie = trie(new int[] {11, 12}, new int[] {13});
        int[] prefix = {25, VERB};
        Constraint c = Constraint.after(trie, new int[] {VERB});
        FakeDecoder decoder = scripted(prefix.length, new int[] {11, 25, 26});
        BeamSearch search = new BeamSearch(decoder, SPECIAL, BeamSearchTest::detok);
        Query q = new Query(new int[] {5}, prefix, c);

        Candidate free = search.search(List.of(q), new Options(3, 3, 10, false, false)).get(0).get(0);
        assertThat(free.tokens()).containsExactly(11, 25, 26, SPECIAL.end());
        assertThat(free.inTrie()).isFalse();
        assertThat(free.parts()).singleElement().satisfies(p -> assertThat(p.text()).isEqualTo("11 25 26"));

        List<Candidate> bound = search.search(List.of(q), new Options(3, 3, 10, true, false)).get(0);
        assertThat(bound).allMatch(Candidate::inTrie);
        assertThat(bound.get(0).tokens()).containsExactly(11, 12, SPECIAL.end());

        Candidate known = new BeamSearch(scripted(prefix.length, new int[] {13}), SPECIAL, BeamSearchTest::detok)
                .search(List.of(q), new Options(2, 1, 10, false, false)).get(0).get(0);
        assertThat(known.parts()).singleElement().satisfies(p -> assertThat(p.nameIds()).containsExactly(1));
    }

    /** BART's decoder starts with </s>, its end token: unconstrained search must still let a hypothesis end. */
    @Test
    void unconstrainedSearchEndsWhenTheStartTokenIsTheEndToken() {
        SpecialTokens bart = new SpecialTokens(1, 2, 2, 3);
        int[] prefix = {25, VERB};
        FakeDecoder decoder = scripted(prefix.length, new int[] {11, 12});
        Candidate best = new BeamSearch(decoder, bart, BeamSearchTest::detok)
                .search(List.of(new Query(new int[] {5}, prefix, null)), new Options(3, 3, 10, false, false)).get(0).get(0);
        assertThat(best.tokens()).containsExactly(11, 12, bart.end());
        assertThat(decoder.fedHistories).allSatisfy(h -> assertThat(h[0]).isEqualTo(bart.start()));
    }

    @Test
    void compositeModeAllowsTheSeparatorAfterACompleteName() {
        NameTrie trie = trie(new int[] {11, 12}, new int[] {13}, new int[] {11});
        int[] prefix = {VERB};
        Query q = new Query(new int[] {5}, prefix, Constraint.after(trie, new int[] {VERB}));
        FakeDecoder decoder = scripted(prefix.length, new int[] {11, 12, SPECIAL.separator(), 13});
        BeamSearch search = new BeamSearch(decoder, SPECIAL, BeamSearchTest::detok);

        Candidate both = search.search(List.of(q), new Options(4, 4, 10, true, true)).get(0).get(0);
        assertThat(both.tokens()).containsExactly(11, 12, SPECIAL.separator(), 13, SPECIAL.end());
        assertThat(both.parts()).extracting(BeamSearch.Part::text).containsExactly("11 12", "13");
        assertThat(both.parts().get(0).nameIds()).containsExactly(0);
        assertThat(both.parts().get(1).nameIds()).containsExactly(1);

        List<Candidate> single = search.search(List.of(q), new Options(4, 4, 10, true, false)).get(0);
        assertThat(single).allSatisfy(c -> assertThat(c.tokens()).doesNotContain(SPECIAL.separator()));
        assertThat(single.get(0).tokens()).containsExactly(11, 12, SPECIAL.end());
    }

    /**
     * A model that loops on one name ("11 12 <sep> 11 12 ...") names one concept, however many times: the repeated part
     * may not end, so the beams hold the name alone and other answers instead of copies of it.
     */
    @Test
    void aCompositePartMayNotRepeatAnEarlierPart() {
        NameTrie trie = trie(new int[] {11, 12}, new int[] {13}, new int[] {11, 12, 14});
        int[] prefix = {VERB};
        Query q = new Query(new int[] {5}, prefix, Constraint.after(trie, new int[] {VERB}));
        FakeDecoder decoder = scripted(prefix.length, new int[] {11, 12, SPECIAL.separator(), 11, 12, SPECIAL.separator(), 11, 12});
        List<Candidate> out = new BeamSearch(decoder, SPECIAL, BeamSearchTest::detok)
                .search(List.of(q), new Options(4, 4, 12, true, true)).get(0);
        assertThat(out).isNotEmpty().allSatisfy(c -> {
            List<String> parts = c.parts().stream().map(BeamSearch.Part::text).toList();
            assertThat(parts).as("parts of %s", Arrays.toString(c.tokens())).doesNotHaveDuplicates();
        });
        // the name alone, and a longer name that starts as the earlier part is still reachable after the separator
        assertThat(out).extracting(c -> c.parts().stream().map(BeamSearch.Part::text).toList())
                .contains(List.of("11 12"), List.of("11 12", "11 12 14"));
    }

    /** One short name at 0.9 per token against a long one at ~0.003: the long beam is cut once it cannot win. */
    @Test
    void stopsAsSoonAsNoLiveBeamCanBeatTheKeptOnes() {
        NameTrie trie = trie(new int[] {11}, new int[] {11, 12, 13, 14, 15, 16, 17, 18});
        int[] prefix = {30, VERB};
        Query q = new Query(new int[] {5}, prefix, Constraint.after(trie, new int[] {VERB}));
        FakeDecoder decoder = scripted(prefix.length, new int[] {});
        List<Candidate> out = new BeamSearch(decoder, SPECIAL, BeamSearchTest::detok)
                .search(List.of(q), new Options(1, 1, 20, true, false)).get(0);
        assertThat(out).singleElement().satisfies(c -> assertThat(c.tokens()).containsExactly(11, SPECIAL.end()));
        // forced: start + 2 prefix tokens; then 11, and the long beam lives through 12..15 before
        // its bound sum/9 drops below the short name's mean (-2.92); the full path would take 8 steps
        assertThat(decoder.stepCalls).isEqualTo(3 + 4);
    }

    @Test
    void unfinishedHypothesesCompeteOnlyWhenUnconstrained() {
        int[] prefix = {VERB};
        FakeDecoder neverEnds = new FakeDecoder(VOCAB, (source, history) -> {
            float[] lp = FakeDecoder.logSoftmax(new float[VOCAB]);
            lp[SPECIAL.end()] = Float.NEGATIVE_INFINITY;
            return lp;
        });
        Query q = new Query(new int[] {5}, prefix, null);
        List<Candidate> out = new BeamSearch(neverEnds, SPECIAL, BeamSearchTest::detok)
                .search(List.of(q), new Options(2, 2, 3, false, false)).get(0);
        assertThat(out).hasSize(2).allSatisfy(c -> {
            assertThat(c.tokens()).hasSize(3).doesNotContain(SPECIAL.end(), SPECIAL.pad(), SPECIAL.start());
            assertThat(c.inTrie()).isFalse();
        });
    }

    @Test
    void batchingInputsTogetherChangesNothingAndIsDeterministic() {
        Random rnd = new Random(3);
        List<Query> queries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queries.add(new Query(new int[] {i, i + 1}, prefix(rnd), Group.random(rnd, 20).constraint()));
        }
        Options options = new Options(4, 3, 12, true, false);
        FakeDecoder batched = FakeDecoder.random(VOCAB, 99);
        List<List<Candidate>> together = new BeamSearch(batched, SPECIAL, BeamSearchTest::detok).search(queries, options);
        List<List<Candidate>> again = new BeamSearch(FakeDecoder.random(VOCAB, 99), SPECIAL, BeamSearchTest::detok)
                .search(queries, options);
        int alone = 0;
        for (int i = 0; i < queries.size(); i++) {
            FakeDecoder single = FakeDecoder.random(VOCAB, 99);
            List<Candidate> one = new BeamSearch(single, SPECIAL, BeamSearchTest::detok)
                    .search(List.of(queries.get(i)), options).get(0);
            alone += single.stepCalls;
            assertThat(summary(together.get(i))).isEqualTo(summary(one)).isEqualTo(summary(again.get(i)));
        }
        assertThat(batched.stepCalls).isLessThan(alone);
        assertThat(batched.widestStep).isGreaterThan(options.beams());
    }

    @Test
    void aGroupWithoutNamesAfterTheVerbYieldsNothingAndAMissingTrieIsRefused() {
        NameTrie other = trie(new int[] {11});
        Query noVerb = new Query(new int[] {5}, new int[] {VERB}, Constraint.after(other, new int[] {12}));
        BeamSearch search = new BeamSearch(FakeDecoder.random(VOCAB, 1), SPECIAL, BeamSearchTest::detok);
        assertThat(search.search(List.of(noVerb), Options.constrained(3)).get(0)).isEmpty();
        Query noTrie = new Query(new int[] {5}, new int[] {VERB}, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> search.search(List.of(noTrie), Options.constrained(3)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Options(2, 3, 10, true, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<String> summary(List<Candidate> candidates) {
        return candidates.stream().map(c -> Arrays.toString(c.tokens()) + "@" + c.logScore()).toList();
    }
}
