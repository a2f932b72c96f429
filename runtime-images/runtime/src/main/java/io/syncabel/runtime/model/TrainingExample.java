package io.syncabel.runtime.model;

/**
 * One teacher-forcing pair in token ids: source (marked sentence) and target ({@code [mention] is <name>}, no
 * BOS/EOS), whose first {@code prefix} tokens are the forced prefix {@code [mention] is}: decoding is given them,
 * so the loss leaves them out (the original's label -100) and only the name and the end token are learnt.
 */
public record TrainingExample(int[] source, int[] target, int prefix) {
    public TrainingExample {
        if (prefix < 0 || prefix > target.length) {
            throw new IllegalArgumentException("prefix of " + prefix + " tokens in a target of " + target.length);
        }
    }

    /** A target supervised in full (no forced prefix). */
    public TrainingExample(int[] source, int[] target) {
        this(source, target, 0);
    }
}
