package io.syncabel.runtime.eval;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How one mention's top prediction was judged: a label with the reason, or (label null) a failure with
 * its reason after the retries were spent. Every mention of a judged run gets exactly one.
 *
 * @param by "rule", "llm" or "file" (a label already present in the prediction file)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Judgement(String mention, JudgeLabel label, String reason, String by, Integer attempts, String failure) {

    static Judgement rule(Mention m, JudgeLabel label, String reason) {
        return new Judgement(m.id(), label, reason, "rule", null, null);
    }

    public boolean failed() {
        return label == null;
    }
}
