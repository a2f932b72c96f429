package io.syncabel.runtime.model;

import io.syncabel.runtime.link.GroupTries;
import io.syncabel.runtime.link.SpecialTokens;
import io.syncabel.runtime.model.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Turns marked sentences and targets into token ids exactly the way decoding will see them: the target
 * is the forced prefix {@code [mention] is} followed by each name's trie sequence (the tokens of
 * {@code " is <name>"} after the verb), names of a composite joined by the separator. Building targets
 * from the same pieces as the tries guarantees that every gold target is a path of its group's trie.
 */
public final class ExampleEncoder {
    private final Function<String, int[]> encoder;
    private final int[] verb;
    private final int maxSourceLength;
    private final SpecialTokens special;
    private final Tokenizer.SourceTemplate sourceTemplate;

    /** With the project's own tokenizer ({@link Tokenizer#SPECIAL}). */
    public ExampleEncoder(Function<String, int[]> encoder, int maxSourceLength) {
        this(encoder, maxSourceLength, Tokenizer.SPECIAL);
    }

    /** With the special ids of the tokenizer {@code encoder} belongs to, sources read bare. */
    public ExampleEncoder(Function<String, int[]> encoder, int maxSourceLength, SpecialTokens special) {
        this(encoder, maxSourceLength, special, Tokenizer.SourceTemplate.NONE);
    }

    /**
     * With the special ids of the tokenizer {@code encoder} belongs to and the template its sources are wrapped in
     * (a pretrained checkpoint's: {@link Tokenizer#sourceTemplate()}), counted within {@code maxSourceLength}.
     */
    public ExampleEncoder(Function<String, int[]> encoder, int maxSourceLength, SpecialTokens special,
            Tokenizer.SourceTemplate sourceTemplate) {
        if (maxSourceLength <= sourceTemplate.length()) {
            throw new IllegalArgumentException("a source of " + maxSourceLength + " tokens leaves no room inside the template "
                    + sourceTemplate);
        }
        this.encoder = encoder;
        this.verb = encoder.apply(" " + GroupTries.VERB);
        this.maxSourceLength = maxSourceLength;
        this.special = special;
        this.sourceTemplate = sourceTemplate;
    }

    /** The ids decoding treats specially: end of a name (the tries' last edge), separator, start, pad. */
    public SpecialTokens special() {
        return special;
    }

    /** Plain tokenisation, no special tokens. */
    public int[] tokens(String text) {
        return encoder.apply(text);
    }

    /** The decoder's forced prefix: {@code [mention]} then the verb. */
    public int[] prefix(String mention) {
        return concat(encoder.apply("[" + mention + "]"), verb);
    }

    /** A name's tokens below the verb, as in the trie. */
    public int[] nameTail(String name) {
        int[] seq = encoder.apply(" " + GroupTries.VERB + " " + name);
        return Arrays.copyOfRange(seq, verb.length, seq.length);
    }

    /** A training pair: source, target and the forced prefix's length (masked from the loss). */
    public TrainingExample example(String marked, String mention, List<String> names) {
        return new TrainingExample(source(marked, mention), target(mention, names), prefix(mention).length);
    }

    /** Decoder target without start/end tokens. */
    public int[] target(String mention, List<String> names) {
        int[] out = prefix(mention);
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out = concat(out, new int[] {special.separator()});
            }
            out = concat(out, nameTail(names.get(i)));
        }
        return out;
    }

    /**
     * Encoder input: the marked sentence, cut to {@code maxSourceLength} tokens around the marked
     * mention (the mention first, then the nearest context, alternating left and right), inside the source template
     * when there is one (its tokens count in the length).
     */
    public int[] source(String marked, String mention) {
        return sourceTemplate.wrap(sourceText(marked, mention, maxSourceLength - sourceTemplate.length()));
    }

    private int[] sourceText(String marked, String mention, int maxSourceLength) {
        int at = marked.indexOf("[" + mention + "]");
        if (at < 0) {
            at = Math.max(0, marked.indexOf('['));
        }
        int close = marked.indexOf('}', at);
        int end = close < 0 ? marked.length() : close + 1;
        int[] left = encoder.apply(marked.substring(0, at));
        int[] middle = encoder.apply(marked.substring(at, end));
        int[] right = encoder.apply(marked.substring(end));
        if (middle.length >= maxSourceLength) {
            return Arrays.copyOf(middle, maxSourceLength);
        }
        int budget = maxSourceLength - middle.length;
        int takeLeft = 0;
        int takeRight = 0;
        while (budget > 0 && (takeLeft < left.length || takeRight < right.length)) {
            if (takeLeft < left.length) {
                takeLeft++;
                budget--;
            }
            if (budget > 0 && takeRight < right.length) {
                takeRight++;
                budget--;
            }
        }
        int[] out = new int[takeLeft + middle.length + takeRight];
        System.arraycopy(left, left.length - takeLeft, out, 0, takeLeft);
        System.arraycopy(middle, 0, out, takeLeft, middle.length);
        System.arraycopy(right, 0, out, takeLeft + middle.length, takeRight);
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
