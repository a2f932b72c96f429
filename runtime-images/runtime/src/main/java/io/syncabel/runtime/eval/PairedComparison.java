package io.syncabel.runtime.eval;

import io.syncabel.runtime.text.UserError;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recall@1 of two prediction files on the same mentions, and the difference with its paired-bootstrap 95%
 * interval: mentions (not documents) are resampled with replacement, the same resamples for both files, so
 * the interval is that of the difference itself rather than of two independent figures.
 */
public final class PairedComparison {

    private PairedComparison() {
    }

    /**
     * Pairs the mentions of {@code self} and {@code other} on (document, group, start, end, text): a mention in one
     * file only, or with another gold, is an error naming its file and the mention. The group is part of the key as
     * it is of the cleaning's: SPACCC annotates one span in two groups, two mentions to score.
     */
    public static EvaluationReport.Comparison compare(Predictions self, Predictions other, String otherSha256,
            int resamples, long seed) {
        Map<String, Mention> others = byKey(other);
        List<Mention> mentions = self.mentions();
        int n = mentions.size();
        long[] difference = new long[n];
        long[] one = new long[n];
        int both = 0;
        int onlySelf = 0;
        int onlyOther = 0;
        for (int i = 0; i < n; i++) {
            Mention a = mentions.get(i);
            Mention b = others.remove(key(a));
            if (b == null) {
                throw new UserError(a.source() + ": mention " + describe(a) + " is not in " + other.file()
                        + " (both files must hold the same mentions)");
            }
            if (!a.gold().equals(b.gold())) {
                throw new UserError(b.source() + ": mention " + describe(b) + " has gold " + b.gold() + ", but "
                        + a.source() + " has " + a.gold());
            }
            boolean hitA = a.hitAt(1);
            boolean hitB = b.hitAt(1);
            difference[i] = (hitA ? 1 : 0) - (hitB ? 1 : 0);
            one[i] = 1;
            if (hitA && hitB) {
                both++;
            } else if (hitA) {
                onlySelf++;
            } else if (hitB) {
                onlyOther++;
            }
        }
        if (!others.isEmpty()) {
            Mention b = others.values().stream().min(java.util.Comparator.comparing(Mention::source)).orElseThrow();
            throw new UserError(b.source() + ": mention " + describe(b) + " is not in " + self.file()
                    + " (both files must hold the same mentions)");
        }
        long hitsSelf = both + onlySelf;
        long hitsOther = both + onlyOther;
        double[] interval = Bootstrap.ofUnits(n, resamples, seed).interval(difference, one);
        var delta = new EvaluationReport.Delta(hitsSelf - hitsOther, n, n == 0 ? 0 : 100.0 * (hitsSelf - hitsOther) / n,
                interval == null ? null : 100 * interval[0], interval == null ? null : 100 * interval[1]);
        var otherInput = new EvaluationReport.Input(other.file(), other.format().name().toLowerCase(Locale.ROOT), otherSha256);
        return new EvaluationReport.Comparison(otherInput, n, Figure.of(hitsSelf, n, null), Figure.of(hitsOther, n, null),
                delta, onlySelf, onlyOther, both, n - both - onlySelf - onlyOther);
    }

    private static Map<String, Mention> byKey(Predictions p) {
        Map<String, Mention> byKey = new HashMap<>();
        for (Mention m : p.mentions()) {
            Mention earlier = byKey.putIfAbsent(key(m), m);
            if (earlier != null) {
                throw new UserError(m.source() + ": mention " + describe(m) + " also at " + earlier.source()
                        + ": a paired comparison needs one record per mention");
            }
        }
        return byKey;
    }

    private static String key(Mention m) {
        return m.document() + '\u0000' + m.group() + '\u0000' + m.start() + '\u0000' + m.end() + '\u0000' + m.text();
    }

    /** document 'd1' 0-5 'tumor' (Disease) */
    private static String describe(Mention m) {
        return "document '" + m.document() + "' " + m.start() + "-" + m.end() + " '" + m.text() + "'"
                + (m.group().isEmpty() ? "" : " (" + m.group() + ")");
    }
}
