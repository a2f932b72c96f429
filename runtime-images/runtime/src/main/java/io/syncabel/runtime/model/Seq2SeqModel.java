package io.syncabel.runtime.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.syncabel.runtime.link.StepDecoder;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The trained network and its manager: owns the weights, saves/loads them as one stream, and decodes
 * incrementally for beam search ({@link StepDecoder}). Close it to free native memory.
 */
public final class Seq2SeqModel implements Generator {
    private final NDManager manager;
    private final Seq2SeqBlock block;

    private Seq2SeqModel(NDManager manager, Seq2SeqBlock block) {
        this.manager = manager;
        this.block = block;
    }

    /** A freshly initialised model; the seed makes initialisation reproducible. */
    public static Seq2SeqModel create(ModelConfig config, long seed) {
        NDManager manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed((int) seed);
        Seq2SeqBlock block = new Seq2SeqBlock(config);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 2));
        return new Seq2SeqModel(manager, block);
    }

    public static Seq2SeqModel load(ModelConfig config, InputStream weights) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        Seq2SeqBlock block = new Seq2SeqBlock(config);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 2));
        try {
            block.loadParameters(manager, new DataInputStream(weights));
        } catch (MalformedModelException e) {
            manager.close();
            throw new IOException("model weights do not match the configuration " + config + ": " + e.getMessage(), e);
        }
        return new Seq2SeqModel(manager, block);
    }

    /** A model to go on training from saved weights (a checkpoint): loaded parameters do not track gradients by themselves. */
    public static Seq2SeqModel resume(ModelConfig config, InputStream weights) throws IOException {
        Seq2SeqModel model = load(config, weights);
        model.block.getParameters().values().forEach(p -> {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
            }
        });
        return model;
    }

    /** The weights as {@link #save} writes them, in memory. */
    public byte[] weights() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            save(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a memory stream does not fail
        }
        return out.toByteArray();
    }

    @Override
    public void save(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        block.saveParameters(data);
        data.flush();
    }

    public ModelConfig config() {
        return block.config();
    }

    @Override
    public Seq2SeqBlock block() {
        return block;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public int maxSourceLength() {
        return block.config().maxSourceLength();
    }

    @Override
    public int maxTargetLength() {
        return block.config().maxTargetLength();
    }

    @Override
    public int[] decoderPrefix() {
        return new int[] {BpeVocabulary.START};
    }

    @Override
    public int endToken() {
        return BpeVocabulary.END;
    }

    @Override
    public int padToken() {
        return BpeVocabulary.PAD;
    }

    @Override
    public long parameterCount() {
        return block.parameterCount();
    }

    @Override
    public int vocabularySize() {
        return block.config().vocabSize();
    }

    @Override
    public int maxSteps() {
        return block.config().maxTargetLength();
    }

    @Override
    public Session open(List<int[]> sources) {
        return new DjlSession(sources);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Pads (and truncates) token sequences into a (N, T) int64 array. */
    static NDArray pad(NDManager manager, List<int[]> sequences, int maxLength) {
        return pad(manager, sequences, maxLength, BpeVocabulary.PAD);
    }

    /** Pads with {@code padId} (and truncates) token sequences into a (N, T) int64 array. */
    public static NDArray pad(NDManager manager, List<int[]> sequences, int maxLength, int padId) {
        int t = 1;
        for (int[] s : sequences) {
            t = Math.max(t, Math.min(s.length, maxLength));
        }
        long[] flat = new long[sequences.size() * t];
        java.util.Arrays.fill(flat, padId);
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = sequences.get(i);
            for (int j = 0; j < Math.min(s.length, t); j++) {
                flat[i * t + j] = s[j];
            }
        }
        return manager.create(flat, new Shape(sequences.size(), t));
    }

    /** Incremental decoding of the block (see {@link CachedSession}). */
    private final class DjlSession extends CachedSession {
        DjlSession(List<int[]> sources) {
            super(manager, session -> block.crossState(pad(session, sources, block.config().maxSourceLength())),
                    block.config().vocabSize(), block.config().maxTargetLength(), "maxTargetLength");
        }

        @Override
        protected NDList decode(int[] tokens, int position, NDList cross, NDList cache) {
            return block.decodeStep(column(tokens), position, cross, cache);
        }
    }
}
