package io.syncabel.runtime.serve;

import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.link.MarkedText;
import java.util.List;

/**
 * The query the server runs once after loading and before it reports ready: a loaded model that
 * cannot link a name of its own KB back to its code must not take traffic.
 *
 * @param markedSentence a sentence with one {@code [mention]{Group}}
 * @param expectedCode   the code the top candidates must contain; null accepts any known code
 */
public record SmokeQuery(String markedSentence, String expectedCode) {
    public SmokeQuery {
        MarkedText.parse(markedSentence);
        if (expectedCode != null && expectedCode.isBlank()) {
            expectedCode = null;
        }
    }

    /** The default an artifact suggests: its first KB name, marked on its own, must give back its code. */
    public static SmokeQuery ofKbName(String name, String group, String code) {
        return new SmokeQuery(MarkedText.mark(name, 0, name.length(), group), code);
    }

    public Linker.Query query() {
        MarkedText.Marked m = MarkedText.parse(markedSentence);
        return new Linker.Query(m.text(), m.start(), m.end(), m.group());
    }

    /** Null when the result passes, else why not (for stderr and the readiness answer). */
    public String failure(List<Linker.Result> results) {
        if (results.size() != 1) {
            return "the linker returned " + results.size() + " results for one query";
        }
        List<Linker.Candidate> candidates = results.get(0).candidates();
        List<String> codes = candidates.stream().flatMap(c -> c.codes().stream()).toList();
        if (expectedCode == null) {
            return codes.stream().anyMatch(c -> !c.isBlank() && !c.equals(LinkResponse.NO_CODE)) ? null
                    : "no candidate carries a known code (got " + names(candidates) + ")";
        }
        return codes.contains(expectedCode) ? null
                : "expected code " + expectedCode + " among the candidates, got " + names(candidates);
    }

    private static String names(List<Linker.Candidate> candidates) {
        return candidates.isEmpty() ? "no candidates"
                : candidates.stream().map(c -> c.name() + " " + c.codes()).toList().toString();
    }
}
