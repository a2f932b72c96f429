package io.syncabel.runtime.link;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Exact nearest neighbours by inner product over unit vectors (a flat index: every stored vector is scored).
 * Vectors are stored compressed, chosen by {@link Storage}: half floats (2 bytes a dimension), or 8-bit integers
 * with one float scale per vector (1 byte a dimension plus 4). At 75k names of dimension 384 the index holds 58 MB
 * (float16) or 29 MB (int8) and a query scans it all: exact, nothing to tune; bench/dense-retriever measures the
 * latency at that size and at 1M names.
 *
 * <p>Search runs over blocks of stored vectors; each block is decoded once for all queries of a batch, and each
 * query keeps its top k in a small array heap, so a search allocates only its answer.
 */
public final class DenseIndex {
    /** How vectors are stored. */
    public enum Storage {
        /** IEEE half precision, 2 bytes a dimension (about 3 significant digits: cosines within ~1e-3). */
        FLOAT16,
        /** Symmetric 8-bit quantisation with a per-vector scale (max |x| / 127): 1 byte a dimension plus 4. */
        INT8
    }

    /** The top hits of one query, best first: row numbers and inner products. */
    public record Hits(int[] rows, float[] scores) {
        public int size() {
            return rows.length;
        }
    }

    static final int MAGIC = 0x53594e44; // "SYND"
    /** Version 1: the vectors; version 2: the vectors, then an HNSW graph ({@link DenseGraph}). */
    static final int VERSION = 1;
    static final int VERSION_WITH_GRAPH = 2;
    private static final int BLOCK = 256;

    private final Storage storage;
    private final int dimension;
    private final int count;
    private final short[] halves; // FLOAT16: count * dimension
    private final byte[] bytes; // INT8: count * dimension
    private final float[] scales; // INT8: count
    /** When present, {@link #search} walks it instead of scanning every row. */
    private final DenseGraph graph;

    private DenseIndex(Storage storage, int dimension, int count, short[] halves, byte[] bytes, float[] scales) {
        this(storage, dimension, count, halves, bytes, scales, null);
    }

    private DenseIndex(Storage storage, int dimension, int count, short[] halves, byte[] bytes, float[] scales, DenseGraph graph) {
        this.graph = graph;
        this.storage = storage;
        this.dimension = dimension;
        this.count = count;
        this.halves = halves;
        this.bytes = bytes;
        this.scales = scales;
    }

