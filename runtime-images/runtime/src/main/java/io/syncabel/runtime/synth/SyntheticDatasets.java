package io.syncabel.runtime.synth;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Manifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store layout of a synthetic dataset under its prefix P (SYNCABEL_OUTPUT_URI or --out):
 * <pre>
 * P/shards/&lt;i&gt;-of-&lt;N&gt;/          one published artifact per shard: records.jsonl, failures.jsonl, manifest.json
 * P/batches/&lt;i&gt;-of-&lt;N&gt;/&lt;from&gt;-&lt;to&gt;/  published batches of a shard still running (resume points; removed when the shard is published)
 * P/progress/&lt;i&gt;-of-&lt;N&gt;/progress.json   live progress of each shard (and P/progress.json when N = 1)
 * </pre>
 * The dataset is complete when the manifests of all N shards exist; {@link #read} refuses anything less.
 */
public final class SyntheticDatasets {
    public static final String SHARD_KIND = "synthetic-dataset-shard";
    public static final String BATCH_KIND = "synthetic-dataset-batch";
    public static final String RECORDS = "records.jsonl";
    public static final String FAILURES = "failures.jsonl";
    private static final Pattern SHARD_MANIFEST = Pattern.compile("shards/(\\d+)-of-(\\d+)/" + Manifest.FILE_NAME + "$");

    private SyntheticDatasets() {
    }

    public static String shardName(int index, int shards) {
        return index + "-of-" + shards;
    }

    public static String shardPrefix(String prefix, int index, int shards) {
        return slash(prefix) + "shards/" + shardName(index, shards) + "/";
    }

    public static String batchesPrefix(String prefix, int index, int shards) {
        return slash(prefix) + "batches/" + shardName(index, shards) + "/";
    }

    public static String batchPrefix(String prefix, int index, int shards, int from, int to) {
        return batchesPrefix(prefix, index, shards) + String.format("%09d-%09d/", from, to);
    }

    public static String progressPrefix(String prefix, int index, int shards) {
        return slash(prefix) + "progress/" + shardName(index, shards) + "/";
    }

    /** A complete dataset: its shard count and the shards' manifests, in index order. */
    public record Dataset(String uri, int shards, List<Manifest> manifests) {
        /** Sum of a numeric count over the shards. */
        public long count(String name) {
            long sum = 0;
            for (Manifest m : manifests) {
                Object v = m.counts().get(name);
                if (v instanceof Number n) {
                    sum += n.longValue();
                }
            }
            return sum;
        }
    }

    /** Opens a complete dataset: fails, naming what is missing, unless every shard of one shard count is published. */
    public static Dataset open(ArtifactStore store, String prefix) throws IOException {
        String p = slash(prefix);
        Map<Integer, TreeSet<Integer>> byCount = new TreeMap<>();
        for (String uri : store.list(p + "shards/")) {
            Matcher m = SHARD_MANIFEST.matcher(uri);
            if (m.find()) {
                byCount.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new TreeSet<>()).add(Integer.parseInt(m.group(1)));
            }
        }
        if (byCount.isEmpty()) {
            throw new UserError(p + ": not a synthetic dataset (no published shard under " + p + "shards/)");
        }
        List<Integer> complete = byCount.entrySet().stream().filter(e -> e.getValue().size() == e.getKey())
                .map(Map.Entry::getKey).toList();
        if (complete.isEmpty()) {
            StringBuilder why = new StringBuilder();
            byCount.forEach((n, done) -> {
                List<Integer> missing = new ArrayList<>();
                for (int i = 0; i < n && missing.size() < 20; i++) {
                    if (!done.contains(i)) {
                        missing.add(i);
                    }
                }
                why.append(why.length() == 0 ? "" : "; ").append(done.size()).append(" of ").append(n)
                        .append(" shards published, missing ").append(missing).append(n - done.size() > missing.size() ? "..." : "");
            });
            throw new UserError(p + ": synthetic dataset incomplete: " + why + " (is `syncabel synth generate` still running?)");
        }
        if (complete.size() > 1) {
            throw new UserError(p + ": holds complete datasets for several shard counts " + complete
                    + "; give each generation its own prefix");
        }
        int n = complete.get(0);
        List<Manifest> manifests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String shard = shardPrefix(p, i, n);
            Manifest m = store.manifest(shard).orElseThrow(() -> new UserError(shard + ": shard manifest vanished"));
            if (!SHARD_KIND.equals(m.kind())) {
                throw new UserError(shard + ": a " + m.kind() + " artifact, not a " + SHARD_KIND);
            }
            manifests.add(m);
        }
        return new Dataset(p, n, manifests);
    }

    /** Every record of a complete dataset, shards in index order (the order of the concept selection). */
    public static List<SynthRecord> read(ArtifactStore store, String prefix) throws IOException {
        List<SynthRecord> out = new ArrayList<>();
        forEachRecord(store, open(store, prefix), out::add);
        return out;
    }

    public static void forEachRecord(ArtifactStore store, Dataset dataset, Consumer<SynthRecord> sink) throws IOException {
        for (int i = 0; i < dataset.shards(); i++) {
            readJsonl(store, shardPrefix(dataset.uri(), i, dataset.shards()), RECORDS, SynthRecord.class, sink);
        }
    }

    public static List<SynthFailure> failures(ArtifactStore store, Dataset dataset) throws IOException {
        List<SynthFailure> out = new ArrayList<>();
        for (int i = 0; i < dataset.shards(); i++) {
            readJsonl(store, shardPrefix(dataset.uri(), i, dataset.shards()), FAILURES, SynthFailure.class, out::add);
        }
        return out;
    }

    static <T> void readJsonl(ArtifactStore store, String artifact, String file, Class<T> type, Consumer<T> sink)
            throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(store.openVerified(artifact, file),
                StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    sink.accept(Json.MAPPER.readValue(line, type));
                }
            }
        }
    }

    static String slash(String prefix) {
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** Training examples from synthetic records, and how many records were left out (concept unknown or without names). */
    public record TrainingExamples(List<io.syncabel.runtime.model.LinkerTraining.SyntheticExample> examples, long skipped) {
    }

    /**
     * Synthetic records as training examples: the record's marked sentence as the source, its mention, and as the
     * target the concept's name closest to the mention (TF-IDF, as for human examples; reference section 3.3).
     */
    public static TrainingExamples trainingExamples(io.syncabel.runtime.kb.KnowledgeBase kb, List<SynthRecord> records) {
        List<io.syncabel.runtime.model.LinkerTraining.SyntheticExample> out = new ArrayList<>(records.size());
        long skipped = 0;
        Map<String, String> closest = new java.util.HashMap<>();
        for (SynthRecord r : records) {
            var concept = kb.concept(r.code());
            if (concept.isEmpty() || concept.get().names().isEmpty() || r.mention() == null || r.sentence() == null) {
                skipped++;
                continue;
            }
            List<String> names = concept.get().names();
            String name = closest.computeIfAbsent(r.code() + "\t" + r.mention(), k -> io.syncabel.runtime.corpus.ExampleBuilder
                    .cleanNatural(names.get(kb.tfidf().closest(r.mention(), names))));
            out.add(new io.syncabel.runtime.model.LinkerTraining.SyntheticExample(r.sentence(), r.mention(), name, r.code()));
        }
        return new TrainingExamples(out, skipped);
    }
}
