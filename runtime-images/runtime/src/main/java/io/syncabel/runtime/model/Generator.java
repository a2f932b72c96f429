package io.syncabel.runtime.model;

import io.syncabel.runtime.link.StepDecoder;

/**
 * The network a generative linker decodes with and training updates: the project's own {@link Seq2SeqModel}, or a
 * pretrained checkpoint's network fine-tuned as the linker ({@link GeneratorFamily}). Close it to free native memory.
 */
public interface Generator extends StepDecoder, TrainableSeq2Seq, AutoCloseable {

    /** The current weights, serialised as the model artifact stores them (the best weights, checkpoints). */
    byte[] weights();

    /** Trainable parameters. */
    long parameterCount();

    @Override
    void close();
}
