package io.syncabel.runtime.link;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code bench/dense-retriever/index} harness: size and query latency of the flat {@link DenseIndex} under both
 * storages, at the MEDIC name count and at 1M names, over random unit vectors (what an encoder gives does not change
 * the cost of an exact scan). A plain main rather than JMH (not on this build's class path): one warm-up query, then
 * the median of timed ones, in this thread's CPU time (the machine is shared; wall time would count the others).
 * {@code query_ms} is one query alone; {@code batch_query_ms} is a query's share of a batch of 32 (each block of
 * stored vectors decoded once for the batch), what linking a corpus pays; both on one thread. {@code threads} and
 * {@code threaded_query_ms}: one query as {@link DenseIndex#search} runs it, its rows split across the machine's
 * cores, in wall time (median), what a served request waits.
 */
public final class DenseIndexBenchmark {

    private DenseIndexBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path medic = Path.of("../shared/data/ncbi-disease/medic_06Jul2012.txt");
        int large = 1_000_000;
        int dimension = 384;
        int queries = 9;
        boolean graph = false;
        int graphThreads = 1;
        Path like = null;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--graph")) {
                graph = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--medic" -> medic = Path.of(args[i + 1]);
                case "--names" -> large = Integer.parseInt(args[i + 1]);
                case "--dim" -> dimension = Integer.parseInt(args[i + 1]);
                case "--queries" -> queries = Integer.parseInt(args[i + 1]);
                case "--like" -> like = Path.of(args[i + 1]);
                case "--graph-threads" -> graphThreads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (like != null) {
            // real embeddings (a retriever's dense.bin), replicated with noise up to --names: graph figures only
            DenseIndex real;
            try (var in = Files.newInputStream(like)) {
                real = DenseRetriever.read(in, null, like.toString()).index();
            }
            measureGraph(large, dimension, queries, graphThreads, nearCopies(real, large, 0.02f, 1), nearCopies(real, queries + 1, 0.02f, 2),
                    "like=" + like.getFileName());
            return;
        }
        // --medic none: the large size only
        int[] sizes = medic.toString().equals("none") ? new int[] {large}
                : new int[] {Files.exists(medic) ? TrieBenchmark.medicNames(medic).size() : 75_635, large};
        for (int names : sizes) {
            for (DenseIndex.Storage storage : DenseIndex.Storage.values()) {
                measure(names, dimension, storage, queries);
            }
            if (graph) {
                measureGraph(names, dimension, queries, graphThreads);
            }
        }
    }

    static void measure(int names, int dimension, DenseIndex.Storage storage, int queries) throws IOException {
        long t0 = System.nanoTime();
        DenseIndex index = DenseIndex.of(storage, dimension, randomUnitVectors(names, dimension, 1));
        double buildS = (System.nanoTime() - t0) / 1e9;
        long[] fileBytes = {0};
        index.write(new OutputStream() {
            @Override
            public void write(int b) {
                fileBytes[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                fileBytes[0] += len;
            }
        });
        List<float[]> qs = randomUnitVectors(queries + 1, dimension, 2);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        index.search(new float[][] {qs.get(0)}, 10, 1); // warm-up
        double[] single = new double[queries];
        for (int q = 0; q < queries; q++) {
            long c0 = threads.getCurrentThreadCpuTime();
            index.search(new float[][] {qs.get(q + 1)}, 10, 1);
            single[q] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(single);
        index.search(new float[][] {qs.get(0)}, 10); // warm-up of the pool
        double[] threaded = new double[queries];
        for (int q = 0; q < queries; q++) {
            long t1 = System.nanoTime();
            index.search(new float[][] {qs.get(q + 1)}, 10);
            threaded[q] = (System.nanoTime() - t1) / 1e6;
        }
        Arrays.sort(threaded);
        float[][] batch = randomUnitVectors(32, dimension, 3).toArray(float[][]::new);
        double[] batched = new double[3];
        for (int r = 0; r < batched.length; r++) {
            long c0 = threads.getCurrentThreadCpuTime();
            index.search(batch, 10, 1);
            batched[r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6 / batch.length;
        }
        Arrays.sort(batched);
        System.out.printf(Locale.ROOT, "names=%d dim=%d storage=%s bytes_per_name=%.1f file_mb=%.1f build_s=%.1f query_ms=%.1f batch_query_ms=%.1f"
                + " threads=%d threaded_query_ms=%.1f%n",
                names, dimension, storage.name().toLowerCase(Locale.ROOT), (double) fileBytes[0] / names, fileBytes[0] / 1e6, buildS,
                single[single.length / 2], batched[batched.length / 2], Runtime.getRuntime().availableProcessors(),
                threaded[threaded.length / 2]);
    }

    /**
     * The float16 index with an HNSW graph ({@link DenseIndex#withGraph}, Lucene's defaults): graph build time, bytes a
     * name (vector and graph), one query's CPU time on one thread (median), and recall@10 against the exact scan over
     * the timed queries. Uniform random vectors have no neighbourhood structure, the hardest case for a graph: real
     * embeddings are measured with `syncabel dense evaluate` (docs/benchmarks.md).
     */
    static void measureGraph(int names, int dimension, int queries, int graphThreads) {
        measureGraph(names, dimension, queries, graphThreads, randomUnitVectors(names, dimension, 1), randomUnitVectors(queries + 1, dimension, 2),
                "vectors=random");
    }

    static void measureGraph(int names, int dimension, int queries, int graphThreads, List<float[]> vectors, List<float[]> qs,
            String source) {
        DenseIndex flat = DenseIndex.of(DenseIndex.Storage.FLOAT16, dimension, vectors);
        long t0 = System.nanoTime();
        DenseIndex index = flat.withGraph(DenseGraph.MAX_CONN, DenseGraph.BEAM_WIDTH, DenseGraph.EF_SEARCH, 42, graphThreads, n -> {
            if (n % 100_000 == 0) {
                System.err.printf(Locale.ROOT, "graph: %,d/%,d rows (%.0f s)%n", n, names, (System.nanoTime() - t0) / 1e9);
            }
        });
        double buildS = (System.nanoTime() - t0) / 1e9;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        index.search(new float[][] {qs.get(0)}, 10); // warm-up
        double[] single = new double[queries];
        int found = 0;
        for (int q = 0; q < queries; q++) {
            float[][] query = {qs.get(q + 1)};
            long c0 = threads.getCurrentThreadCpuTime();
            DenseIndex.Hits hits = index.graph().search(index, query[0], 10, DenseGraph.EF_SEARCH);
            single[q] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            int[] truth = index.searchExact(query, 10)[0].rows();
            for (int r : hits.rows()) {
                found += Arrays.stream(truth).anyMatch(t -> t == r) ? 1 : 0;
            }
        }
        Arrays.sort(single);
        double[] exact = new double[queries];
        for (int q = 0; q < queries; q++) {
            long c0 = threads.getCurrentThreadCpuTime();
            index.search(new float[][] {qs.get(q + 1)}, 10, 1);
            exact[q] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(exact);
        System.out.printf(Locale.ROOT, "names=%d dim=%d %s storage=float16 index=hnsw m=%d ef_construction=%d ef_search=%d "
                + "graph_threads=%d bytes_per_name=%.1f graph_build_s=%.1f query_ms=%.2f exact_query_ms=%.2f recall_at_10=%.3f%n",
                names, dimension, source, DenseGraph.MAX_CONN, DenseGraph.BEAM_WIDTH, DenseGraph.EF_SEARCH, graphThreads,
                index.bytesPerVector() + (double) index.graph().bytes() / names, buildS, single[single.length / 2],
                exact[exact.length / 2], found / (10.0 * queries));
    }

    /**
     * n unit vectors near {@code real}'s rows, generated on access: row i is real row i mod size plus Gaussian noise of
     * {@code sigma} a dimension (0.02 at dimension 384: cosine ~0.93 to its source), renormalised; the first copies of
     * seed 1 are the real rows themselves. A KB of n names with the neighbourhood structure of real embeddings.
     */
    static List<float[]> nearCopies(DenseIndex real, int n, float sigma, long seed) {
        int size = real.size();
        return new AbstractList<>() {
            @Override
            public float[] get(int i) {
                float[] v = real.vector(seed == 1 ? i % size : new SplittableRandom(seed * 7_919L + i).nextInt(size));
                if (seed == 1 && i < size) {
                    return v;
                }
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
                double norm = 0;
                for (int d = 0; d < v.length; d++) {
                    v[d] += (float) (sigma * random.nextGaussian());
                    norm += v[d] * v[d];
                }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int d = 0; d < v.length; d++) {
                    v[d] *= inv;
                }
                return v;
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    /** n pseudo-random unit vectors, generated on access (1M x 384 floats would need 1.5 GB at once). */
    static List<float[]> randomUnitVectors(int n, int dimension, long seed) {
        return new AbstractList<>() {
            @Override
            public float[] get(int i) {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
                float[] v = new float[dimension];
                double norm = 0;
                for (int d = 0; d < dimension; d++) {
                    v[d] = (float) (random.nextDouble() * 2 - 1);
                    norm += v[d] * v[d];
                }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int d = 0; d < dimension; d++) {
                    v[d] *= inv;
                }
                return v;
            }

            @Override
            public int size() {
                return n;
            }
        };
    }
}
