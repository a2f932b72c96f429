package io.syncabel.runtime.model;

/**
 * Token ids every tokenizer of this project reserves, in this order, so the model never needs to ask:
 * padding, decoder start, end of name, composite-name separator, unknown.
 */
public final class SpecialTokens {
    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int SEP = 3;
    public static final int UNK = 4;
    public static final int COUNT = 5;

    private SpecialTokens() {
    }
}
