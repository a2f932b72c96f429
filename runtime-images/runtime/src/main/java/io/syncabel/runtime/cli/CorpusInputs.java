package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/** Corpus locations of manifests (file: relative to a base folder, or s3://, copied to a temporary file) as local paths. */
final class CorpusInputs {
    private CorpusInputs() {
    }

    /** A local file for a corpus given as a path, a file: URI (relative: against base) or an s3:// URI. */
    static Path local(String location, Path base, Map<String, String> env) {
        if (StoreUris.isS3(location)) {
            String name = location.substring(location.lastIndexOf('/') + 1);
            try (ArtifactStore store = Stores.forUri(location, env); InputStream in = store.open(location)) {
                Path tmp = Files.createTempFile("syncabel-corpus-", "-" + name);
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return tmp;
            } catch (IOException e) {
                throw new UserError(location + ": cannot read: " + e.getMessage(), e);
            }
        }
        if (location.startsWith("http://") || location.startsWith("https://")) {
            throw new UserError(location + ": http(s) corpora are not read by this runtime; copy the corpus to the store (s3://) or a file:");
        }
        return StoreUris.toPath(KbCommand.Build.toUri(location, base));
    }

    static String format(CorpusSource.Format f) {
        return f == null ? null : f.name().toLowerCase(Locale.ROOT);
    }
}
