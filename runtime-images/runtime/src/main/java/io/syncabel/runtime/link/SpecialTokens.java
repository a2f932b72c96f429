package io.syncabel.runtime.link;

/**
 * The ids of the tokens that decoding treats specially. The tokenizer fixes them (see docs/model.md);
 * beam search only needs to know which is which.
 *
 * @param pad padding, never generated
 * @param start the decoder's start token, fed first and never inside a trie sequence
 * @param end ends a name (the trie's implicit last edge)
 * @param separator separates the names of a composite answer
 */
public record SpecialTokens(int pad, int start, int end, int separator) {
}
