package io.syncabel.runtime.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.syncabel.runtime.link.StepDecoder;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The incremental decoding both encoder-decoders share (the project's own block and a loaded BART): the encoder
 * output and cross-attention keys/values are computed once per source; each step gathers them per hypothesis,
 * reorders the self-attention cache by {@code parentRows} and extends it, inside a scope that frees everything
 * else the step created (DJL attaches results to the first operand's manager, see djl-notes). Only the caches
 * survive a step, on the session's own manager, which {@link #close} frees.
 */
public abstract class CachedSession implements StepDecoder.Session {
    private final NDManager session;
    private final NDList cross;
    private final int vocabularySize;
    private final int maxPositions;
    private final String limit;
    private NDList selfCache = new NDList();
    private int[] sourceOfRow;
    /** Decoder positions used so far. */
    private int position;

    /**
     * @param crossState the block's per-source state from the padded sources, computed on the session's manager
     * @param limit the name of the position limit, for the error past it
     */
    protected CachedSession(NDManager parent, Function<NDManager, NDList> crossState, int vocabularySize, int maxPositions,
            String limit) {
        this.session = parent.newSubManager();
        this.vocabularySize = vocabularySize;
        this.maxPositions = maxPositions;
        this.limit = limit;
        try (NDScope scope = new NDScope()) {
            cross = crossState.apply(session);
            for (NDArray a : cross) {
                NDScope.unregister(a);
                a.attach(session);
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * One decoding step of the block from {@code position}: the new tokens' log-probabilities first, then the
     * extended self-attention cache ({@code cache} is empty on the first step).
     */
    protected abstract NDList decode(int[] tokens, int position, NDList cross, NDList cache);

    /** Positions the first step takes (more than one where the decoder feeds a forced prefix by itself). */
    protected int firstStepPositions() {
        return 1;
    }

    @Override
    public float[][] step(int[] parentRows, int[] tokens) {
        boolean first = position == 0;
        int positions = first ? firstStepPositions() : 1;
        if (position + positions > maxPositions) {
            throw new IllegalStateException("decoding past " + limit + " " + maxPositions);
        }
        int[] sources = new int[parentRows.length];
        for (int i = 0; i < parentRows.length; i++) {
            sources[i] = first ? parentRows[i] : sourceOfRow[parentRows[i]];
        }
        float[] flat;
        NDList extended;
        try (NDScope scope = new NDScope()) {
            NDArray sourceIndex = session.create(sources);
            NDList gathered = new NDList();
            for (NDArray a : cross) {
                gathered.add(a.get(new NDIndex("{}", sourceIndex)));
            }
            NDList cache = new NDList();
            if (!first) {
                NDArray parentIndex = session.create(parentRows);
                for (NDArray a : selfCache) {
                    cache.add(a.get(new NDIndex("{}", parentIndex)));
                }
            }
            NDList out = decode(tokens, position, gathered, cache);
            flat = out.get(0).toFloatArray();
            extended = out.subNDList(1);
            for (NDArray a : extended) {
                NDScope.unregister(a);
                a.attach(session);
            }
        }
        selfCache.close();
        selfCache = extended;
        sourceOfRow = sources;
        position += positions;
        float[][] rows = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * vocabularySize, (i + 1) * vocabularySize);
        }
        return rows;
    }

    /** The tokens as a (N, 1) int64 column on the session's manager. */
    protected NDArray column(int[] tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
        }
        return session.create(ids, new Shape(ids.length, 1));
    }

    @Override
    public void close() {
        session.close();
    }
}
