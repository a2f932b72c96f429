package io.syncabel.runtime.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A trie of token-id sequences (one semantic group's tokenised {@code " is <name>"}), stored as a few
 * flat arrays inside one little-endian byte blob, so that it is written, read in one go or
 * memory-mapped without any per-node object.
 *
 * <p>Layout (the "CSR" form): nodes are numbered in breadth-first order, so the children of a node are
 * consecutive node ids and the child reached by edge {@code e} is node {@code e + 1} (every node but
 * the root is the target of exactly one edge). Per node: {@code firstEdge[node]} (its edges are
 * {@code [firstEdge[node], firstEdge[node + 1])}); per edge: its token as a 16-bit char, sorted per
 * node, so {@link #child} is a binary search. The end token is not stored as an edge: a "complete"
 * bit per node says that a name ends there (its end-of-sequence edge), and a rank over those bits
 * gives the index of the node's payload (the name ids) in constant time. This keeps leaves out of
 * the node arrays, which is what makes a million names fit in a few tens of bytes each.
 */
public final class NameTrie {

    /** File signature; the last byte is the format version. */
    private static final byte[] MAGIC = "SCTRIE01".getBytes(StandardCharsets.US_ASCII);

    private static final int HEADER_BYTES = 40;

    /** The largest token id an edge can hold (edges are 16-bit). */
    public static final int MAX_TOKEN = 0xFFFF;

    private final ByteBuffer blob;
    private final int endToken;
    private final int nodeCount;
    private final int completeCount;
    private final int nameCount;
    private final int maxDepth;
    private final IntBuffer firstEdge;
    private final CharBuffer edgeTokens;
    private final LongBuffer completeBits;
    private final IntBuffer completeRank;
    private final IntBuffer payloadStart;
    private final IntBuffer payloadIds;

    private NameTrie(ByteBuffer source) {
        ByteBuffer b = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a name trie (bad signature)");
        }
        this.blob = b;
        endToken = b.getInt(8);
        nodeCount = b.getInt(12);
        completeCount = b.getInt(16);
        nameCount = b.getInt(20);
        maxDepth = b.getInt(24);
        int totalBytes = b.getInt(28);
        if (totalBytes != b.capacity() || nodeCount < 1) {
            throw new IllegalArgumentException("truncated or corrupt name trie");
        }
        Sections s = new Sections(nodeCount, completeCount, nameCount);
        if (s.total != totalBytes) {
            throw new IllegalArgumentException("corrupt name trie (section sizes disagree with its length)");
        }
        firstEdge = slice(b, s.firstEdge, (nodeCount + 1) * 4).asIntBuffer();
        edgeTokens = slice(b, s.edgeTokens, (nodeCount - 1) * 2).asCharBuffer();
        completeBits = slice(b, s.completeBits, s.words * 8).asLongBuffer();
        completeRank = slice(b, s.completeRank, s.words * 4).asIntBuffer();
        payloadStart = slice(b, s.payloadStart, (completeCount + 1) * 4).asIntBuffer();
        payloadIds = slice(b, s.payloadIds, nameCount * 4).asIntBuffer();
    }

    private static ByteBuffer slice(ByteBuffer b, int offset, int length) {
        return b.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Byte offsets of the sections; each starts on an 8-byte boundary so mapped views stay aligned. */
    private static final class Sections {
        final int words;
        final int firstEdge;
        final int edgeTokens;
        final int completeBits;
        final int completeRank;
        final int payloadStart;
        final int payloadIds;
        final int total;

        Sections(int nodeCount, int completeCount, int nameCount) {
            words = (nodeCount + 63) >>> 6;
            firstEdge = HEADER_BYTES;
            edgeTokens = align(firstEdge + (long) (nodeCount + 1) * 4);
            completeBits = align(edgeTokens + (long) (nodeCount - 1) * 2);
            completeRank = align(completeBits + (long) words * 8);
            payloadStart = align(completeRank + (long) words * 4);
            payloadIds = align(payloadStart + (long) (completeCount + 1) * 4);
            total = align(payloadIds + (long) nameCount * 4);
        }

        private static int align(long offset) {
            long aligned = (offset + 7) & ~7L;
            if (aligned > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("name trie larger than 2 GiB");
            }
            return (int) aligned;
        }
    }

    /** The root node; its single edge is normally the verb token. */
    public int root() {
        return 0;
    }

    /** The token that ends a name (the tokenizer's end token); allowed wherever {@link #isComplete} holds. */
    public int endToken() {
        return endToken;
    }

    public int nodeCount() {
        return nodeCount;
    }

    /** Number of distinct token sequences (complete nodes). */
    public int sequenceCount() {
        return completeCount;
    }

    /** Number of (sequence, name id) pairs: several names may share one token sequence. */
    public int nameCount() {
        return nameCount;
    }

    /** Length in tokens of the longest stored sequence (the end token not counted). */
    public int maxDepth() {
        return maxDepth;
    }

    /** Bytes of the whole structure, as written and as held in memory. */
    public int sizeInBytes() {
        return blob.capacity();
    }

    /** The child of {@code node} along {@code token}, or -1. Binary search over the node's sorted edges. */
    public int child(int node, int token) {
        if (token < 0 || token > MAX_TOKEN) {
            return -1;
        }
        int lo = firstEdge.get(node);
        int hi = firstEdge.get(node + 1) - 1;
        char key = (char) token;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char t = edgeTokens.get(mid);
            if (t < key) {
                lo = mid + 1;
            } else if (t > key) {
                hi = mid - 1;
            } else {
                return mid + 1;
            }
        }
        return -1;
    }

    /** Follows {@code tokens} from {@code node}; -1 as soon as one is not a child. */
    public int walk(int node, int[] tokens) {
        int n = node;
        for (int i = 0; i < tokens.length && n >= 0; i++) {
            n = child(n, tokens[i]);
        }
        return n;
    }

    /** First edge of {@code node}; with {@link #edgeEnd}, iterates the allowed tokens without allocating. */
    public int edgeStart(int node) {
        return firstEdge.get(node);
    }

    public int edgeEnd(int node) {
        return firstEdge.get(node + 1);
    }

    public int edgeToken(int edge) {
        return edgeTokens.get(edge);
    }

    /** The node an edge leads to (breadth-first numbering makes this arithmetic). */
    public static int edgeChild(int edge) {
        return edge + 1;
    }

    /** Whether a name ends at {@code node}, i.e. the end token is allowed there. */
    public boolean isComplete(int node) {
        return (completeBits.get(node >>> 6) & (1L << node)) != 0;
    }

    /** The ids of the names whose sequence ends at {@code node} (ascending), empty if none. */
    public int[] nameIds(int node) {
        if (!isComplete(node)) {
            return new int[0];
        }
        int word = node >>> 6;
        long below = completeBits.get(word) & ((1L << node) - 1);
        int rank = completeRank.get(word) + Long.bitCount(below);
        int from = payloadStart.get(rank);
        int to = payloadStart.get(rank + 1);
        int[] ids = new int[to - from];
        payloadIds.get(from, ids);
        return ids;
    }

    /** The tokens allowed after {@code node}, ascending: its edges, plus the end token where a name ends. */
    public int[] allowedNext(int node) {
        int from = edgeStart(node);
        int to = edgeEnd(node);
        boolean complete = isComplete(node);
        int[] out = new int[to - from + (complete ? 1 : 0)];
        int k = 0;
        boolean endPlaced = !complete;
        for (int e = from; e < to; e++) {
            int t = edgeTokens.get(e);
            if (!endPlaced && endToken < t) {
                out[k++] = endToken;
                endPlaced = true;
            }
            out[k++] = t;
        }
        if (!endPlaced) {
            out[k] = endToken;
        }
        return out;
    }

    /** Writes the blob as is; {@link #read} and {@link #map} take it back. */
    public void write(OutputStream out) throws IOException {
        ByteBuffer b = blob.duplicate();
        b.clear();
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset(), b.capacity());
        } else {
            byte[] chunk = new byte[1 << 16];
            while (b.hasRemaining()) {
                int n = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    public void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out);
        }
    }

    /** Reads a blob written by {@link #write} into the heap (one read of its length). */
    public static NameTrie read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length < HEADER_BYTES) {
            throw new IOException("truncated name trie");
        }
        int total = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(28);
        if (total < HEADER_BYTES) {
            throw new IOException("corrupt name trie header");
        }
        byte[] all = Arrays.copyOf(header, total);
        int n = in.readNBytes(all, HEADER_BYTES, total - HEADER_BYTES);
        if (n != total - HEADER_BYTES) {
            throw new IOException("truncated name trie");
        }
        return wrap(ByteBuffer.wrap(all));
    }

    /** Maps a trie file read-only: nothing is copied onto the heap, pages load on first touch. */
    public static NameTrie map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return wrap(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
        }
    }

    /** Views an existing blob (heap or mapped) without copying; the buffer must not change afterwards. */
    public static NameTrie wrap(ByteBuffer blob) {
        return new NameTrie(blob.slice());
    }

    public static Builder builder(int endToken) {
        return new Builder(endToken);
    }

    /**
     * Collects (sequence, name id) pairs and lays the trie out once. Sorting the sequences first turns
     * each node into a range of consecutive sorted sequences, so the breadth-first layout is produced
     * directly, without an intermediate pointer trie.
     */
    public static final class Builder {
        private final int endToken;
        private int[][] sequences = new int[16][];
        private int[] ids = new int[16];
        private int size;
        private long totalTokens;

        private Builder(int endToken) {
            this.endToken = endToken;
        }

        /** Adds one name's token sequence (without the end token). */
        public Builder add(int[] tokens, int nameId) {
            for (int t : tokens) {
                if (t < 0 || t > MAX_TOKEN) {
                    throw new IllegalArgumentException("token " + t + " outside 0.." + MAX_TOKEN);
                }
                if (t == endToken) {
                    throw new IllegalArgumentException("the end token is implicit, do not add it");
                }
            }
            if (size == sequences.length) {
                sequences = Arrays.copyOf(sequences, size * 2);
                ids = Arrays.copyOf(ids, size * 2);
            }
            sequences[size] = tokens.clone();
            ids[size] = nameId;
            size++;
            totalTokens += tokens.length;
            return this;
        }

        public NameTrie build() {
            if (totalTokens + 1 > Integer.MAX_VALUE / 4) {
                throw new IllegalArgumentException("too many tokens for one trie");
            }
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Arrays.compare(sequences[a], sequences[b]);
                return c != 0 ? c : Integer.compare(ids[a], ids[b]);
            });
            int[][] seq = new int[size][];
            int[] id = new int[size];
            for (int i = 0; i < size; i++) {
                seq[i] = sequences[order[i]];
                id[i] = ids[order[i]];
            }
            order = null;

            // Breadth-first over ranges of the sorted sequences: node n covers [lo[n], hi[n]) at depth[n].
            int capacity = (int) totalTokens + 1;
            int[] lo = new int[capacity];
            int[] hi = new int[capacity];
            int[] depth = new int[capacity];
            int[] firstEdge = new int[capacity + 1];
            char[] edgeTokens = new char[capacity];
            long[] complete = new long[(capacity + 63) >>> 6];
            IntList payloadStart = new IntList();
            IntList payloadIds = new IntList();
            int nodes = 1;
            lo[0] = 0;
            hi[0] = size;
            int maxDepth = 0;
            for (int n = 0; n < nodes; n++) {
                firstEdge[n] = nodes - 1;
                int d = depth[n];
                int i = lo[n];
                int end = hi[n];
                if (i < end && seq[i].length == d) {
                    complete[n >>> 6] |= 1L << n;
                    payloadStart.add(payloadIds.size());
                    maxDepth = Math.max(maxDepth, d);
                    int last = Integer.MIN_VALUE;
                    for (; i < end && seq[i].length == d; i++) {
                        if (id[i] != last) { // same name id twice: keep one
                            payloadIds.add(id[i]);
                            last = id[i];
                        }
                    }
                }
                while (i < end) {
                    int token = seq[i][d];
                    int j = i + 1;
                    while (j < end && seq[j][d] == token) {
                        j++;
                    }
                    edgeTokens[nodes - 1] = (char) token;
                    lo[nodes] = i;
                    hi[nodes] = j;
                    depth[nodes] = d + 1;
                    nodes++;
                    i = j;
                }
            }
            firstEdge[nodes] = nodes - 1;
            payloadStart.add(payloadIds.size());
            return layout(nodes, firstEdge, edgeTokens, complete, payloadStart, payloadIds, maxDepth);
        }

        private NameTrie layout(int nodes, int[] firstEdge, char[] edgeTokens, long[] complete,
                IntList payloadStart, IntList payloadIds, int maxDepth) {
            int completeCount = payloadStart.size() - 1;
            Sections s = new Sections(nodes, completeCount, payloadIds.size());
            ByteBuffer b = ByteBuffer.allocate(s.total).order(ByteOrder.LITTLE_ENDIAN);
            b.put(0, MAGIC);
            b.putInt(8, endToken);
            b.putInt(12, nodes);
            b.putInt(16, completeCount);
            b.putInt(20, payloadIds.size());
            b.putInt(24, maxDepth);
            b.putInt(28, s.total);
            slice(b, s.firstEdge, (nodes + 1) * 4).asIntBuffer().put(firstEdge, 0, nodes + 1);
            slice(b, s.edgeTokens, (nodes - 1) * 2).asCharBuffer().put(edgeTokens, 0, nodes - 1);
            slice(b, s.completeBits, s.words * 8).asLongBuffer().put(complete, 0, s.words);
            IntBuffer rank = slice(b, s.completeRank, s.words * 4).asIntBuffer();
            int running = 0;
            for (int w = 0; w < s.words; w++) {
                rank.put(w, running);
                running += Long.bitCount(complete[w]);
            }
            slice(b, s.payloadStart, (completeCount + 1) * 4).asIntBuffer().put(payloadStart.toArray());
            slice(b, s.payloadIds, payloadIds.size() * 4).asIntBuffer().put(payloadIds.toArray());
            return new NameTrie(b);
        }
    }

    /** A growable int array: the builder's lists of unknown length, without boxing. */
    private static final class IntList {
        private int[] values = new int[64];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
