package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Approximate search through an HNSW graph over the index's own rows: close to exact, stored with the index. */
class DenseGraphTest {
    static final int DIM = 32;

    /** Unit vectors in clusters (as names of one concept are), some clusters close to others. */
    static List<float[]> clustered(int clusters, int perCluster, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> out = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            float[] centre = unit(random, null, 0);
            for (int i = 0; i < perCluster; i++) {
                out.add(unit(random, centre, 0.35));
            }
        }
        return out;
    }

    static float[] unit(SplittableRandom random, float[] around, double spread) {
        float[] v = new float[DIM];
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) ((around == null ? 0 : around[d]) + (around == null ? 1 : spread) * random.nextGaussian());
            norm += v[d] * v[d];
        }
        for (int d = 0; d < DIM; d++) {
            v[d] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void aGraphSearchFindsNearlyWhatTheExactScanFindsAndEachStoredRowItself() {
        List<float[]> rows = clustered(400, 10, 1);
        for (DenseIndex.Storage storage : DenseIndex.Storage.values()) {
            DenseIndex exact = DenseIndex.of(storage, DIM, rows);
            List<Integer> reported = new ArrayList<>();
            DenseIndex graph = exact.withGraph(DenseGraph.MAX_CONN, DenseGraph.BEAM_WIDTH, DenseGraph.EF_SEARCH, 42, 1, reported::add);
            assertThat(reported).as("progress every 10,000 rows: none below that").isEmpty();
            assertThat(graph.graph().size()).isEqualTo(rows.size());

            float[][] queries = clustered(400, 1, 2).stream().limit(200).toArray(float[][]::new);
            DenseIndex.Hits[] approximate = graph.search(queries, 10);
            DenseIndex.Hits[] truth = graph.searchExact(queries, 10);
            assertThat(truth).usingRecursiveFieldByFieldElementComparator().isEqualTo(exact.search(queries, 10));
            int found = 0;
            for (int q = 0; q < queries.length; q++) {
                assertThat(approximate[q].size()).isEqualTo(10);
                for (int i = 0; i < 10; i++) {
                    int row = approximate[q].rows()[i];
                    assertThat(approximate[q].scores()[i]).as("scores are the index's own inner products")
                            .isEqualTo(graph.score(queries[q], row));
                    if (i > 0) {
                        assertThat(approximate[q].scores()[i]).isLessThanOrEqualTo(approximate[q].scores()[i - 1]);
                    }
                }
                int[] truthRows = truth[q].rows();
                found += (int) Arrays.stream(approximate[q].rows()).filter(r -> Arrays.stream(truthRows).anyMatch(t -> t == r)).count();
            }
            assertThat(found / (10.0 * queries.length)).as(storage + ": recall@10 against the exact scan").isGreaterThan(0.95);

            int self = 0;
            for (int r = 0; r < rows.size(); r += 7) {
                self += graph.search(new float[][] {graph.vector(r)}, 1)[0].rows()[0] == r ? 1 : 0;
            }
            assertThat(self).as("a stored row is its own nearest neighbour").isGreaterThanOrEqualTo((rows.size() + 6) / 7 - 2);
        }
    }

    @Test
    void aGraphBuiltByThreeThreadsFindsWhatTheExactScanFinds() {
        List<float[]> rows = clustered(400, 10, 1);
        DenseIndex exact = DenseIndex.of(DenseIndex.Storage.FLOAT16, DIM, rows);
        DenseIndex graph = exact.withGraph(DenseGraph.MAX_CONN, DenseGraph.BEAM_WIDTH, DenseGraph.EF_SEARCH, 42, 3, n -> { });
        assertThat(graph.graph().size()).as("every row inserted").isEqualTo(rows.size());
        float[][] queries = clustered(400, 1, 2).stream().limit(200).toArray(float[][]::new);
        DenseIndex.Hits[] approximate = graph.search(queries, 10);
        DenseIndex.Hits[] truth = exact.search(queries, 10);
        int found = 0;
        for (int q = 0; q < queries.length; q++) {
            int[] truthRows = truth[q].rows();
            found += (int) Arrays.stream(approximate[q].rows()).filter(r -> Arrays.stream(truthRows).anyMatch(t -> t == r)).count();
        }
        assertThat(found / (10.0 * queries.length)).as("recall@10 against the exact scan").isGreaterThan(0.95);
        int self = 0;
        for (int r = 0; r < rows.size(); r += 7) {
            self += graph.search(new float[][] {graph.vector(r)}, 1)[0].rows()[0] == r ? 1 : 0;
        }
        assertThat(self).as("a stored row is its own nearest neighbour").isGreaterThanOrEqualTo((rows.size() + 6) / 7 - 2);
        assertThatThrownBy(() -> exact.withGraph(8, 50, 64, 7, 0, n -> { })).hasMessageContaining("a thread");
    }

    @Test
    void theGraphIsStoredWithTheIndexBuiltReproduciblyAndAnIndexWithoutOneIsWrittenAsBefore() throws IOException {
        List<float[]> rows = clustered(100, 8, 3);
        DenseIndex plain = DenseIndex.of(DenseIndex.Storage.INT8, DIM, rows);
        DenseIndex graph = plain.withGraph(8, 50, 64, 7, 1, n -> { });
        byte[] written = bytes(graph);
        assertThat(bytes(plain.withGraph(8, 50, 64, 7, 1, n -> { }))).as("the same rows and seed give the same graph").isEqualTo(written);
        assertThat(written.length - bytes(plain).length).isEqualTo(graph.graph().bytes() + 4L * (4 + 3 * graph.graph().levels() - 1));

        DenseIndex read = DenseIndex.read(new ByteArrayInputStream(written), "dense.bin");
        assertThat(read.graph()).isNotNull();
        assertThat(read.graph().efSearch()).isEqualTo(64);
        float[][] queries = clustered(50, 1, 4).toArray(float[][]::new);
        assertThat(read.search(queries, 5)).usingRecursiveFieldByFieldElementComparator().isEqualTo(graph.search(queries, 5));
        // an index without a graph stays version 1, readable by the builds before graphs existed
        assertThat(Arrays.copyOfRange(bytes(plain), 4, 8)).containsExactly(0, 0, 0, 1);
        assertThat(DenseIndex.read(new ByteArrayInputStream(bytes(plain)), "dense.bin").graph()).isNull();

        byte[] truncated = Arrays.copyOf(written, written.length - 6);
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(truncated), "dense.bin"))
                .isInstanceOf(IOException.class).hasMessageContaining("dense.bin");
    }

    private static byte[] bytes(DenseIndex index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.write(out);
        return out.toByteArray();
    }
}
