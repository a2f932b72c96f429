package io.syncabel.runtime.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores every name of a (small, per-mention) trie under the model, teacher-forced and exhaustively:
 * the start token and the forced prefix are fed once, then each trie node is fed exactly once, so names
 * sharing a prefix share its computation (the decoder's key/value cache is reordered by parent row, as
 * in beam search). A name's score is its mean log-probability over its tokens and the end token, the
 * same length normalisation as {@link BeamSearch}, so the best-scored name of a trie is the one a wide
 * enough beam would return.
 *
 * <p>All queries of a call whose tries together hold at most {@code maxRows} nodes share one decoder
 * session: one step per trie depth, every query's nodes at that depth in one batch.
 */
public final class TrieScorer {
    private final StepDecoder decoder;
    private final SpecialTokens special;
    private final int maxRows;

    /** @param maxRows nodes of the tries scored in one decoder session (a query with a bigger trie runs alone) */
    public TrieScorer(StepDecoder decoder, SpecialTokens special, int maxRows) {
        this.decoder = Objects.requireNonNull(decoder);
        this.special = Objects.requireNonNull(special);
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be positive");
        }
        this.maxRows = maxRows;
    }

    /**
     * Per query, in query order: name id (the trie payload) → mean log-probability of that name. Names
     * longer than the decoder's positions allow are left out; a query without a constraint, or whose
     * constraint holds no name, gets an empty map.
     */
    public List<Map<Integer, Double>> score(List<BeamSearch.Query> queries) {
        List<Map<Integer, Double>> out = new ArrayList<>(queries.size());
        int from = 0;
        while (from < queries.size()) {
            int to = from;
            long rows = 0;
            do {
                rows += size(queries.get(to));
                to++;
            } while (to < queries.size() && rows + size(queries.get(to)) <= maxRows);
            out.addAll(scoreTogether(queries.subList(from, to)));
            from = to;
        }
        return out;
    }

    private static long size(BeamSearch.Query q) {
        return q.constraint() == null || q.constraint().startNode() < 0 ? 1 : q.constraint().trie().nodeCount();
    }

    /** A trie node waiting to be fed: its token continues output row {@code parentRow}. */
    private record Pending(int node, double sum, int depth, int parentRow, int token) {
    }

    private List<Map<Integer, Double>> scoreTogether(List<BeamSearch.Query> queries) {
        List<State> states = new ArrayList<>(queries.size());
        List<int[]> sources = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            states.add(new State(i, queries.get(i)));
            sources.add(queries.get(i).source());
        }
        try (StepDecoder.Session session = decoder.open(sources)) {
            while (true) {
                List<int[]> feeds = new ArrayList<>();
                for (State s : states) {
                    s.collect(feeds);
                }
                if (feeds.isEmpty()) {
                    break;
                }
                int[] parents = new int[feeds.size()];
                int[] tokens = new int[feeds.size()];
                for (int r = 0; r < feeds.size(); r++) {
                    parents[r] = feeds.get(r)[0];
                    tokens[r] = feeds.get(r)[1];
                }
                float[][] rows = session.step(parents, tokens);
                if (rows.length != feeds.size()) {
                    throw new IllegalStateException("decoder returned " + rows.length + " rows for " + feeds.size());
                }
                for (State s : states) {
                    s.advance(rows);
                }
            }
        }
        List<Map<Integer, Double>> out = new ArrayList<>(states.size());
        for (State s : states) {
            out.add(s.scores);
        }
        return out;
    }

    private final class State {
        final int index;
        final Constraint constraint;
        final int[] forced;
        final Map<Integer, Double> scores = new HashMap<>();
        int fed;
        int forcedRow = -1;
        int pendingForcedRow = -1;
        List<Pending> pending = List.of();
        int firstRow;
        boolean done;

        State(int index, BeamSearch.Query query) {
            this.index = index;
            this.constraint = query.constraint();
            forced = new int[query.prefix().length + 1];
            forced[0] = special.start();
            System.arraycopy(query.prefix(), 0, forced, 1, query.prefix().length);
            done = constraint == null || constraint.startNode() < 0 || forced.length >= decoder.maxSteps();
        }

        void collect(List<int[]> feeds) {
            if (done) {
                return;
            }
            if (fed < forced.length) {
                pendingForcedRow = feeds.size();
                feeds.add(new int[] {fed == 0 ? index : forcedRow, forced[fed]});
                return;
            }
            firstRow = feeds.size();
            for (Pending p : pending) {
                feeds.add(new int[] {p.parentRow(), p.token()});
            }
        }

        void advance(float[][] rows) {
            if (done) {
                return;
            }
            List<Pending> next = new ArrayList<>();
            if (fed < forced.length) {
                fed++;
                forcedRow = pendingForcedRow;
                if (fed < forced.length) {
                    return;
                }
                expand(constraint.startNode(), 0, 0, forcedRow, rows[forcedRow], next);
            } else {
                for (int i = 0; i < pending.size(); i++) {
                    Pending p = pending.get(i);
                    expand(p.node(), p.sum(), p.depth(), firstRow + i, rows[firstRow + i], next);
                }
            }
            pending = next;
            done = pending.isEmpty();
        }

        /** Node at {@code depth} (tokens below the start node) whose output is {@code row}. */
        private void expand(int node, double sum, int depth, int row, float[] logProbs, List<Pending> next) {
            NameTrie trie = constraint.trie();
            if (trie.isComplete(node)) {
                double mean = (sum + logProbs[special.end()]) / (depth + 1);
                for (int id : trie.nameIds(node)) {
                    scores.put(id, mean);
                }
            }
            // the child is fed at decoder position forced.length + depth; its output is needed for its own end token
            if (forced.length + depth >= decoder.maxSteps()) {
                return;
            }
            for (int e = trie.edgeStart(node), end = trie.edgeEnd(node); e < end; e++) {
                int token = trie.edgeToken(e);
                float lp = logProbs[token];
                if (lp > Float.NEGATIVE_INFINITY) {
                    next.add(new Pending(NameTrie.edgeChild(e), sum + lp, depth + 1, row, token));
                }
            }
        }
    }
}
