package io.syncabel.runtime.eval;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the report goes: an artifact in the store (file: or s3:// prefix: files, then manifest.json, so
 * the operator sees all or nothing, with progress.json beside it while the judge runs) or a plain local
 * folder for ad-hoc runs (files overwritten in place, no progress file).
 */
public final class ReportOutput implements AutoCloseable {
    public static final String KIND = "evaluation";

    private final String out;
    private final ArtifactStore store;
    private final ArtifactWriter writer;

    private ReportOutput(String out, ArtifactStore store, ArtifactWriter writer) {
        this.out = out;
        this.store = store;
        this.writer = writer;
    }

    /** Opens the target before the work starts: a store prefix is claimed (and cleared of leftovers) now. */
    public static ReportOutput open(String out) throws IOException {
        if (StoreUris.isFile(out) || StoreUris.isS3(out)) {
            ArtifactStore store = Stores.forUri(out);
            try {
                return new ReportOutput(out, store, store.create(out));
            } catch (IOException | RuntimeException e) {
                store.close();
                throw e;
            }
        }
        Path dir = Path.of(out);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(out + ": --out must be a folder or a file:/s3:// prefix, not a file");
        }
        return new ReportOutput(out, null, null);
    }

    /** progress.json for the operator (store targets only). */
    public void progress(long done, long total, String message) throws IOException {
        if (store == null) {
            return;
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("done", done);
        p.put("total", total);
        p.put("message", message);
        p.put("updatedAt", Instant.now().toString());
        store.writeProgress(out, Json.MAPPER.writeValueAsString(p));
    }

    /** Writes the files (and, for the store, manifest.json last); returns where they went. */
    public String finish(Map<String, byte[]> files, Map<String, Object> counts, List<Manifest.Input> inputs)
            throws IOException {
        if (writer != null) {
            for (var e : files.entrySet()) {
                try (OutputStream o = writer.file(e.getKey())) {
                    o.write(e.getValue());
                }
            }
            writer.publish(KIND, counts, inputs);
            return out;
        }
        Path dir = Path.of(out);
        Files.createDirectories(dir);
        for (var e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        return dir.toString();
    }

    /** An unpublished artifact stays invisible. */
    @Override
    public void close() throws IOException {
        if (writer != null) {
            try {
                writer.close();
            } finally {
                store.close();
            }
        }
    }
}
