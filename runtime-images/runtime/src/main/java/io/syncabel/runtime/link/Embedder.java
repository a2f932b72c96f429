package io.syncabel.runtime.link;

import java.util.List;

/**
 * Text to unit-length vectors, for dense retrieval: similar meanings give a high inner product.
 * Implemented by the pretrained sentence encoder (model.pretrained); the link layer only needs this.
 */
public interface Embedder {

    /** Length of every vector {@link #embed} returns. */
    int dimension();

    /** One L2-normalised vector per text, in the order given. */
    float[][] embed(List<String> texts);
}
