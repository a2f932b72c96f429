package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One `kb build`: read every source into a {@link KbBuilder}, resolve, write the artifact. Nothing is
 * published unless everything succeeded; a failure abandons the prefix (the writer removes it).
 */
public final class KbBuild {

    /** One terminology source: where, which format, and its label in the concepts' {@code sources}. */
    public record Source(String uri, String format, String label) {
    }

    private final ArtifactStore store;
    private final Function<String, ArtifactStore> inputStores;
    private final PrintWriter log;

    /**
     * @param store       where the artifact is written
     * @param inputStores the store serving each input URI
     */
    public KbBuild(ArtifactStore store, Function<String, ArtifactStore> inputStores, PrintWriter log) {
        this.store = store;
        this.inputStores = inputStores;
        this.log = log;
    }

    /** Builds and publishes; returns the one-line summary (concepts, names, per group, skipped lines). */
    public Map<String, Object> run(List<Source> sources, KbOptions options, Map<String, Object> metadata,
            String outUri) throws IOException {
        if (sources.isEmpty()) {
            throw new UserError("no source to read (spec.sources or --source)");
        }
        long started = System.nanoTime();
        Problems problems = new Problems(options.lenient());
        try (ArtifactWriter writer = store.create(outUri)) {
            Inputs inputs = new Inputs(inputStores, rows -> progress(outUri, rows, "reading"));
            KbBuilder builder = new KbBuilder(options);
            for (Source s : sources) {
                log.println("kb build: reading " + s.format() + " " + s.uri());
                SourceReader reader = SourceReader.forFormat(s.format());
                builder.source(s.label());
                reader.read(s.uri(), inputs, options, problems, builder);
                log.printf("kb build: %,d rows read, %,d concepts so far (%.1f s)%n", inputs.rows(),
                        builder.conceptCount(), (System.nanoTime() - started) / 1e9);
            }
            if (problems.warnings() > 0) {
                problems.warningExamples().forEach(w -> log.println("kb build: warning: " + w));
                log.printf("kb build: %,d warning%s (first %d above; all counted in the manifest as warnings)%n",
                        problems.warnings(), problems.warnings() == 1 ? "" : "s", problems.warningExamples().size());
            }
            if (builder.conceptCount() == 0) {
                throw new UserError("the sources hold no concept after filtering (" + sources.get(0).uri() + ")");
            }
            progress(outUri, inputs.rows(), "resolving ambiguity");
            TreeMap<String, Object> info = new TreeMap<>();
            if (metadata != null && !metadata.isEmpty()) {
                info.put("metadata", metadata);
            }
            info.put("sources", sources);
            info.put("defaultGroup", options.defaultGroup());
            KnowledgeBase kb = builder.build(info);
            log.printf("kb build: %,d concepts, %,d names (%.1f s); writing %s%n", kb.concepts().size(), kb.nameCount(),
                    (System.nanoTime() - started) / 1e9, outUri);
            Map<String, Object> extra = new TreeMap<>();
            extra.put("rows", inputs.rows());
            extra.put("skippedLines", problems.skipped());
            if (!problems.examples().isEmpty()) {
                extra.put("skippedExamples", problems.examples());
            }
            extra.put("warnings", problems.warnings());
            if (!problems.warningExamples().isEmpty()) {
                extra.put("warningExamples", problems.warningExamples());
            }
            Manifest manifest = KbArtifact.write(writer, kb, extra, inputs.inputs());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("concepts", kb.concepts().size());
            summary.put("names", kb.nameCount());
            summary.put("conceptsPerGroup", manifest.counts().get("conceptsPerGroup"));
            summary.put("rows", inputs.rows());
            summary.put("skippedLines", problems.skipped());
            summary.put("warnings", problems.warnings());
            if (metadata != null && metadata.get("version") != null) {
                summary.put("kbVersion", metadata.get("version"));
            }
            summary.put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
            return summary;
        }
    }

    private void progress(String outUri, long rows, String message) {
        log.printf("kb build: %s, %,d rows%n", message, rows);
        log.flush();
        try {
            store.writeProgress(outUri, "{\"done\":" + rows + ",\"total\":null,\"message\":\"" + message
                    + "\",\"updatedAt\":\"" + Instant.now() + "\"}");
        } catch (IOException | RuntimeException e) {
            // Progress is advisory: a store hiccup on progress.json must not fail the build.
        }
    }
}
