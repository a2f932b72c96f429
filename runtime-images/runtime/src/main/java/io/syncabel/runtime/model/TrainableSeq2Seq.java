package io.syncabel.runtime.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

/**
 * An encoder-decoder as {@link Seq2SeqTrainer} trains it: a block whose teacher-forced forward maps
 * (source, decoder input), both (B, *) int64, to logits (B, T, V), and the tokens that frame a target.
 * Implemented by the project's own {@link Seq2SeqModel} and by a pretrained BART-family checkpoint.
 */
public interface TrainableSeq2Seq {

    /** Owns the weights; the trainer's batches and optimiser state live here too. */
    NDManager manager();

    /** The network; its parameters are what the trainer updates. */
    Block block();

    /** Longest source, in tokens (longer ones are cut). */
    int maxSourceLength();

    /** Decoder positions: the decoder input, prefix included, is cut to this length. */
    int maxTargetLength();

    /** Tokens fed before the target and never predicted: the decoder start token (and a forced language code). */
    int[] decoderPrefix();

    /** Ends every target. */
    int endToken();

    /** Pads sources and targets; padded label positions do not count in the loss. */
    int padToken();
}
