package io.syncabel.runtime.link;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * An HNSW graph over a {@link DenseIndex}'s rows, for approximate search where an exact scan is too slow (millions of
 * names). Lucene builds and searches it (its {@code HnswGraphBuilder} and {@code HnswGraphSearcher}); the vectors stay
 * the index's own float16/int8 rows, scored by the index's own kernels, so the graph adds only its neighbour lists
 * (about 4 bytes a link, M = 16: ~100-130 bytes a name). Stored as compact arrays, immutable and shared by concurrent
 * searches (each reads through its own cursor).
 */
public final class DenseGraph {
    /** Lucene's defaults: links a node keeps per upper level (twice that on level 0), candidates while inserting. */
    public static final int MAX_CONN = HnswGraphBuilder.DEFAULT_MAX_CONN;
    public static final int BEAM_WIDTH = HnswGraphBuilder.DEFAULT_BEAM_WIDTH;
    /** Candidates a search visits at least (Lucene's fan-out) unless the graph was built with another number. */
    public static final int EF_SEARCH = 512;

    private final int size;
    private final int efSearch;
    private final int entryNode;
    /** Per level: the nodes on it, ascending (level 0: null, every node). */
    private final int[][] nodes;
    /** Per level: where each node's neighbours start in {@link #links} (length nodes + 1). */
    private final int[][] offsets;
    private final int[][] links;

    private DenseGraph(int size, int efSearch, int entryNode, int[][] nodes, int[][] offsets, int[][] links) {
        this.size = size;
        this.efSearch = efSearch;
        this.entryNode = entryNode;
        this.nodes = nodes;
        this.offsets = offsets;
        this.links = links;
    }

    /**
     * Builds the graph of {@code index}'s rows. One thread is seeded: the same rows give the same graph. Several insert
     * rows at once (Lucene's {@code HnswConcurrentMergeBuilder}, as Lucene merges segments): the graph is as good but
     * depends on the threads' timing, so the same rows no longer give the same bytes.
     *
     * @param efSearch candidates a search through it visits at least (stored with the graph)
     * @param threads threads inserting rows (1: seeded and reproducible)
     * @param progress receives the number of rows inserted, every 10,000 (with several threads, every few seconds)
     */
    public static DenseGraph build(DenseIndex index, int maxConn, int beamWidth, int efSearch, long seed, int threads,
            IntConsumer progress) {
        if (maxConn < 2 || beamWidth < 1 || efSearch < 1 || threads < 1) {
            throw new IllegalArgumentException("HNSW needs M >= 2, a beam >= 1, ef_search >= 1 and a thread, got " + maxConn
                    + ", " + beamWidth + ", " + efSearch + ", " + threads);
        }
        RandomVectorScorerSupplier rows = new RandomVectorScorerSupplier() {
            @Override
            public RandomVectorScorer scorer(int ord) {
                return DenseGraph.scorer(index, index.vector(ord));
            }

            @Override
            public RandomVectorScorerSupplier copy() {
                return this;
            }
        };
        try {
            HnswGraphBuilder builder = HnswGraphBuilder.create(rows, maxConn, beamWidth, seed, index.size());
            if (threads > 1) {
                return of(concurrently(builder.getGraph(), rows, maxConn, beamWidth, index.size(), threads, progress), efSearch);
            }
            for (int row = 0; row < index.size(); row++) {
                builder.addGraphNode(row);
                if ((row + 1) % 10_000 == 0) {
                    progress.accept(row + 1);
                }
            }
            return of(builder.getCompletedGraph(), efSearch);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // scorers over memory do not fail
        }
    }

