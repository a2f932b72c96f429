package io.syncabel.runtime.cli;

import io.syncabel.runtime.store.StoreUris;
import java.nio.file.Path;

/** Command-line locations: a URI as given, or a plain path made a file: URI. */
final class Uris {
    private Uris() {
    }

    /** An artifact prefix: file:/s3:// kept, a path made absolute, always ending in '/'. */
    static String prefix(String location) {
        String uri = StoreUris.isS3(location) || StoreUris.isFile(location) ? location
                : "file:" + Path.of(location).toAbsolutePath().normalize();
        return uri.endsWith("/") ? uri : uri + "/";
    }
}
