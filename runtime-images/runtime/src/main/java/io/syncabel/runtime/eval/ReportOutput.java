package io.syncabel.runtime.eval;

import io.syncabel.runtime.cli.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the report goes: an artifact in the store (file: or s3:// prefix: files, then manifest.json, so
 * the operator sees all or nothing) or a plain local folder for ad-hoc runs (files overwritten in place).
 */
public final class ReportOutput {
    public static final String KIND = "evaluation";

    private ReportOutput() {
    }

    public static boolean isStoreUri(String out) {
        return StoreUris.isFile(out) || StoreUris.isS3(out);
    }

    /** Writes the files; returns where they went, for the user. */
    public static String write(String out, Map<String, byte[]> files, Map<String, Object> counts,
                               List<Manifest.Input> inputs) throws IOException {
        if (isStoreUri(out)) {
            try (ArtifactStore store = Stores.forUri(out); ArtifactWriter writer = store.create(out)) {
                for (var e : files.entrySet()) {
                    try (OutputStream o = writer.file(e.getKey())) {
                        o.write(e.getValue());
                    }
                }
                writer.publish(KIND, counts, inputs);
            }
            return out;
        }
        Path dir = Path.of(out);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(out + ": --out must be a folder or a file:/s3:// prefix, not a file");
        }
        Files.createDirectories(dir);
        for (var e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        return dir.toString();
    }
}
