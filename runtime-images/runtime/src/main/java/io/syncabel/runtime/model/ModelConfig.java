package io.syncabel.runtime.model;

/**
 * Shape of the encoder-decoder. Saved beside the weights (config.json) so a model artifact is
 * self-describing; the named sizes are starting points that explicit fields override.
 */
public record ModelConfig(
        int vocabSize,
        int hiddenSize,
        int encoderLayers,
        int decoderLayers,
        int heads,
        int ffnSize,
        float dropout,
        int maxSourceLength,
        int maxTargetLength) {

    public ModelConfig {
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide hiddenSize (" + hiddenSize + ")");
        }
        if (vocabSize < 8 || encoderLayers < 1 || decoderLayers < 1 || maxSourceLength < 2 || maxTargetLength < 2) {
            throw new IllegalArgumentException("invalid model size " + this);
        }
    }

    /** Source tokens around the mention of the CPU default ({@link #small}), also a pretrained generator's default. */
    public static final int DEFAULT_MAX_SOURCE_LENGTH = 96;

    /** Seconds to train on a laptop; for tests and the quickstart. */
    public static ModelConfig tiny(int vocabSize) {
        return new ModelConfig(vocabSize, 64, 2, 2, 4, 256, 0.1f, 64, 64);
    }

    /** The CPU default: about 2-5M parameters depending on the vocabulary. */
    public static ModelConfig small(int vocabSize) {
        return new ModelConfig(vocabSize, 192, 3, 3, 6, 768, 0.1f, DEFAULT_MAX_SOURCE_LENGTH, 96);
    }

    /** For a GPU. */
    public static ModelConfig base(int vocabSize) {
        return new ModelConfig(vocabSize, 512, 6, 6, 8, 2048, 0.1f, 128, 128);
    }

    public int headSize() {
        return hiddenSize / heads;
    }
}
