package io.syncabel.runtime.cli;

import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.model.NameTable;
import io.syncabel.runtime.serve.LinkerLoader;
import io.syncabel.runtime.serve.SmokeQuery;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;

/**
 * Lets `syncabel serve` open model artifacts written by `syncabel train` (file: and s3:// prefixes) with the dense
 * retriever they were trained with, registered in META-INF/services. The smoke query links the KB's first name to its
 * own code.
 */
public final class ModelLinkerProvider implements LinkerLoader.Provider {

    @Override
    public boolean canOpen(String modelUri) {
        return StoreUris.isFile(modelUri) || StoreUris.isS3(modelUri)
                || java.nio.file.Files.isRegularFile(java.nio.file.Path.of(modelUri, io.syncabel.runtime.store.Manifest.FILE_NAME));
    }

    @Override
    public LinkerLoader loader() {
        return (uri, progress) -> {
            String location = StoreUris.isFile(uri) || StoreUris.isS3(uri) ? uri
                    : "file:" + java.nio.file.Path.of(uri).toAbsolutePath().normalize();
            String prefix = location.endsWith("/") ? location : location + "/";
            progress.accept("reading model artifact " + prefix + " (checksums verified)");
            ModelArtifact artifact;
            try (ArtifactStore store = Stores.forUri(prefix)) {
                artifact = ModelArtifact.load(store, prefix);
            }
            progress.accept(String.format("model loaded: %,d parameters, %,d names in %d group tries",
                    artifact.info().parameters(), artifact.names().entries().size(), artifact.tries().byGroup().size()));
            NameTable.Entry first = artifact.names().get(0);
            if (!artifact.mentions().isEmpty()) {
                progress.accept("reading knowledge base " + artifact.info().kbUri() + " for the lookup of "
                        + artifact.mentions().size() + " training mentions and TF-IDF candidates (fusion)");
            }
            if (artifact.info().denseUri() != null && !artifact.mentions().isEmpty()) {
                progress.accept("reading dense retriever " + artifact.info().denseUri());
                try {
                    ModelDense.attach(artifact, null);
                } catch (java.io.IOException | RuntimeException e) {
                    try {
                        artifact.close();
                    } catch (java.io.IOException | RuntimeException closing) {
                        e.addSuppressed(closing); // the reader's error is the one to show, not the close's
                    }
                    throw e;
                }
            }
            return new LinkerLoader.Loaded(artifact.defaultLinker(prefix, artifact.info().kbUri()),
                    SmokeQuery.ofKbName(first.name(), first.group(), first.codes().get(0)));
        };
    }
}