    /**
     * All rows inserted into the (empty) graph by {@code threads} workers; a daemon reports the graph's size every 5 s.
     * The rows' scorers read the index only, so the workers share them.
     */
    private static OnHeapHnswGraph concurrently(OnHeapHnswGraph empty, RandomVectorScorerSupplier rows, int maxConn, int beamWidth,
            int size, int threads, IntConsumer progress) throws IOException {
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(threads, daemon("hnsw-build"));
        java.util.concurrent.ScheduledExecutorService reporter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                daemon("hnsw-progress"));
        try {
            reporter.scheduleAtFixedRate(() -> progress.accept(empty.size()), 5, 5, java.util.concurrent.TimeUnit.SECONDS);
            org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder builder = new org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder(
                    new org.apache.lucene.search.TaskExecutor(workers), threads, rows, maxConn, beamWidth, empty,
                    new org.apache.lucene.util.FixedBitSet(Math.max(1, size)));
            builder.build(size);
            return builder.getCompletedGraph();
        } finally {
            reporter.shutdownNow();
            workers.shutdownNow();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Lucene scores similarities that grow with closeness and are never negative: (1 + cosine) / 2 for unit vectors. */
    private static RandomVectorScorer scorer(DenseIndex index, float[] query) {
        return new RandomVectorScorer() {
            @Override
            public float score(int node) {
                return (1 + index.score(query, node)) / 2;
            }

            @Override
            public int maxOrd() {
                return index.size();
            }
        };
    }

    private static DenseGraph of(OnHeapHnswGraph graph, int efSearch) throws IOException {
        int levels = graph.numLevels();
        int n = graph.size();
        int[][] nodes = new int[levels][];
        int[][] offsets = new int[levels][];
        int[][] links = new int[levels][];
        for (int level = 0; level < levels; level++) {
            int[] on = level == 0 ? null : HnswGraph.NodesIterator.getSortedNodes(graph.getNodesOnLevel(level));
            int count = on == null ? n : on.length;
            int[] start = new int[count + 1];
            int[] all = new int[Math.max(16, count * 8)];
            int used = 0;
            for (int i = 0; i < count; i++) {
                graph.seek(level, on == null ? i : on[i]);
                for (int next = graph.nextNeighbor(); next != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                        next = graph.nextNeighbor()) {
                    if (used == all.length) {
                        all = Arrays.copyOf(all, all.length * 2);
                    }
                    all[used++] = next;
                }
                start[i + 1] = used;
            }
            nodes[level] = on;
            offsets[level] = start;
            links[level] = Arrays.copyOf(all, used);
        }
        return new DenseGraph(n, efSearch, graph.entryNode(), nodes, offsets, links);
    }

    public int size() {
        return size;
    }

    public int levels() {
        return nodes.length;
    }

    /** Candidates a search visits at least. */
    public int efSearch() {
        return efSearch;
    }

    /** Bytes the graph takes in memory and on disk (neighbour lists, offsets, upper-level node lists). */
    public long bytes() {
        long b = 0;
        for (int level = 0; level < nodes.length; level++) {
            b += 4L * (links[level].length + offsets[level].length + (nodes[level] == null ? 0 : nodes[level].length));
        }
        return b;
    }

    /**
     * The {@code k} rows of {@code index} the graph search finds nearest to {@code query}, best first (equal scores:
     * the lower row first), having visited at least {@code ef} candidates; scores are the index's inner products.
     */
    DenseIndex.Hits search(DenseIndex index, float[] query, int k, int ef) {
        TopKnnCollector collector = new TopKnnCollector(Math.max(k, ef), Integer.MAX_VALUE);
        try {
            HnswGraphSearcher.search(scorer(index, query), collector, new Cursor(), null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TopDocs found = collector.topDocs();
        int n = found.scoreDocs.length;
        int keep = Math.min(k, n);
        if (keep == 0) {
            return new DenseIndex.Hits(new int[0], new float[0]);
        }
        // (1 + x) / 2 never reverses an order, so the k best inner products are among the hits whose similarity reaches
        // the k-th best similarity (ties included): only those are scored again, exactly, and ordered as a scan orders them
        float[] similarities = new float[n];
        for (int i = 0; i < n; i++) {
            similarities[i] = found.scoreDocs[i].score;
        }
        float[] sorted = similarities.clone();
        Arrays.sort(sorted);
        float kth = sorted[n - keep];
        List<Integer> order = new ArrayList<>();
        int[] rows = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            if (similarities[i] >= kth) {
                order.add(i);
                rows[i] = found.scoreDocs[i].doc;
                scores[i] = index.score(query, rows[i]);
            }
        }
        order.sort((a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(rows[a], rows[b]));
        int[] outRows = new int[keep];
        float[] outScores = new float[keep];
        for (int i = 0; i < keep; i++) {
            outRows[i] = rows[order.get(i)];
            outScores[i] = scores[order.get(i)];
        }
        return new DenseIndex.Hits(outRows, outScores);
    }

    /** The graph as Lucene's searcher walks it: one cursor per search over the shared arrays. */
    private final class Cursor extends HnswGraph {
        private int[] list;
        private int at;
        private int end;

        @Override
        public void seek(int level, int target) {
            int i = level == 0 ? target : Arrays.binarySearch(nodes[level], target);
            if (i < 0) {
                throw new IllegalArgumentException("node " + target + " is not on level " + level);
            }
            list = links[level];
            at = offsets[level][i];
            end = offsets[level][i + 1];
        }

        @Override
        public int nextNeighbor() {
            return at < end ? list[at++] : org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int numLevels() {
            return nodes.length;
        }

        @Override
        public int entryNode() {
            return entryNode;
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            return level == 0 ? new ArrayNodesIterator(size) : new ArrayNodesIterator(nodes[level], nodes[level].length);
        }
    }

    /** Writes the graph: size, ef_search, entry node, levels, then per level its nodes (upper levels), offsets and links. */
    void write(DataOutputStream data) throws IOException {
        data.writeInt(size);
        data.writeInt(efSearch);
        data.writeInt(entryNode);
        data.writeInt(nodes.length);
        for (int level = 0; level < nodes.length; level++) {
            if (level > 0) {
                writeInts(data, nodes[level]);
            }
            writeInts(data, offsets[level]);
            writeInts(data, links[level]);
        }
    }

    /** Reads what {@link #write} wrote, checking it against the index it belongs to. */
    static DenseGraph read(DataInputStream data, int rows, String where) throws IOException {
        int size = data.readInt();
        int efSearch = data.readInt();
        int entry = data.readInt();
        int levels = data.readInt();
        if (size != rows || efSearch < 1 || levels < 1 || levels > 64 || entry < 0 || entry >= Math.max(1, size)) {
            throw new IOException(where + ": HNSW graph of " + size + " nodes, " + levels + " levels, entry " + entry
                    + " for an index of " + rows + " rows");
        }
        int[][] nodes = new int[levels][];
        int[][] offsets = new int[levels][];
        int[][] links = new int[levels][];
        for (int level = 0; level < levels; level++) {
            nodes[level] = level == 0 ? null : readInts(data, size, where);
            int count = level == 0 ? size : nodes[level].length;
            offsets[level] = readInts(data, count + 1, where);
            links[level] = readInts(data, Integer.MAX_VALUE, where);
            if (offsets[level].length != count + 1 || offsets[level][count] != links[level].length) {
                throw new IOException(where + ": HNSW graph level " + level + " is inconsistent");
            }
        }
        return new DenseGraph(size, efSearch, entry, nodes, offsets, links);
    }

    private static void writeInts(DataOutputStream data, int[] values) throws IOException {
        data.writeInt(values.length);
        for (int v : values) {
            data.writeInt(v);
        }
    }

    private static int[] readInts(DataInputStream data, int max, String where) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > max) {
            throw new IOException(where + ": HNSW graph list of " + n + " entries (at most " + max + ")");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = data.readInt();
        }
        return out;
    }
}
