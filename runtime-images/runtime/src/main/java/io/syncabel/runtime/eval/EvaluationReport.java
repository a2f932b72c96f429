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
        List<String> notes) {

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

    public EvaluationReport withInput(Input i) {
        return new EvaluationReport(i, counts, settings, strata, judge, notes);
    }

    public Stratum overall() {
        return strata.get(0);
    }
}
