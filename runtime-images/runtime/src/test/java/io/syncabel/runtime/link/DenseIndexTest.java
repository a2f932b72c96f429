package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The flat dense index: exact top-k under both storages, its file, and its errors. */
class DenseIndexTest {
    static final int DIM = 48;

    static float[] unit(Random random, int dim) {
        float[] v = new float[dim];
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
            norm += v[d] * v[d];
        }
        for (int d = 0; d < dim; d++) {
            v[d] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    static List<float[]> vectors(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(unit(random, DIM));
        }
        return out;
    }

    /** Exact float32 top k, ties by row. */
    static int[] bruteForce(List<float[]> stored, float[] q, int k) {
        Integer[] rows = new Integer[stored.size()];
        double[] s = new double[stored.size()];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = r;
            for (int d = 0; d < DIM; d++) {
                s[r] += q[d] * stored.get(r)[d];
            }
        }
        Arrays.sort(rows, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
        return Arrays.stream(rows).limit(k).mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest
    @EnumSource(DenseIndex.Storage.class)
    void searchFindsTheNearestStoredVectorsAsFloat32Would(DenseIndex.Storage storage) {
        List<float[]> stored = vectors(1000, 1); // several blocks, the last one partial
        DenseIndex index = DenseIndex.of(storage, DIM, stored);
        Random random = new Random(2);
        float[][] queries = new float[20][];
        int[] targets = new int[queries.length];
        for (int q = 0; q < queries.length; q++) {
            // a noisy copy of a stored vector: its nearest row is known with a clear margin
            targets[q] = random.nextInt(stored.size());
            float[] noise = unit(random, DIM);
            float[] v = stored.get(targets[q]).clone();
            for (int d = 0; d < DIM; d++) {
                v[d] += 0.3f * noise[d];
            }
            queries[q] = v;
        }
        DenseIndex.Hits[] hits = index.search(queries, 5);
        for (int q = 0; q < queries.length; q++) {
            assertThat(hits[q].rows()[0]).isEqualTo(targets[q]);
            assertThat(hits[q].size()).isEqualTo(5);
            int[] exact = bruteForce(stored, queries[q], 5);
            double tolerance = storage == DenseIndex.Storage.FLOAT16 ? 2e-3 : 2e-2;
            for (int i = 0; i < 5; i++) {
                double s = 0;
                for (int d = 0; d < DIM; d++) {
                    s += queries[q][d] * stored.get(exact[i])[d];
                }
                assertThat((double) hits[q].scores()[i]).as("the i-th best score").isCloseTo(s, within(tolerance));
                if (i > 0) {
                    assertThat(hits[q].scores()[i]).isLessThanOrEqualTo(hits[q].scores()[i - 1]);
                }
            }
        }
        assertThat(index.bytesPerVector()).isEqualTo(storage == DenseIndex.Storage.FLOAT16 ? 2 * DIM : DIM + 4);
    }

    @ParameterizedTest
    @EnumSource(DenseIndex.Storage.class)
    void aLoneQueryABatchAndScoreGiveTheSameBits(DenseIndex.Storage storage) {
        int dim = 37; // not a multiple of the kernel's eight partial sums
        Random random = new Random(3);
        List<float[]> stored = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            stored.add(unit(random, dim));
        }
        DenseIndex index = DenseIndex.of(storage, dim, stored);
        float[][] queries = {unit(random, dim), unit(random, dim), unit(random, dim)};
        DenseIndex.Hits[] batch = index.search(queries, 7);
        for (int q = 0; q < queries.length; q++) {
            DenseIndex.Hits alone = index.search(new float[][] {queries[q]}, 7)[0];
            assertThat(alone.rows()).isEqualTo(batch[q].rows());
            assertThat(alone.scores()).isEqualTo(batch[q].scores());
            for (int i = 0; i < 7; i++) {
                int row = alone.rows()[i];
                assertThat(index.score(queries[q], row)).isEqualTo(alone.scores()[i]);
                double exact = 0;
                float[] v = index.vector(row);
                for (int d = 0; d < dim; d++) {
                    exact += (double) queries[q][d] * v[d];
                }
                assertThat((double) alone.scores()[i]).isCloseTo(exact, within(1e-5));
            }
        }
    }

    @Test
    void kIsCappedByTheIndexAndTiesGoToTheLowerRow() {
        float[] a = {1, 0};
        float[] b = {0, 1};
        DenseIndex index = DenseIndex.of(DenseIndex.Storage.FLOAT16, 2, List.of(b, a, a, b));
        DenseIndex.Hits hits = index.search(new float[][] {{1, 0}}, 10)[0];
        assertThat(hits.rows()).containsExactly(1, 2, 0, 3);
        assertThat(index.search(new float[][] {{1, 0}}, 0)[0].size()).isZero();
        assertThatThrownBy(() -> index.search(new float[][] {{1, 0, 0}}, 1)).hasMessageContaining("dimension 3");
        assertThatThrownBy(() -> DenseIndex.of(DenseIndex.Storage.INT8, 2, List.of(new float[3])))
                .hasMessageContaining("vector 0 has dimension 3");
    }

