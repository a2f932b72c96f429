package io.syncabel.runtime.eval;

import io.syncabel.runtime.text.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Judge labels already in the prediction file (the original's LLM_Evaluation_v2 column): aggregated as the
 * original does without calling any endpoint, which also checks our aggregation against its published rates.
 */
public final class RecordedJudgements {
    private RecordedJudgements() {
    }

    /** True when every mention carries a recorded label. */
    public static boolean present(Predictions p) {
        return !p.mentions().isEmpty() && p.mentions().stream().allMatch(m -> m.recordedJudgement() != null);
    }

    public static List<Judgement> read(Predictions p) {
        List<Judgement> out = new ArrayList<>();
        for (Mention m : p.mentions()) {
            JudgeLabel label = JudgeLabel.parse(m.recordedJudgement()).orElseThrow(() -> new UserError(m.source()
                    + ": column LLM_Evaluation_v2: '" + m.recordedJudgement() + "' is not one of STRICT, PARTIAL, EXACT, "
                    + "BROAD, NARROW, NO_RELATION"));
            out.add(new Judgement(m.id(), label, null, "file", null, null));
        }
        return out;
    }

    /** Counts per label (failed under "FAILED") and per failure reason, for the report's judge summary. */
    public static EvaluationReport.JudgeSummary summary(String source, String endpoint, String model,
                                                        List<Judgement> judgements, Map<String, Long> usage) {
        Map<String, Integer> labels = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        int byRule = 0;
        int byLlm = 0;
        int failed = 0;
        for (Judgement j : judgements) {
            labels.merge(j.failed() ? "FAILED" : j.label().name(), 1, Integer::sum);
            if (j.failed()) {
                failed++;
                failures.merge(j.failure(), 1, Integer::sum);
            } else if ("rule".equals(j.by())) {
                byRule++;
            } else if ("llm".equals(j.by())) {
                byLlm++;
            }
        }
        return new EvaluationReport.JudgeSummary(source, endpoint, model, judgements.size(), byRule, byLlm, failed,
                labels, failures, usage);
    }
}
