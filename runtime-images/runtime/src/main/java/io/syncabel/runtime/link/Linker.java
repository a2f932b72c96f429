package io.syncabel.runtime.link;

import java.util.List;
import java.util.Set;

/**
 * What `syncabel link`, the linker server and evaluation call: mentions in, ranked KB concepts out.
 * Implemented by the generative linker (model + tries) and by dictionary baselines; implementations
 * are thread-safe and deterministic for identical input and model.
 */
public interface Linker extends AutoCloseable {

    /** Links a batch of mentions; one result per query, in input order. */
    List<Result> link(List<Query> queries, Options options);

    /** Model name and versions reported to clients. */
    Info info();

    /**
     * The semantic groups this linker answers for, so a server refuses any other (400) instead of answering
     * from another group; empty when the linker does not say, and every group is passed on.
     */
    default Set<String> groups() {
        return Set.of();
    }

    @Override
    default void close() {
    }

    /**
     * A mention to link: the text around it (a sentence or passage) and the mention's character span
     * in that text, with its semantic group (e.g. "DISO", "Chemicals &amp; Drugs").
     */
    record Query(String text, int start, int end, String group) {
        public Query {
            if (text == null || start < 0 || end > text.length() || start >= end) {
                throw new IllegalArgumentException("mention span [" + start + ", " + end + ") outside the text");
            }
        }

        public String mention() {
            return text.substring(start, end);
        }
    }

    /** Decoding options; {@code topK <= beams}. */
    record Options(int beams, int topK, boolean constrained) {
        public Options {
            if (beams < 1 || topK < 1 || topK > beams) {
                throw new IllegalArgumentException("need 1 <= topK <= beams, got beams=" + beams + " topK=" + topK);
            }
        }

        public static Options defaults() {
            return new Options(5, 5, true);
        }
    }

    /** Ranked candidates for one mention. */
    record Result(Query query, List<Candidate> candidates) {
    }

    /**
     * One answer: the generated KB name, the concept code(s) it maps to (several for a composite
     * mention, joined in the original's output with '+'), score = exp(length-normalised log-prob), rank from 1.
     */
    record Candidate(List<String> codes, String name, double score, int rank) {
    }

    record Info(String model, String modelVersion, String kbVersion) {
    }
}
