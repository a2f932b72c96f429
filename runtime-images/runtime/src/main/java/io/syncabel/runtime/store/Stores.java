package io.syncabel.runtime.store;

/** Picks the store for a URI scheme. */
public final class Stores {
    private Stores() {
    }

    public static ArtifactStore forUri(String uri) {
        if (StoreUris.isFile(uri)) {
            return new FolderStore();
        }
        if (StoreUris.isS3(uri)) {
            throw new StoreException(uri + ": the S3 store is not available in this build yet");
        }
        throw new StoreException(uri + ": unsupported scheme (expected file: or s3://)");
    }
}
