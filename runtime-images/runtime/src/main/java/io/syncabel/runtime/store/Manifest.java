package io.syncabel.runtime.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * manifest.json: what an artifact holds (files with size and sha256), its headline counts, the inputs it
 * was made from (with their digests, for lineage) and the tool version that made it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int formatVersion,
        String kind,
        String toolVersion,
        String createdAt,
        List<FileEntry> files,
        Map<String, Object> counts,
        List<Input> inputs) {

    public static final String FILE_NAME = "manifest.json";
    public static final String PROGRESS_FILE = "progress.json";

    public record FileEntry(String name, long size, String sha256) {
    }

    /** An input: a URI and the sha256 of its manifest (artifacts) or of its bytes (raw files). */
    public record Input(String uri, String sha256) {
    }

    public FileEntry file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new StoreException("artifact has no file " + name));
    }
}
