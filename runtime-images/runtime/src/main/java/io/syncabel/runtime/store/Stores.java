package io.syncabel.runtime.store;

import java.util.Map;

/** Picks the store for a URI scheme. */
public final class Stores {
    private Stores() {
    }

    /**
     * The store for a URI. For s3:// the connection settings come from the environment (see docs/store.md) and
     * are checked now, so a missing variable fails the stage before any work; the client itself is built on
     * first use and released by {@link ArtifactStore#close()}.
     */
    public static ArtifactStore forUri(String uri) {
        return forUri(uri, System.getenv());
    }

    /** The store for a URI, with S3 settings from the given environment (in-process stages pass their own). */
    public static ArtifactStore forUri(String uri, Map<String, String> env) {
        if (StoreUris.isFile(uri)) {
            return new FolderStore();
        }
        if (StoreUris.isS3(uri)) {
            return new S3Store(S3Config.fromEnv(env));
        }
        throw new StoreException(uri + ": unsupported scheme (expected file: or s3://)");
    }
}
