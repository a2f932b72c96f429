package io.syncabel.runtime.link;

import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense retrieval of concepts: every KB name embedded once by an {@link Embedder} (a SapBERT-style encoder) into a
 * {@link DenseIndex}; a mention is embedded the same way and its nearest names, aggregated to the best cosine per
 * concept, are its candidates. The rows are the KB's own dictionary ({@link KnowledgeBase#dictionaries()}: group,
 * name, codes), in the order the TF-IDF linker indexes it, so both retrievers speak of the same names and codes.
 * Saved with its rows ({@link #write}) so a model artifact carries it without re-embedding the KB at load.
 */
public final class DenseRetriever {
    static final int MAGIC = 0x53594e52; // "SYNR"
    static final int VERSION = 1;
    /** Texts embedded per call when indexing the KB. */
    static final int BATCH = 256;

    /** One indexed name: its group, text and codes (several where titles collide). */
    public record Row(String group, String name, List<String> codes) {
    }

    private final Embedder embedder;
    private final List<Row> rows;
    private final DenseIndex index;
    private final Map<String, List<Integer>> rowsByCode = new HashMap<>();
    /** Vectors of the names given to {@link #over}, shared by every retriever made from one: each embedded once. */
    private final Map<String, float[]> namedVectors;

    DenseRetriever(Embedder embedder, List<Row> rows, DenseIndex index) {
        this(embedder, rows, index, new java.util.concurrent.ConcurrentHashMap<>());
    }

    private DenseRetriever(Embedder embedder, List<Row> rows, DenseIndex index, Map<String, float[]> namedVectors) {
        if (index.size() != rows.size()) {
            throw new IllegalArgumentException("a dense index of " + index.size() + " vectors for " + rows.size() + " names");
        }
        if (embedder != null && embedder.dimension() != index.dimension()) {
            throw new IllegalArgumentException("the encoder gives vectors of dimension " + embedder.dimension()
                    + ", the dense index holds dimension " + index.dimension() + " (made by another encoder?)");
        }
        this.embedder = embedder;
        this.rows = List.copyOf(rows);
        this.index = index;
        this.namedVectors = namedVectors;
        for (int r = 0; r < rows.size(); r++) {
            for (String code : rows.get(r).codes()) {
                rowsByCode.computeIfAbsent(code, c -> new ArrayList<>()).add(r);
            }
        }
    }

    /** Embeds every name of the KB's dictionary and indexes them with the given storage. */
    public static DenseRetriever build(Embedder embedder, KnowledgeBase kb, DenseIndex.Storage storage) {
        List<Row> rows = new ArrayList<>();
        kb.dictionaries().forEach((group, names) -> names.forEach((name, codes) -> rows.add(new Row(group, name, List.copyOf(codes)))));
        List<float[]> vectors = new ArrayList<>(rows.size());
        for (int at = 0; at < rows.size(); at += BATCH) {
            List<String> texts = rows.subList(at, Math.min(rows.size(), at + BATCH)).stream().map(Row::name).toList();
            for (float[] v : embedder.embed(texts)) {
                vectors.add(v);
            }
        }
        return new DenseRetriever(embedder, rows, DenseIndex.of(storage, embedder.dimension(), vectors));
    }

    /**
     * A retriever with this one's encoder over other names (the training mentions, which BioSyn's dictionary holds
     * beside the KB's). A text is embedded once for every retriever made from the same one, so per-fold dictionaries
     * cost only their index.
     */
    public DenseRetriever over(List<Row> names) {
        namedVectors.putAll(embedAll(names.stream().map(Row::name).distinct().filter(t -> !namedVectors.containsKey(t)).toList()));
        DenseIndex other = DenseIndex.of(index.storage(), index.dimension(), names.stream().map(r -> namedVectors.get(r.name())).toList());
        return new DenseRetriever(embedder, names, other, namedVectors);
    }

    /**
     * The same retriever searching through an HNSW graph over its names ({@link DenseIndex#withGraph}, Lucene's
     * defaults), each search visiting at least {@code efSearch} candidates: approximate, sub-linear, for KBs of
     * millions of names, built by {@code threads} threads (1: the same names give the same graph). {@code progress}:
     * rows inserted, every 10,000.
     */
    public DenseRetriever withGraph(int efSearch, long seed, int threads, java.util.function.IntConsumer progress) {
        return new DenseRetriever(embedder, rows, index.withGraph(DenseGraph.MAX_CONN, DenseGraph.BEAM_WIDTH, efSearch, seed,
                threads, progress), namedVectors);
    }

    /** The same retriever scanning every name exactly (its graph, if any, dropped). */
    public DenseRetriever withoutGraph() {
        return index.graph() == null ? this : new DenseRetriever(embedder, rows, index.withoutGraph(), namedVectors);
    }

    public List<Row> rows() {
        return rows;
    }

    public DenseIndex index() {
        return index;
    }

    /** Query embeddings, one per text, for {@link #topK(float[][], String, int)} and {@link #cosine}. */
    public float[][] embed(List<String> texts) {
        if (embedder == null) {
            throw new IllegalStateException("this dense retriever was read without an encoder: it cannot embed mentions");
        }
        return embedder.embed(texts);
    }

    /** Each distinct text's embedding, embedded {@link #BATCH} texts a call. */
    public Map<String, float[]> embedAll(List<String> texts) {
        Map<String, float[]> out = new HashMap<>();
        List<String> distinct = texts.stream().distinct().toList();
        for (int at = 0; at < distinct.size(); at += BATCH) {
            List<String> batch = distinct.subList(at, Math.min(distinct.size(), at + BATCH));
            float[][] vectors = embed(batch);
            for (int j = 0; j < batch.size(); j++) {
                out.put(batch.get(j), vectors[j]);
            }
        }
        return out;
    }

    /** The k concepts whose best name is nearest each mention, within {@code group} (null: all groups), best first. */
    public List<List<TfIdfLinker.Candidate>> topK(List<String> mentions, String group, int k) {
        return topK(embed(mentions), group, k);
    }

    /**
     * As above for embedded mentions: names are searched in growing numbers (4k, then more) until k distinct concepts
     * of the group are found or the index is exhausted; ties by code, as the TF-IDF linker breaks them.
     */
    public List<List<TfIdfLinker.Candidate>> topK(float[][] queries, String group, int k) {
        List<List<TfIdfLinker.Candidate>> out = new ArrayList<>(queries.length);
        for (int q = 0; q < queries.length; q++) {
            out.add(null);
        }
        List<Integer> pending = new ArrayList<>();
        for (int q = 0; q < queries.length; q++) {
            pending.add(q);
        }
        for (int names = Math.max(4 * k, 16); !pending.isEmpty(); names *= 4) {
            float[][] batch = pending.stream().map(q -> queries[q]).toArray(float[][]::new);
            DenseIndex.Hits[] hits = index.search(batch, names);
            List<Integer> short_ = new ArrayList<>();
            for (int j = 0; j < batch.length; j++) {
                List<TfIdfLinker.Candidate> found = concepts(hits[j], group, k);
                if (found.size() < k && hits[j].size() == names && names < index.size()) {
                    short_.add(pending.get(j)); // too few concepts among this many names: search more
                } else {
                    out.set(pending.get(j), found);
                }
            }
            pending = short_;
        }
        return out;
    }

    private List<TfIdfLinker.Candidate> concepts(DenseIndex.Hits hits, String group, int k) {
        Map<String, TfIdfLinker.Candidate> best = new LinkedHashMap<>();
        for (int i = 0; i < hits.size(); i++) {
            Row row = rows.get(hits.rows()[i]);
            if (group != null && !row.group().equals(group)) {
                continue;
            }
            for (String code : row.codes()) {
                best.putIfAbsent(code, new TfIdfLinker.Candidate(code, row.name(), row.group(), hits.scores()[i]));
            }
        }
        return best.values().stream()
                .sorted(java.util.Comparator.comparingDouble(TfIdfLinker.Candidate::score).reversed()
                        .thenComparing(TfIdfLinker.Candidate::code))
                .limit(k).toList();
    }

    /** The best cosine between an embedded mention and any name of the concept (0 for a code with no name here). */
    public double cosine(float[] query, String code) {
        double best = 0;
        boolean any = false;
        for (int r : rowsByCode.getOrDefault(code, List.of())) {
            double s = index.score(query, r);
            best = any ? Math.max(best, s) : s;
            any = true;
        }
        return best;
    }

    /** Writes the rows, then the index: header (magic "SYNR", version, row count), per row group, name and codes. */
    public void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(rows.size());
        for (Row row : rows) {
            data.writeUTF(row.group());
            data.writeUTF(row.name());
            data.writeShort(row.codes().size());
            for (String code : row.codes()) {
                data.writeUTF(code);
            }
        }
        data.flush();
        index.write(data);
        data.flush();
    }

    /**
     * Reads a retriever written by {@link #write}, to embed mentions with {@code embedder} (null: searches by
     * vector only); {@code where} names the file in errors.
     */
    public static DenseRetriever read(InputStream in, Embedder embedder, String where) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        List<Row> rows;
        try {
            int magic = data.readInt();
            if (magic != MAGIC) {
                throw new IOException(where + ": not a dense retriever (magic " + Integer.toHexString(magic) + ")");
            }
            int version = data.readInt();
            if (version != VERSION) {
                throw new IOException(where + ": dense retriever version " + version + ", this build reads " + VERSION);
            }
            int n = data.readInt();
            if (n < 0) {
                throw new IOException(where + ": corrupt dense retriever header (" + n + " names)");
            }
            rows = new ArrayList<>(Math.min(n, 1 << 20));
            for (int i = 0; i < n; i++) {
                String group = data.readUTF();
                String name = data.readUTF();
                int codes = data.readUnsignedShort();
                List<String> list = new ArrayList<>(codes);
                for (int c = 0; c < codes; c++) {
                    list.add(data.readUTF());
                }
                rows.add(new Row(group, name, List.copyOf(list)));
            }
        } catch (EOFException e) {
            throw new IOException(where + ": truncated dense retriever (in its name table)", e);
        }
        DenseIndex index = DenseIndex.read(data, where);
        if (index.size() != rows.size()) {
            throw new IOException(where + ": the dense index holds " + index.size() + " vectors for " + rows.size() + " names");
        }
        try {
            return new DenseRetriever(embedder, rows, index);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }
}
