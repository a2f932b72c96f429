package io.syncabel.runtime.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The original's document-level bootstrap: documents (sorted) are resampled with replacement, i.e. weights
 * W ~ Multinomial(D, 1/D) per replicate; a replicate's figure is the ratio (W·hits)/(W·total) (0 when the
 * resample has no mention of the stratum); the interval is the 2.5/97.5 percentiles with linear
 * interpolation (numpy's default). The same weights serve every figure and stratum, as in the original.
 * A Java RNG cannot replay NumPy's stream, so intervals match the original's in distribution, not digit for digit.
 * {@link #ofUnits} resamples mentions instead, for the paired comparison of two prediction files.
 */
final class Bootstrap {
    static final double LOW = 0.025;
    static final double HIGH = 0.975;

    private final List<String> documents;
    private final int units;
    private final int[][] weights;

    Bootstrap(List<String> sortedDocuments, int resamples, long seed) {
        this(List.copyOf(sortedDocuments), sortedDocuments.size(), resamples, seed);
    }

    /** Resamples {@code units} anonymous units (mentions, by position) with the same seed and weights scheme. */
    static Bootstrap ofUnits(int units, int resamples, long seed) {
        return new Bootstrap(List.of(), units, resamples, seed);
    }

    private Bootstrap(List<String> documents, int d, int resamples, long seed) {
        this.documents = documents;
        this.units = d;
        this.weights = new int[resamples][d];
        SplittableRandom random = new SplittableRandom(seed);
        for (int[] w : weights) {
            for (int i = 0; i < d; i++) {
                w[random.nextInt(d)]++;
            }
        }
    }

    /** Units resampled: documents, or the mentions of {@link #ofUnits}. */
    int documents() {
        return units;
    }

    int resamples() {
        return weights.length;
    }

    int index(String document) {
        int i = java.util.Collections.binarySearch(documents, document);
        if (i < 0) {
            throw new IllegalArgumentException("unknown document " + document);
        }
        return i;
    }

    /** [low, high] of the ratio, as fractions; null when there are no resamples. */
    double[] interval(long[] hitsPerDocument, long[] totalPerDocument) {
        if (weights.length == 0) {
            return null;
        }
        double[] values = new double[weights.length];
        for (int b = 0; b < weights.length; b++) {
            int[] w = weights[b];
            double num = 0;
            double den = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] != 0) {
                    num += (double) w[i] * hitsPerDocument[i];
                    den += (double) w[i] * totalPerDocument[i];
                }
            }
            values[b] = den == 0 ? 0 : num / den;
        }
        Arrays.sort(values);
        return new double[] {percentile(values, LOW), percentile(values, HIGH)};
    }

    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
