package io.syncabel.runtime.model;

import io.syncabel.runtime.link.StepDecoder;

/**
 * The network a generative linker decodes with and training updates: the project's own {@link Seq2SeqModel}, or a
 * pretrained checkpoint's network fine-tuned as the linker ({@link GeneratorFamily}). Close it to free native memory.
 */
public interface Generator extends StepDecoder, TrainableSeq2Seq, AutoCloseable {

    /**
     * Writes the current weights as the model artifact stores them (the best weights, checkpoints), straight to
     * {@code out}: a large checkpoint's do not fit one array.
     */
    void save(java.io.OutputStream out) throws java.io.IOException;

    /** Trainable parameters. */
    long parameterCount();

    @Override
    void close();
}