    @ParameterizedTest
    @EnumSource(DenseIndex.Storage.class)
    void aSearchSplitAcrossThreadsAnswersExactlyAsOneThreadsScan(DenseIndex.Storage storage) {
        // 3.5 ranges' worth of rows from only 50 distinct vectors: every score is tied many times over, across ranges
        Random random = new Random(5);
        List<float[]> distinct = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            distinct.add(new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()});
        }
        List<float[]> vectors = new ArrayList<>();
        int rows = DenseIndex.ROWS_PER_RANGE * 7 / 2;
        for (int i = 0; i < rows; i++) {
            vectors.add(distinct.get(random.nextInt(distinct.size())));
        }
        DenseIndex index = DenseIndex.of(storage, 3, vectors);
        float[][] queries = {distinct.get(0), distinct.get(7), {1, 0, 0}};
        DenseIndex.Hits[] one = index.search(queries, 25, 1);
        for (int threads : new int[] {2, 3, 8}) {
            DenseIndex.Hits[] split = index.search(queries, 25, threads);
            for (int q = 0; q < queries.length; q++) {
                assertThat(split[q].rows()).as(threads + " threads, query " + q).containsExactly(one[q].rows());
                assertThat(split[q].scores()).containsExactly(one[q].scores());
            }
        }
        // ties go to the lower row across ranges too: the best rows of the first query are its copies, in row order
        int[] best = one[0].rows();
        for (int i = 1; i < best.length; i++) {
            assertThat(one[0].scores()[i]).isLessThanOrEqualTo(one[0].scores()[i - 1]);
            if (one[0].scores()[i] == one[0].scores()[i - 1]) {
                assertThat(best[i]).isGreaterThan(best[i - 1]);
            }
        }
        assertThat(index.search(queries, rows + 10, 4)[2].size()).isEqualTo(rows);
    }

    @Test
    void halfFloatsRoundToNearest() {
        for (float f : new float[] {0f, 1f, -2.5f, 65504f, 0.1f, -0.3333f, 6e-8f, 1e-5f}) {
            float back = DenseIndex.halfToFloat(DenseIndex.toHalf(f));
            assertThat((double) back).as("%s", f).isCloseTo(f, within(Math.max(Math.abs(f) * 1e-3, 6e-8)));
        }
        assertThat(DenseIndex.halfToFloat(DenseIndex.toHalf(1f))).isEqualTo(1f);
        assertThat(DenseIndex.halfToFloat(DenseIndex.toHalf(1e6f))).isInfinite();
    }

    @ParameterizedTest
    @EnumSource(DenseIndex.Storage.class)
    void anIndexIsWrittenAndReadBack(DenseIndex.Storage storage) throws IOException {
        List<float[]> stored = vectors(300, 3);
        DenseIndex index = DenseIndex.of(storage, DIM, stored);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.write(out);
        assertThat(out.size()).isEqualTo(17 + 300 * index.bytesPerVector());
        DenseIndex read = DenseIndex.read(new ByteArrayInputStream(out.toByteArray()), "names.idx");
        assertThat(read.storage()).isEqualTo(storage);
        assertThat(read.size()).isEqualTo(300);
        float[][] queries = {stored.get(7), stored.get(250)};
        DenseIndex.Hits[] before = index.search(queries, 4);
        DenseIndex.Hits[] after = read.search(queries, 4);
        for (int q = 0; q < queries.length; q++) {
            assertThat(after[q].rows()).containsExactly(before[q].rows());
            assertThat(after[q].scores()).containsExactly(before[q].scores());
        }
    }

    @Test
    void aCorruptOrTruncatedFileIsAClearError() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DenseIndex.of(DenseIndex.Storage.INT8, DIM, vectors(10, 4)).write(out);
        byte[] whole = out.toByteArray();
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 5)), "names.idx"))
                .hasMessageStartingWith("names.idx: truncated dense index").hasMessageContaining("10 vectors of dimension 48");
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(Arrays.copyOf(whole, 10)), "names.idx"))
                .hasMessageStartingWith("names.idx: truncated dense index header");
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(new byte[0]), "names.idx"))
                .hasMessageContaining("empty or truncated");
        byte[] foreign = whole.clone();
        foreign[0] = 'X';
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(foreign), "names.idx"))
                .hasMessageStartingWith("names.idx: not a dense index");
        byte[] future = whole.clone();
        future[7] = 9;
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(future), "names.idx"))
                .hasMessageContaining("version 9");
        byte[] storage = whole.clone();
        storage[8] = 7;
        assertThatThrownBy(() -> DenseIndex.read(new ByteArrayInputStream(storage), "names.idx"))
                .hasMessageContaining("unknown dense index storage 7");
    }
}
