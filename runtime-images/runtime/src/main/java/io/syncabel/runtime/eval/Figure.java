package io.syncabel.runtime.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One reported figure: hits out of total, its value in percent and its 95% bootstrap interval (percent;
 * null when bootstrapping is off). Values are rounded to 0.01; the counts keep them exact.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(long hits, long total, double value, Double ciLow, Double ciHigh) {

    static Figure of(long hits, long total, double[] interval) {
        double value = total == 0 ? 0 : 100.0 * hits / total;
        return new Figure(hits, total, round(value), interval == null ? null : round(100 * interval[0]),
                interval == null ? null : round(100 * interval[1]));
    }

    static double round(double percent) {
        return Math.round(percent * 100) / 100.0;
    }

    /** "67.0 [65.5, 68.6]" */
    String text() {
        String v = String.format(java.util.Locale.ROOT, "%.1f", value);
        return ciLow == null ? v : v + String.format(java.util.Locale.ROOT, " [%.1f, %.1f]", ciLow, ciHigh);
    }
}
