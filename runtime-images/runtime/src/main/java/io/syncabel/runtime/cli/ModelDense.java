package io.syncabel.runtime.cli;

import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.model.pretrained.DenseArtifact;
import java.io.IOException;

/**
 * Opens the dense retriever a model was trained with (model.json's denseUri), or the one the user names, and attaches
 * it to the model so its default linker retrieves with it. Lives here because model.pretrained sits above model.
 */
final class ModelDense {
    private ModelDense() {
    }

    /**
     * {@code explicitUri}: --dense, which wins over the model's own; null: the model's, if any. Returns the retriever's
     * URI, or null when there is none.
     */
    static String attach(ModelArtifact artifact, String explicitUri) throws IOException {
        String uri = explicitUri != null ? Uris.prefix(explicitUri) : artifact.info().denseUri();
        if (uri == null) {
            return null;
        }
        DenseArtifact dense = DenseArtifact.load(uri);
        artifact.attachDense(dense.retriever(), dense);
        return uri;
    }
}
