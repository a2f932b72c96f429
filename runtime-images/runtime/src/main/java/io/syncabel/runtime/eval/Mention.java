package io.syncabel.runtime.eval;

import java.util.List;

/**
 * One gold mention with the linker's ranked candidates, as read from a prediction file.
 *
 * @param group             the semantic group / label (stratification key; part of the dedup key)
 * @param goldName          the gold concept's name, shown to the judge (may be null)
 * @param context           the sentence around the mention, shown to the judge (may be null)
 * @param seen              gold concept seen in training, when the file says so (null: unknown)
 * @param exactNameInKb     the mention text is exactly a KB name of the gold concept (null: unknown)
 * @param inDictionary      the mention text is one of the linker's training mentions (null: unknown)
 * @param recordedJudgement a judge label already in the file (the original's LLM_Evaluation_v2), or null
 * @param source            file:line, for messages
 */
public record Mention(
        String document,
        String group,
        int start,
        int end,
        String text,
        CodeSet gold,
        String goldName,
        List<Candidate> candidates,
        String context,
        Boolean seen,
        Boolean exactNameInKb,
        Boolean inDictionary,
        String recordedJudgement,
        String source) {

    public Mention {
        candidates = List.copyOf(candidates);
    }

    /** The top-ranked prediction's codes; empty when the linker gave nothing (which counts as wrong). */
    public CodeSet top1() {
        return candidates.isEmpty() ? CodeSet.EMPTY : candidates.get(0).codes();
    }

    /** Correct at k: one of the first k candidates has exactly the gold set. An empty gold set is never matched. */
    public boolean hitAt(int k) {
        if (gold.isEmpty()) {
            return false;
        }
        for (int i = 0; i < Math.min(k, candidates.size()); i++) {
            if (candidates.get(i).codes().equals(gold)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Correct at 1 under the lenient protocol of the BioSyn/GenBioEL papers: the top prediction shares a code
     * with the gold set (a composite gold is matched by any of its parts, a composite prediction by any of its codes).
     */
    public boolean lenientHitAt1() {
        return top1().sharesACodeWith(gold);
    }

    /** The original's dedup key: (document, label, start, end). */
    String dedupKey() {
        return document + '\u0000' + group + '\u0000' + start + '\u0000' + end;
    }

    /** Stable identifier in judgements.jsonl. */
    public String id() {
        return document + ":" + start + "-" + end + ":" + group;
    }
}
