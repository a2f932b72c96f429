package io.syncabel.runtime.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where artifacts live: an S3 bucket (s3://bucket/prefix/) or a folder (file:/path/). An artifact is a
 * prefix holding files plus a manifest.json written last; it exists for readers only once its manifest
 * does, and is immutable after that.
 */
public interface ArtifactStore extends AutoCloseable {

    /** Reads any object or file by URI (inputs such as terminology files are read this way too). */
    InputStream open(String uri) throws IOException;

    /** Starts writing an artifact under the given prefix; nothing is visible until {@link ArtifactWriter#publish}. */
    ArtifactWriter create(String prefixUri) throws IOException;

    /** The manifest of a published artifact, or empty when the prefix holds none (absent or half-written). */
    Optional<Manifest> manifest(String prefixUri) throws IOException;

    /** Opens one file of a published artifact, verifying its size and sha256 against the manifest as it is read. */
    InputStream openVerified(String prefixUri, String file) throws IOException;

    /** Object URIs under a prefix, sorted. */
    List<String> list(String prefixUri) throws IOException;

    /** Overwrites the prefix's progress.json (live progress for the operator; not part of the artifact). */
    void writeProgress(String prefixUri, String json) throws IOException;

    /** Deletes everything under a prefix (artifactPolicy: Delete). */
    void delete(String prefixUri) throws IOException;

    @Override
    void close() throws IOException;
}
