package io.syncabel.runtime.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Coordinated mentions read as the concepts they name together, the composite mentions of NCBI-disease and BioCreative
 * CDR ({@code breast and ovarian cancer} = breast cancer + ovarian cancer). The shared word is restored in each
 * conjunct: a shared head at the end ({@code C6 and C7 deficiencies} → C6 deficiencies, C7 deficiencies) when the
 * last conjunct is the longer, a shared beginning ({@code deficiency of C6 and C7}, {@code cleft lip/palate}) when the
 * first is. Only a reading: whether the mention is composite at all ({@code hyperparathyroidism and jaw tumor
 * syndrome} is one concept) is the re-ranker's call, which weighs the parts' evidence against the whole's.
 */
public final class Coordination {
    /** Conjunctions and list commas between conjuncts ({@code ,}, {@code and}, {@code or}, {@code and/or}, {@code /}). */
    private static final Pattern SEPARATOR = Pattern.compile(
            "\\s*,\\s*(?:and/or|and|or)\\s+|\\s*,\\s*|\\s+and/or\\s+|\\s+and\\s+|\\s+or\\s+|\\s*/\\s*", Pattern.CASE_INSENSITIVE);
    /** More conjuncts than this is a list of findings, not a composite name. */
    static final int MAX_PARTS = 5;

    private Coordination() {
    }

    /**
     * The conjuncts of a coordinated mention, each completed with the words the conjuncts share, in text order;
     * empty when the mention is not read as a coordination (no separator, an empty conjunct, parentheses, too many
     * parts, or conjuncts of one word each, which share nothing to restore: {@code Becker/Duchenne}).
     */
    public static List<String> parts(String mention) {
        String text = mention.strip();
        if (text.indexOf('(') >= 0 || text.indexOf(')') >= 0) {
            return List.of();
        }
        String[] conjuncts = SEPARATOR.split(text, -1);
        if (conjuncts.length < 2 || conjuncts.length > MAX_PARTS) {
            return List.of();
        }
        List<List<String>> words = new ArrayList<>();
        for (String c : conjuncts) {
            String w = c.strip();
            if (w.isEmpty()) {
                return List.of();
            }
            words.add(Arrays.asList(w.split("\\s+")));
        }
        List<String> first = words.get(0);
        List<String> last = words.get(words.size() - 1);
        List<String> out = new ArrayList<>(words.size());
        if (last.size() > 1 && last.size() >= first.size()) {
            // a shared head: the last conjunct's words after as many as the first conjunct's modifiers
            int modifiers = Math.min(first.size(), last.size() - 1);
            String head = String.join(" ", last.subList(modifiers, last.size()));
            for (int i = 0; i < words.size() - 1; i++) {
                out.add(String.join(" ", words.get(i)) + " " + head);
            }
            out.add(String.join(" ", last));
        } else if (first.size() > 1 && first.size() > last.size()) {
            // a shared beginning: the first conjunct's words before as many as the last conjunct has
            int tail = Math.min(last.size(), first.size() - 1);
            String start = String.join(" ", first.subList(0, first.size() - tail));
            out.add(String.join(" ", first));
            for (int i = 1; i < words.size(); i++) {
                out.add(start + " " + String.join(" ", words.get(i)));
            }
        } else {
            return List.of();
        }
        return out;
    }
}
