package io.syncabel.runtime.store;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** Writes the files of one artifact, hashing as it streams; {@link #publish} writes manifest.json last. */
public interface ArtifactWriter extends AutoCloseable {

    /** A stream for one file of the artifact (relative name, may contain '/'); closed by the caller. */
    OutputStream file(String name) throws IOException;

    /**
     * Writes manifest.json, making the artifact visible. Every file opened must be closed first.
     *
     * @param kind   what the artifact is (knowledge-base, corpus-examples, synthetic-dataset, model, evaluation)
     * @param counts headline figures (concepts, names, examples...)
     * @param inputs the artifacts and files it was made from
     */
    Manifest publish(String kind, Map<String, Object> counts, List<Manifest.Input> inputs) throws IOException;

    /** Abandons an unpublished artifact: whatever was written stays invisible (and is removed where possible). */
    @Override
    void close() throws IOException;
}
