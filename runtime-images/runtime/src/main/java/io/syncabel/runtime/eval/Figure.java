package io.syncabel.runtime.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One reported figure: hits out of total, its value in percent and its 95% bootstrap interval (percent;
 * null when bootstrapping is off). Values are kept exact: every displayed number is rounded once, from
 * the exact fraction (value) or the exact percentile (bounds), so report.md and stdout cannot disagree.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(long hits, long total, double value, Double ciLow, Double ciHigh) {

    static Figure of(long hits, long total, double[] interval) {
        double value = total == 0 ? 0 : 100.0 * hits / total;
        return new Figure(hits, total, value, interval == null ? null : 100 * interval[0],
                interval == null ? null : 100 * interval[1]);
    }

    /** To 0.01 point, for fields that keep two decimals (the Evaluation status). */
    public static double round(double percent) {
        return Math.round(percent * 100) / 100.0;
    }

    /** numerator/denominator in percent with one decimal, rounded half up from the exact fraction. */
    public static String percent(long numerator, long denominator) {
        if (denominator == 0) {
            return "0.0";
        }
        return BigDecimal.valueOf(numerator).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(denominator), 1, RoundingMode.HALF_UP).toPlainString();
    }

    /** A percent (a bootstrap bound) with one decimal; "NA" for none. */
    public static String oneDecimal(Double percent) {
        // BigDecimal: the exact double, half up, and no "-0.0"
        return percent == null ? "NA" : new BigDecimal(percent).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    /** The value with one decimal, from hits/total. */
    public String valueText() {
        return percent(hits, total);
    }

    /** "67.0 [65.5, 68.6]" */
    String text() {
        return ciLow == null ? valueText() : valueText() + " [" + oneDecimal(ciLow) + ", " + oneDecimal(ciHigh) + "]";
    }
}
