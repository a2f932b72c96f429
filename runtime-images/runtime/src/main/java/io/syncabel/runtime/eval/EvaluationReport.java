package io.syncabel.runtime.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** report.json: every figure with its interval and counts, per stratum, plus what was read and how. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationReport(
        Input input,
        Counts counts,
        Settings settings,
        List<Stratum> strata,
        JudgeSummary judge,
        List<String> notes,
        Comparison comparison) {

    /**
     * The prediction file and its sha256 (lineage).
     *
     * @param file       the file as given, or {@code predictions.jsonl} (beside the report) when evaluate linked it
     * @param model      the model that linked it (or the linker service's URL), when evaluate ran one
     * @param testCorpus the corpus it linked, when evaluate ran a model
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(String file, String format, String sha256, String model, String testCorpus) {
        public Input(String file, String format, String sha256) {
            this(file, format, sha256, null, null);
        }
    }

    /** rows read; duplicates and noCode dropped; mentions scored; documents they come from. */
    public record Counts(int rows, int duplicates, int noCode, int mentions, int documents) {
    }

    /**
     * @param seenSource where seen/unseen came from ("--seen-codes FILE", "prediction file", or null: not stratified)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Settings(List<Integer> k, int bootstrapResamples, long seed, double confidence, String seenSource) {
    }

    /**
     * @param dimension all | group | seen | exactNameInKb
     * @param recallAtK keyed by k ("1", "5")
     * @param lenientRecallAt1 the BioSyn/GenBioEL papers' protocol: the top prediction shares a code with the gold
     * @param judge     correct, exact, broad, partial, narrow, noRelation, strict, failed (when judged)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stratum(String name, String dimension, int mentions, int documents, Map<String, Figure> recallAtK,
                          Figure lenientRecallAt1, Map<String, Figure> judge) {
        public Figure recallAt1() {
            return recallAtK.get("1");
        }
    }

    /**
     * @param source   "llm" (judged now) or "file" (labels already in the prediction file)
     * @param labels   mentions per label; failed ones under "FAILED"
     * @param failures failed mentions per reason
     * @param usage    requests and tokens spent
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JudgeSummary(String source, String endpoint, String model, int judged, int byRule, int byLlm,
                               int failed, Map<String, Integer> labels, Map<String, Integer> failures,
                               Map<String, Long> usage) {
    }

    /**
     * Recall@1 of this report's predictions against another file's on the same mentions (--compare-to).
     *
     * @param other           the other prediction file (file, format, sha256)
     * @param recallAt1       this file's Recall@1 on the paired mentions
     * @param otherRecallAt1  the other file's
     * @param delta           this minus other, in points, with its paired-bootstrap interval
     * @param onlyThisCorrect mentions this file gets right and the other wrong
     * @param onlyOtherCorrect mentions the other file gets right and this one wrong
     */
    public record Comparison(Input other, int mentions, Figure recallAt1, Figure otherRecallAt1, Delta delta,
                             int onlyThisCorrect, int onlyOtherCorrect, int bothCorrect, int neitherCorrect) {
    }

    /**
     * A difference in points: {@code difference} (this file's hits minus the other's) out of {@code mentions}, its
     * exact value, and the 95% interval of the paired bootstrap (null when bootstrapping is off).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(long difference, long mentions, double value, Double ciLow, Double ciHigh) {
        /** "+1.2 [0.3, 2.0]" */
        public String text() {
            String v = (difference > 0 ? "+" : "") + Figure.percent(difference, mentions);
            return ciLow == null ? v : v + " [" + Figure.oneDecimal(ciLow) + ", " + Figure.oneDecimal(ciHigh) + "]";
        }
    }

    public EvaluationReport withInput(Input i) {
        return new EvaluationReport(i, counts, settings, strata, judge, notes, comparison);
    }

    public EvaluationReport withComparison(Comparison c) {
        return new EvaluationReport(input, counts, settings, strata, judge, notes, c);
    }

    public Stratum overall() {
        return strata.get(0);
    }
}
