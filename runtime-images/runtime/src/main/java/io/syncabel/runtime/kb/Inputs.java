package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.text.LineSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Opens the input files of one build through the artifact store (file: or s3:), records each file's
 * sha256 for the manifest's lineage, and reports progress as rows go by.
 */
public final class Inputs {
    private final Function<String, ArtifactStore> stores;
    private final List<Manifest.Input> read = new ArrayList<>();
    private final LongConsumer progress;
    private long rows;

    /** @param stores the store that serves a URI (inputs may live in a folder while the output goes to S3) */
    public Inputs(Function<String, ArtifactStore> stores, LongConsumer progress) {
        this.stores = stores;
        this.progress = progress;
    }

    /** A file's lines; the caller closes it, and its digest is recorded when it was read to the end. */
    public LineSource open(String uri) {
        InputStream in;
        try {
            in = stores.apply(uri).open(uri);
        } catch (IOException | RuntimeException e) {
            throw new UserError(uri + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return new LineSource(displayName(uri), in);
        } catch (IOException e) {
            throw new UserError(uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Records a fully read source (its digest covers every byte). */
    public void done(String uri, LineSource source) {
        read.add(new Manifest.Input(uri, source.sha256()));
    }

    /** The first of the candidate names that exists under a folder URI (MRCONSO.RRF or MRCONSO.RRF.gz). */
    public String child(String folderUri, List<String> names, boolean required) {
        List<String> present;
        try {
            present = stores.apply(folderUri).list(folderUri.endsWith("/") ? folderUri : folderUri + "/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String n : names) {
            String uri = StoreUris.join(folderUri, n);
            if (present.contains(uri)) {
                return uri;
            }
        }
        if (required) {
            throw new UserError(folderUri + ": missing " + String.join(" or ", names));
        }
        return null;
    }

    public void row() {
        if ((++rows & 0xFFFFF) == 0) {
            progress.accept(rows);
        }
    }

    public long rows() {
        return rows;
    }

    public List<Manifest.Input> inputs() {
        return List.copyOf(read);
    }

    static String displayName(String uri) {
        return uri.startsWith("file:") ? StoreUris.toPath(uri).toString() : uri;
    }
}