    /** An index of the vectors (each of length {@code dimension}), row i being vectors[i]. */
    public static DenseIndex of(Storage storage, int dimension, List<float[]> vectors) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("a dense index needs a dimension > 0, got " + dimension);
        }
        int n = vectors.size();
        short[] halves = storage == Storage.FLOAT16 ? new short[Math.multiplyExact(n, dimension)] : null;
        byte[] bytes = storage == Storage.INT8 ? new byte[Math.multiplyExact(n, dimension)] : null;
        float[] scales = storage == Storage.INT8 ? new float[n] : null;
        for (int i = 0; i < n; i++) {
            float[] v = vectors.get(i);
            if (v.length != dimension) {
                throw new IllegalArgumentException("vector " + i + " has dimension " + v.length + ", the index " + dimension);
            }
            int at = i * dimension;
            if (storage == Storage.FLOAT16) {
                for (int d = 0; d < dimension; d++) {
                    halves[at + d] = toHalf(v[d]);
                }
            } else {
                float max = 0;
                for (float x : v) {
                    max = Math.max(max, Math.abs(x));
                }
                float scale = max == 0 ? 1 : max / 127f;
                scales[i] = scale;
                for (int d = 0; d < dimension; d++) {
                    bytes[at + d] = (byte) Math.max(-127, Math.min(127, Math.round(v[d] / scale)));
                }
            }
        }
        return new DenseIndex(storage, dimension, n, halves, bytes, scales);
    }

    public Storage storage() {
        return storage;
    }

    /**
     * The same rows with an HNSW graph built over them ({@link DenseGraph#build}): {@link #search} becomes approximate
     * and sub-linear, built by {@code threads} threads (1: reproducible). {@code progress} receives the rows inserted so
     * far, every 10,000.
     */
    public DenseIndex withGraph(int maxConn, int beamWidth, int efSearch, long seed, int threads,
            java.util.function.IntConsumer progress) {
        if (count == 0) {
            throw new IllegalArgumentException("an empty dense index has nothing to link in a graph");
        }
        return new DenseIndex(storage, dimension, count, halves, bytes, scales,
                DenseGraph.build(withoutGraph(), maxConn, beamWidth, efSearch, seed, threads, progress));
    }

    /** The same rows without a graph: exact search. */
    public DenseIndex withoutGraph() {
        return graph == null ? this : new DenseIndex(storage, dimension, count, halves, bytes, scales);
    }

    /** The HNSW graph searches walk, or null: an exact scan. */
    public DenseGraph graph() {
        return graph;
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return count;
    }

    /** Bytes each stored vector takes in memory and on disk. */
    public int bytesPerVector() {
        return storage == Storage.FLOAT16 ? 2 * dimension : dimension + 4;
    }

    /** Row {@code row} as stored (decoded to floats). */
    public float[] vector(int row) {
        float[] out = new float[dimension];
        decode(row, 1, out, true);
        return out;
    }

    /** Inner product of a query with one stored row (the same arithmetic as {@link #search}). */
    public float score(float[] query, int row) {
        return storage == Storage.FLOAT16 ? dot(query, halves, row * dimension) : dot(query, bytes, row * dimension) * scales[row];
    }

    /**
     * The {@code k} best rows of each query by inner product (ties: the lower row first). Exact unless the index has a
     * graph ({@link #withGraph}): then each query walks it, visiting at least its {@link DenseGraph#efSearch} candidates
     * (queries of a batch in parallel), and may miss a true neighbour. Without one a large index is scanned by several
     * threads at once (one contiguous range of rows each, the common fork-join pool), with the same answer as one
     * thread's scan.
     */
    public Hits[] search(float[][] queries, int k) {
        if (graph != null) {
            checkDimensions(queries);
            return java.util.Arrays.stream(queries).parallel().map(q -> graph.search(this, q, Math.min(k, count),
                    graph.efSearch())).toArray(Hits[]::new);
        }
        return search(queries, k, Runtime.getRuntime().availableProcessors());
    }

    /** The exact answer of {@link #search} whether or not the index has a graph (what a graph search is measured against). */
    public Hits[] searchExact(float[][] queries, int k) {
        return search(queries, k, Runtime.getRuntime().availableProcessors());
    }

    private void checkDimensions(float[][] queries) {
        for (float[] q : queries) {
            if (q.length != dimension) {
                throw new IllegalArgumentException("query of dimension " + q.length + " for an index of dimension " + dimension);
            }
        }
    }

    /** Rows per thread below which a search is not split further (the MEDIC scale: ~2 ranges). */
    static final int ROWS_PER_RANGE = 1 << 15;

    /** As above with at most {@code threads} ranges scanned in parallel. */
    Hits[] search(float[][] queries, int k, int threads) {
        checkDimensions(queries);
        int keep = Math.min(k, count);
        int ranges = Math.max(1, Math.min(threads, count / ROWS_PER_RANGE));
        if (ranges == 1) {
            return Partial.merge(List.of(scan(queries, keep, 0, count)), queries.length, keep);
        }
        // range boundaries on block multiples, so each range decodes whole blocks as one scan would
        int blocks = (count + BLOCK - 1) / BLOCK;
        List<Partial> parts = java.util.stream.IntStream.range(0, ranges).parallel()
                .mapToObj(r -> scan(queries, keep, Math.min(count, (int) ((long) blocks * r / ranges) * BLOCK),
                        Math.min(count, (int) ((long) blocks * (r + 1) / ranges) * BLOCK)))
                .toList();
        return Partial.merge(parts, queries.length, keep);
    }

    /** Each query's best rows of one range, unordered (a heap's contents). */
    private record Partial(float[][] scores, int[][] rows, int[] filled) {
        /** Each query's best {@code keep} over all parts, best first, ties by the lower row. */
        static Hits[] merge(List<Partial> parts, int nq, int keep) {
            Hits[] out = new Hits[nq];
            for (int q = 0; q < nq; q++) {
                int n = 0;
                for (Partial p : parts) {
                    n += p.filled()[q];
                }
                float[] s = new float[n];
                int[] r = new int[n];
                int at = 0;
                for (Partial p : parts) {
                    System.arraycopy(p.scores()[q], 0, s, at, p.filled()[q]);
                    System.arraycopy(p.rows()[q], 0, r, at, p.filled()[q]);
                    at += p.filled()[q];
                }
                out[q] = best(s, r, n, keep);
            }
            return out;
        }
    }

    /** The first {@code keep} of n (score, row) pairs, best first, ties by the lower row. */
    private static Hits best(float[] hs, int[] hr, int n, int keep) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> hs[a] != hs[b] ? Float.compare(hs[b], hs[a]) : Integer.compare(hr[a], hr[b]));
        int m = Math.min(n, keep);
        int[] rowsOut = new int[m];
        float[] scoresOut = new float[m];
        for (int i = 0; i < m; i++) {
            rowsOut[i] = hr[order[i]];
            scoresOut[i] = hs[order[i]];
        }
        return new Hits(rowsOut, scoresOut);
    }

    /** Each query's best {@code keep} rows within [from, to), in a min-heap per query (heap[0] the worst kept). */
    private Partial scan(float[][] queries, int keep, int from, int to) {
        int nq = queries.length;
        float[][] heapScores = new float[nq][keep];
        int[][] heapRows = new int[nq][keep];
        int[] filled = new int[nq];
        boolean float16 = storage == Storage.FLOAT16;
        // a lone query reads the stored values as they are; several share one decoding of each block into floats
        // (int8 unscaled, exactly), so both paths give the same bits: an int8 row's scale comes last
        boolean decoded = nq > 1;
        float[] block = decoded ? new float[BLOCK * dimension] : null;
        for (int start = from; start < to && keep > 0; start += BLOCK) {
            int rows = Math.min(BLOCK, to - start);
            if (decoded) {
                decode(start, rows, block, false);
            }
            for (int q = 0; q < nq; q++) {
                float[] query = queries[q];
                float[] hs = heapScores[q];
                int[] hr = heapRows[q];
                for (int r = 0; r < rows; r++) {
                    float s = decoded ? dot(query, block, r * dimension)
                            : float16 ? dot(query, halves, (start + r) * dimension) : dot(query, bytes, (start + r) * dimension);
                    if (!float16) {
                        s *= scales[start + r];
                    }
                    if (filled[q] < keep) {
                        hs[filled[q]] = s;
                        hr[filled[q]] = start + r;
                        siftUp(hs, hr, filled[q]++);
                    } else if (s > hs[0]) { // equal scores keep the earlier (lower) row
                        hs[0] = s;
                        hr[0] = start + r;
                        siftDown(hs, hr, keep);
                    }
                }
            }
        }
        return new Partial(heapScores, heapRows, filled);
    }

    /**
     * The inner product of {@code q} with {@code v[at, at + q.length)}, summed in eight interleaved partial sums: with
     * one running sum every multiply-add waits for the previous one, with eight the CPU overlaps them (about 3x here).
     */
    static float dot(float[] q, float[] v, int at) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int n = q.length;
        int d = 0;
        for (; d + 8 <= n; d += 8) {
            s0 += q[d] * v[at + d];
            s1 += q[d + 1] * v[at + d + 1];
            s2 += q[d + 2] * v[at + d + 2];
            s3 += q[d + 3] * v[at + d + 3];
            s4 += q[d + 4] * v[at + d + 4];
            s5 += q[d + 5] * v[at + d + 5];
            s6 += q[d + 6] * v[at + d + 6];
            s7 += q[d + 7] * v[at + d + 7];
        }
        for (; d < n; d++) {
            s0 += q[d] * v[at + d];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The same over float16 values. */
    static float dot(float[] q, short[] v, int at) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int n = q.length;
        int d = 0;
        for (; d + 8 <= n; d += 8) {
            s0 += q[d] * HALF_TO_FLOAT[v[at + d] & 0xffff];
            s1 += q[d + 1] * HALF_TO_FLOAT[v[at + d + 1] & 0xffff];
            s2 += q[d + 2] * HALF_TO_FLOAT[v[at + d + 2] & 0xffff];
            s3 += q[d + 3] * HALF_TO_FLOAT[v[at + d + 3] & 0xffff];
            s4 += q[d + 4] * HALF_TO_FLOAT[v[at + d + 4] & 0xffff];
            s5 += q[d + 5] * HALF_TO_FLOAT[v[at + d + 5] & 0xffff];
            s6 += q[d + 6] * HALF_TO_FLOAT[v[at + d + 6] & 0xffff];
            s7 += q[d + 7] * HALF_TO_FLOAT[v[at + d + 7] & 0xffff];
        }
        for (; d < n; d++) {
            s0 += q[d] * HALF_TO_FLOAT[v[at + d] & 0xffff];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The same over int8 values (unscaled). */
    static float dot(float[] q, byte[] v, int at) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int n = q.length;
        int d = 0;
        for (; d + 8 <= n; d += 8) {
            s0 += q[d] * v[at + d];
            s1 += q[d + 1] * v[at + d + 1];
            s2 += q[d + 2] * v[at + d + 2];
            s3 += q[d + 3] * v[at + d + 3];
            s4 += q[d + 4] * v[at + d + 4];
            s5 += q[d + 5] * v[at + d + 5];
            s6 += q[d + 6] * v[at + d + 6];
            s7 += q[d + 7] * v[at + d + 7];
        }
        for (; d < n; d++) {
            s0 += q[d] * v[at + d];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Heap order: the worse entry (lower score; on equal scores the later row) nearer the root. */
    private static boolean worse(float[] s, int[] r, int a, int b) {
        return s[a] < s[b] || s[a] == s[b] && r[a] > r[b];
    }

    private static void siftUp(float[] s, int[] r, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!worse(s, r, i, parent)) {
                return;
            }
            swap(s, r, i, parent);
            i = parent;
        }
    }

    private static void siftDown(float[] s, int[] r, int n) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            int worst = i;
            if (left < n && worse(s, r, left, worst)) {
                worst = left;
            }
            if (left + 1 < n && worse(s, r, left + 1, worst)) {
                worst = left + 1;
            }
            if (worst == i) {
                return;
            }
            swap(s, r, i, worst);
            i = worst;
        }
    }

    private static void swap(float[] s, int[] r, int a, int b) {
        float ts = s[a];
        s[a] = s[b];
        s[b] = ts;
        int tr = r[a];
        r[a] = r[b];
        r[b] = tr;
    }

    /** Rows [start, start + rows) as floats into {@code out}; int8 rows times their scale when {@code scaled}. */
    private void decode(int start, int rows, float[] out, boolean scaled) {
        int from = start * dimension;
        int n = rows * dimension;
        if (storage == Storage.FLOAT16) {
            for (int i = 0; i < n; i++) {
                out[i] = HALF_TO_FLOAT[halves[from + i] & 0xffff];
            }
        } else if (!scaled) {
            for (int i = 0; i < n; i++) {
                out[i] = bytes[from + i];
            }
        } else {
            for (int r = 0; r < rows; r++) {
                float scale = scales[start + r];
                int at = r * dimension;
                for (int d = 0; d < dimension; d++) {
                    out[at + d] = bytes[from + at + d] * scale;
                }
            }
        }
    }

    /**
     * Writes the index: a header (magic "SYND", version, storage, dimension, count), then the vectors (int8: the
     * scales first), then the graph if any (version 2; an index without one stays version 1), big-endian.
     */
    public void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(graph == null ? VERSION : VERSION_WITH_GRAPH);
        data.writeByte(storage.ordinal());
        data.writeInt(dimension);
        data.writeInt(count);
        if (storage == Storage.FLOAT16) {
            for (short h : halves) {
                data.writeShort(h);
            }
        } else {
            for (float s : scales) {
                data.writeFloat(s);
            }
            data.write(bytes);
        }
        if (graph != null) {
            graph.write(data);
        }
        data.flush();
    }

    /**
     * Reads an index written by {@link #write}; {@code where} names the file in errors (a wrong magic or version, an
     * unknown storage, a truncated body). Reads exactly the index's bytes, so it may sit inside a longer stream.
     */
    public static DenseIndex read(InputStream in, String where) throws IOException {
        DataInputStream data = new DataInputStream(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16));
        int magic;
        try {
            magic = data.readInt();
        } catch (EOFException e) {
            throw new IOException(where + ": empty or truncated dense index (no header)", e);
        }
        if (magic != MAGIC) {
            throw new IOException(where + ": not a dense index (magic " + Integer.toHexString(magic) + ")");
        }
        try {
            int version = data.readInt();
            if (version != VERSION && version != VERSION_WITH_GRAPH) {
                throw new IOException(where + ": dense index version " + version + ", this build reads " + VERSION + " and "
                        + VERSION_WITH_GRAPH);
            }
            int kind = data.readByte();
            if (kind < 0 || kind >= Storage.values().length) {
                throw new IOException(where + ": unknown dense index storage " + kind);
            }
            Storage storage = Storage.values()[kind];
            int dimension = data.readInt();
            int count = data.readInt();
            if (dimension <= 0 || count < 0 || (long) dimension * count > Integer.MAX_VALUE - 8) {
                throw new IOException(where + ": corrupt dense index header (dimension " + dimension + ", count " + count + ")");
            }
            int n = dimension * count;
            try {
                if (storage == Storage.FLOAT16) {
                    short[] halves = new short[n];
                    byte[] raw = new byte[1 << 16];
                    for (int at = 0; at < n;) {
                        int chunk = Math.min(raw.length / 2, n - at);
                        data.readFully(raw, 0, 2 * chunk);
                        for (int i = 0; i < chunk; i++) {
                            halves[at + i] = (short) ((raw[2 * i] & 0xff) << 8 | raw[2 * i + 1] & 0xff);
                        }
                        at += chunk;
                    }
                    return new DenseIndex(storage, dimension, count, halves, null, null,
                            version == VERSION_WITH_GRAPH ? DenseGraph.read(data, count, where) : null);
                }
                float[] scales = new float[count];
                for (int i = 0; i < count; i++) {
                    scales[i] = data.readFloat();
                }
                byte[] bytes = new byte[n];
                data.readFully(bytes);
                return new DenseIndex(storage, dimension, count, null, bytes, scales,
                        version == VERSION_WITH_GRAPH ? DenseGraph.read(data, count, where) : null);
            } catch (EOFException e) {
                throw new IOException(where + ": truncated dense index (header promises " + count + " vectors of dimension "
                        + dimension + " in " + storage + ")", e);
            }
        } catch (EOFException e) {
            throw new IOException(where + ": truncated dense index header", e);
        }
    }

    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) {
            HALF_TO_FLOAT[h] = halfToFloat((short) h);
        }
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }

    /** Float to IEEE 754 binary16, rounding to nearest even (Java 17 has no Float.floatToFloat16). */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 31) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rest = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || rest == mid && (half & 1) == 1) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = e << 10 | mant >> 13;
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || rest == 0x1000 && (half & 1) == 1) {
            half++; // may carry into the exponent, which is the right rounding
        }
        return (short) (sign | half);
    }
}
