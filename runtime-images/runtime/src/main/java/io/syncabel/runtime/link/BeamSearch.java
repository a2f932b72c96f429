package io.syncabel.runtime.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Beam search over a {@link StepDecoder}, constrained by a {@link NameTrie} or not, for a batch of
 * inputs whose live hypotheses share one {@code step} call per token.
 *
 * <p>Per input: the decoder start token and the forced prefix ({@code "[mention] is"}) are fed one by
 * one without being scored; from then on each hypothesis extends by one token. Constrained, only the
 * trie's allowed tokens are candidates (the others are treated as -inf, with no renormalisation, as
 * HF's {@code prefix_allowed_tokens_fn}). A finished hypothesis is scored by its mean log-probability
 * over the generated tokens, end token included ({@code sum / length}), and reported with
 * {@code score = exp(mean)}. Selection follows HF: the best {@code 2B} candidates are ranked, an end
 * token among the first {@code B} finishes a hypothesis, the others fill up to {@code B} live beams. Constrained,
 * a composite's part may not end where it repeats an earlier part token for token (a degenerate loop that names
 * nothing new would otherwise fill the beams).
 * Search stops for an input when no live beam can still beat the worst of the {@code B} kept finished
 * ones (an exact bound, see {@link #bound}), when no beam is left, or at {@code maxNewTokens}.
 */
public final class BeamSearch {

    /**
     * @param beams live hypotheses kept per input (B)
     * @param topK finished hypotheses returned per input, at most {@code beams}
     * @param maxNewTokens generated tokens per hypothesis, end and separator tokens included
     * @param constrained restrict generation to the trie; otherwise the trie only names the outputs
     * @param composite allow the separator after a complete name, restarting below the verb
     */
    public record Options(int beams, int topK, int maxNewTokens, boolean constrained, boolean composite) {
        public Options {
            if (beams < 1 || topK < 1 || topK > beams || maxNewTokens < 1) {
                throw new IllegalArgumentException("need 1 <= topK <= beams and maxNewTokens >= 1");
            }
        }

        public static Options constrained(int beams) {
            return new Options(beams, beams, 128, true, false);
        }
    }

    /**
     * One input.
     *
     * @param source encoder input ids
     * @param prefix forced decoder tokens after the start token ({@code "[mention] is"}, no special token)
     * @param constraint the group's trie entered after the verb; may be null when unconstrained
     */
    public record Query(int[] source, int[] prefix, Constraint constraint) {
    }

    /** One name of an answer: its text and, when it is a KB name, the trie's name ids. */
    public record Part(String text, int[] nameIds) {
    }

    /**
     * A finished hypothesis.
     *
     * @param tokens the generated tokens, end token included when it was generated
     * @param parts the names, split on the separator (one unless composite)
     * @param logScore mean log-probability of the generated tokens
     * @param score {@code exp(logScore)}
     */
    public record Candidate(int[] tokens, List<Part> parts, double logScore, double score) {
        /** Every part is a name of the trie. */
        public boolean inTrie() {
            return !parts.isEmpty() && parts.stream().allMatch(p -> p.nameIds().length > 0);
        }
    }

    private final StepDecoder decoder;
    private final SpecialTokens special;
    private final Function<int[], String> detokenizer;

    /**
     * @param detokenizer turns one name's tokens (no special token) into text; the leading space that
     *     {@code " is <name>"} gives the first token is stripped afterwards
     */
    public BeamSearch(StepDecoder decoder, SpecialTokens special, Function<int[], String> detokenizer) {
        this.decoder = Objects.requireNonNull(decoder);
        this.special = Objects.requireNonNull(special);
        this.detokenizer = Objects.requireNonNull(detokenizer);
    }

    /** Top-k candidates per query, best first, in query order. */
    public List<List<Candidate>> search(List<Query> queries, Options options) {
        List<InputState> states = new ArrayList<>(queries.size());
        List<int[]> sources = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            if (options.constrained() && q.constraint() == null) {
                throw new IllegalArgumentException("query " + i + " has no trie to be constrained by");
            }
            states.add(new InputState(i, q, options));
            sources.add(q.source());
        }
        try (StepDecoder.Session session = decoder.open(sources)) {
            while (true) {
                List<Feed> feeds = new ArrayList<>();
                for (InputState s : states) {
                    s.collectFeeds(feeds);
                }
                if (feeds.isEmpty()) {
                    break;
                }
                int[] parents = new int[feeds.size()];
                int[] tokens = new int[feeds.size()];
                for (int r = 0; r < feeds.size(); r++) {
                    parents[r] = feeds.get(r).parentRow;
                    tokens[r] = feeds.get(r).token;
                }
                float[][] out = session.step(parents, tokens);
                if (out.length != feeds.size()) {
                    throw new IllegalStateException("decoder returned " + out.length + " rows for " + feeds.size());
                }
                for (InputState s : states) {
                    s.advance(out);
                }
            }
        }
        List<List<Candidate>> results = new ArrayList<>(states.size());
        for (InputState s : states) {
            results.add(s.results());
        }
        return results;
    }

    /** A row fed to the decoder: which output row it continues and with which token. */
    private record Feed(int parentRow, int token) {
    }

    /** A live hypothesis; {@code row} is its row in the latest output once it has been fed. */
    private static final class Beam {
        final int[] tokens;
        final double sum;
        final int node;
        final int partStart;
        final List<int[]> doneParts;
        final int parentRow;
        int row = -1;

        Beam(int[] tokens, double sum, int node, int partStart, List<int[]> doneParts, int parentRow) {
            this.tokens = tokens;
            this.sum = sum;
            this.node = node;
            this.partStart = partStart;
            this.doneParts = doneParts;
            this.parentRow = parentRow;
        }
    }

    /** A scored extension of a beam; ordered best first, ties broken by beam then token for determinism. */
    private record Extension(double sum, int beam, int token) {
        static final Comparator<Extension> BEST_FIRST = Comparator.comparingDouble(Extension::sum).reversed()
                .thenComparingInt(Extension::beam).thenComparingInt(Extension::token);
    }

    private record Finished(int[] tokens, List<int[]> partIds, double logScore) {
        static final Comparator<Finished> BEST_FIRST = Comparator.comparingDouble(Finished::logScore).reversed()
                .thenComparing(Finished::tokens, Arrays::compare);
    }

    private final class InputState {
        final int index;
        final Query query;
        final Options options;
        final int[] forced;
        final int lengthLimit;
        int fed;
        int forcedRow = -1;
        int pendingRow = -1;
        List<Beam> live = List.of();
        final List<Finished> finished = new ArrayList<>();
        boolean done;

        InputState(int index, Query query, Options options) {
            this.index = index;
            this.query = query;
            this.options = options;
            forced = new int[query.prefix().length + 1];
            forced[0] = special.start();
            System.arraycopy(query.prefix(), 0, forced, 1, query.prefix().length);
            int limit = options.maxNewTokens();
            if (options.constrained() && !options.composite()) {
                // a trie path cannot be longer than the longest name, which makes the early-stopping bound tighter
                limit = Math.min(limit, query.constraint().maxGenerated());
            }
            lengthLimit = limit;
        }

        void collectFeeds(List<Feed> feeds) {
            if (done) {
                return;
            }
            if (fed < forced.length) {
                // the first step continues the input's own source row, later ones the previous forced row
                int parent = fed == 0 ? index : forcedRow;
                pendingRow = feeds.size();
                feeds.add(new Feed(parent, forced[fed]));
                return;
            }
            for (Beam b : live) {
                b.row = feeds.size();
                feeds.add(new Feed(b.parentRow, b.tokens[b.tokens.length - 1]));
            }
        }

        void advance(float[][] out) {
            if (done) {
                return;
            }
            if (fed < forced.length) {
                fed++;
                forcedRow = pendingRow;
                if (fed < forced.length) {
                    return;
                }
                int start = options.constrained() ? query.constraint().startNode() : 0;
                if (options.constrained() && start < 0) {
                    done = true;
                    return;
                }
                Beam root = new Beam(new int[0], 0, start, 0, List.of(), -1);
                root.row = forcedRow;
                expand(List.of(root), out);
            } else {
                expand(live, out);
            }
        }

        private void expand(List<Beam> beams, float[][] out) {
            int b = options.beams();
            PriorityQueue<Extension> worstFirst = new PriorityQueue<>(2 * b + 1, Extension.BEST_FIRST.reversed());
            for (int i = 0; i < beams.size(); i++) {
                Beam beam = beams.get(i);
                float[] logProbs = out[beam.row];
                if (options.constrained()) {
                    NameTrie trie = query.constraint().trie();
                    for (int e = trie.edgeStart(beam.node), end = trie.edgeEnd(beam.node); e < end; e++) {
                        offer(worstFirst, beam, i, trie.edgeToken(e), logProbs);
                    }
                    // a part that repeats an earlier one may not end: it would name nothing new and take a beam
                    if (trie.isComplete(beam.node) && !repeatsAPart(beam)) {
                        offer(worstFirst, beam, i, special.end(), logProbs);
                        if (options.composite()) {
                            offer(worstFirst, beam, i, special.separator(), logProbs);
                        }
                    }
                } else {
                    for (int t = 0; t < logProbs.length; t++) {
                        // BART starts the decoder with its end token </s>: that one may still end a hypothesis
                        if (t != special.pad() && (t != special.start() || t == special.end())) {
                            offer(worstFirst, beam, i, t, logProbs);
                        }
                    }
                }
            }
            List<Extension> ranked = new ArrayList<>(worstFirst);
            ranked.sort(Extension.BEST_FIRST);
            List<Beam> next = new ArrayList<>(b);
            for (int rank = 0; rank < ranked.size() && next.size() < b; rank++) {
                Extension x = ranked.get(rank);
                Beam parent = beams.get(x.beam());
                int[] tokens = Arrays.copyOf(parent.tokens, parent.tokens.length + 1);
                tokens[parent.tokens.length] = x.token();
                if (x.token() == special.end()) {
                    if (rank < b) {
                        List<int[]> parts = new ArrayList<>(parent.doneParts);
                        parts.add(Arrays.copyOfRange(parent.tokens, parent.partStart, parent.tokens.length));
                        keep(new Finished(tokens, parts, x.sum() / tokens.length));
                    }
                    continue;
                }
                Beam child = extend(parent, tokens, x.sum());
                if (tokens.length >= lengthLimit) {
                    if (!options.constrained()) {
                        // as HF at max_length: an unfinished hypothesis still competes; a trie prefix is no name
                        List<int[]> parts = new ArrayList<>(child.doneParts);
                        if (child.partStart < tokens.length) { // cut right after a separator: no empty part
                            parts.add(Arrays.copyOfRange(tokens, child.partStart, tokens.length));
                        }
                        keep(new Finished(tokens, parts, x.sum() / tokens.length));
                    }
                    continue;
                }
                next.add(child);
            }
            live = next;
            done = live.isEmpty() || (finished.size() >= b && bestPossible() <= worstKept());
        }

        /** Whether the beam's current part is token for token one of its finished parts. */
        private boolean repeatsAPart(Beam beam) {
            for (int[] part : beam.doneParts) {
                if (Arrays.equals(beam.tokens, beam.partStart, beam.tokens.length, part, 0, part.length)) {
                    return true;
                }
            }
            return false;
        }

        private Beam extend(Beam parent, int[] tokens, double sum) {
            int token = tokens[tokens.length - 1];
            if (token == special.separator()) {
                List<int[]> parts = new ArrayList<>(parent.doneParts);
                parts.add(Arrays.copyOfRange(parent.tokens, parent.partStart, parent.tokens.length));
                int node = options.constrained() ? query.constraint().startNode() : 0;
                return new Beam(tokens, sum, node, tokens.length, parts, parent.row);
            }
            int node = options.constrained() ? query.constraint().trie().child(parent.node, token) : 0;
            return new Beam(tokens, sum, node, parent.partStart, parent.doneParts, parent.row);
        }

        private void offer(PriorityQueue<Extension> worstFirst, Beam beam, int beamIndex, int token, float[] logProbs) {
            float lp = logProbs[token];
            if (!(lp > Float.NEGATIVE_INFINITY)) {
                return; // -inf or NaN: the model rules the token out
            }
            Extension x = new Extension(beam.sum + lp, beamIndex, token);
            int capacity = 2 * options.beams();
            if (worstFirst.size() < capacity) {
                worstFirst.add(x);
            } else if (Extension.BEST_FIRST.compare(x, worstFirst.peek()) < 0) {
                worstFirst.poll();
                worstFirst.add(x);
            }
        }

        private void keep(Finished f) {
            finished.add(f);
            finished.sort(Finished.BEST_FIRST);
            if (finished.size() > options.beams()) {
                finished.remove(finished.size() - 1);
            }
        }

        private double worstKept() {
            return finished.get(finished.size() - 1).logScore();
        }

        /** The best mean any live beam can still reach. */
        private double bestPossible() {
            double best = Double.NEGATIVE_INFINITY;
            for (Beam beam : live) {
                best = Math.max(best, bound(beam.sum, lengthLimit));
            }
            return best;
        }

        List<Candidate> results() {
            List<Candidate> out = new ArrayList<>();
            for (Finished f : finished.subList(0, Math.min(options.topK(), finished.size()))) {
                List<Part> parts = new ArrayList<>();
                for (int[] partTokens : f.partIds()) {
                    parts.add(new Part(detokenizer.apply(partTokens).strip(), nameIds(partTokens)));
                }
                out.add(new Candidate(f.tokens(), List.copyOf(parts), f.logScore(), Math.exp(f.logScore())));
            }
            return List.copyOf(out);
        }

        /** The trie's ids for one part; unconstrained output gets them too when it happens to be a KB name. */
        private int[] nameIds(int[] partTokens) {
            Constraint c = query.constraint();
            if (c == null || c.startNode() < 0) {
                return new int[0];
            }
            int node = c.trie().walk(c.startNode(), partTokens);
            return node < 0 ? new int[0] : c.trie().nameIds(node);
        }
    }

    /**
     * Upper bound of the final mean log-probability of a beam whose log-probabilities sum to {@code sum}
     * (at most 0), given that it can be at most {@code maxLength} tokens long: further tokens only add
     * non-positive terms, and dividing a non-positive sum by a longer length raises it, so the best case
     * is reaching {@code maxLength} with zero cost.
     */
    static double bound(double sum, int maxLength) {
        return sum / maxLength;
    }
}
