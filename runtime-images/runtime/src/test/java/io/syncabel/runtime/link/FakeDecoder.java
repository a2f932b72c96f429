package io.syncabel.runtime.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A StepDecoder whose next-token distribution is a pure function of (source, tokens fed so far), so
 * tests can recompute any hypothesis' score and check that the session's row bookkeeping is right.
 */
final class FakeDecoder implements StepDecoder {

    interface Model {
        float[] logProbs(int[] source, int[] history);
    }

    final int vocab;
    final Model model;
    final List<int[]> fedHistories = new ArrayList<>();
    int stepCalls;
    int widestStep;

    FakeDecoder(int vocab, Model model) {
        this.vocab = vocab;
        this.model = model;
    }

    /** Random logits in [-3, 3] seeded by the history, then log-softmax. */
    static FakeDecoder random(int vocab, long seed) {
        return new FakeDecoder(vocab, (source, history) -> {
            java.util.Random rnd = new java.util.Random(seed * 1_000_003L + 31L * Arrays.hashCode(source)
                    + Arrays.hashCode(history));
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                logits[i] = (float) (rnd.nextDouble() * 6 - 3);
            }
            return logSoftmax(logits);
        });
    }

    /**
     * A model set on one answer: after the start token and a forced prefix of {@code prefixLength} tokens, it puts a
     * logit of 12 on the next token of {@code wanted} while the history follows it, uniform logits otherwise.
     */
    static FakeDecoder writing(int vocab, int prefixLength, int[] wanted) {
        return new FakeDecoder(vocab, (source, history) -> {
            float[] logits = new float[vocab];
            int generated = history.length - 1 - prefixLength; // start token and prefix before
            if (generated >= 0 && generated < wanted.length && Arrays.equals(history, 1 + prefixLength, history.length,
                    wanted, 0, generated)) {
                logits[wanted[generated]] = 12;
            }
            return logSoftmax(logits);
        });
    }

    static float[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (logits[i] - log);
        }
        return out;
    }

    @Override
    public int vocabularySize() {
        return vocab;
    }

    @Override
    public Session open(List<int[]> sources) {
        return new Session() {
            List<int[]> rowSource = new ArrayList<>();
            List<int[]> rowHistory = new ArrayList<>();
            boolean first = true;

            @Override
            public float[][] step(int[] parentRows, int[] tokens) {
                stepCalls++;
                widestStep = Math.max(widestStep, tokens.length);
                List<int[]> nextSource = new ArrayList<>();
                List<int[]> nextHistory = new ArrayList<>();
                float[][] out = new float[tokens.length][];
                for (int r = 0; r < tokens.length; r++) {
                    int[] src = first ? sources.get(parentRows[r]) : rowSource.get(parentRows[r]);
                    int[] prev = first ? new int[0] : rowHistory.get(parentRows[r]);
                    int[] hist = Arrays.copyOf(prev, prev.length + 1);
                    hist[prev.length] = tokens[r];
                    nextSource.add(src);
                    nextHistory.add(hist);
                    fedHistories.add(hist);
                    out[r] = model.logProbs(src, hist);
                }
                first = false;
                rowSource = nextSource;
                rowHistory = nextHistory;
                return out;
            }

            @Override
            public void close() {
            }
        };
    }
}
