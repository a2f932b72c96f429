package io.syncabel.runtime.link;

import java.util.List;

/**
 * The model as beam search sees it: incremental next-token log-probabilities for a set of hypotheses.
 * Implemented by the DJL encoder-decoder with a key/value cache, so a step costs one token per
 * hypothesis, not a re-run of the whole prefix; beam search stays independent of DJL and testable with
 * a scripted decoder.
 */
public interface StepDecoder {

    /** Size of the output distribution (the tokenizer's vocabulary). */
    int vocabularySize();

    /** Steps a session can take (start token and forced prefix included); bounded by learned positions. */
    default int maxSteps() {
        return Integer.MAX_VALUE;
    }

    /** Encodes a batch of sources (token ids, special tokens included as the model was trained). */
    Session open(List<int[]> sources);

    interface Session extends AutoCloseable {
        /**
         * Advances hypotheses by one token each. {@code parentRows[i]} is the row of the previous step's
         * output that hypothesis i extends (for the first step: the index of its source); the session
         * reorders its cache accordingly, so beams may be dropped, kept or duplicated freely.
         *
         * @return log-probabilities over the vocabulary, one row per hypothesis
         */
        float[][] step(int[] parentRows, int[] tokens);

        @Override
        void close();
    }
}
