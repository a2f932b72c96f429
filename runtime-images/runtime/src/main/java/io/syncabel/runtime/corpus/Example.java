package io.syncabel.runtime.corpus;

import java.util.List;

/**
 * One training/evaluation example, one line of examples.jsonl (reference §3.3).
 *
 * @param source      the sentence with this mention marked {@code [mention]{Group}}
 * @param target      {@code [mention] is <name>}, names of a composite mention joined by {@code <SEP>}
 * @param code        the KB codes of the gold ids, '+'-joined (composite: several)
 * @param goldIds     the gold ids as the corpus wrote them
 * @param semanticRel EXACT for one code, COMPOSITE for several
 */
public record Example(
        String id,
        String document,
        String source,
        String target,
        String mention,
        String annotation,
        String group,
        String code,
        List<String> goldIds,
        String type,
        int start,
        int end,
        String semanticRel) {
}
