package io.syncabel.runtime.synth;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.llm.RequestPool;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One shard of a synthetic dataset (see {@link SyntheticDatasets} for the layout). The shard's units are cut into
 * batches of {@code batchSize}; each batch is published as its own small artifact as soon as it is done, so a shard
 * killed half-way (pod evicted, endpoint down) resumes from its last published batch. When every batch is there,
 * their records are concatenated into the shard artifact, published last; then the batches are removed. A shard
 * whose artifact exists is skipped.
 *
 * <p>Every unit ends in the shard as generated (its records) or failed (with a reason), exactly once. If the endpoint
 * looks down ({@code maxConsecutiveTransportFailures} units in a row failed on timeouts, 5xx, 429 or broken
 * connections), the run stops with {@link Aborted} instead of recording every remaining concept as failed: the pod
 * fails, the Job retries it, and the retry resumes.
 */
public final class SynthRun {

    /**
     * @param batchSize                         units per published batch (resume granularity)
     * @param maxConsecutiveTransportFailures   transport failures in a row that abort the run (0: never abort)
     */
    public record Options(int shard, int shards, int batchSize, int maxConsecutiveTransportFailures) {
        public Options {
            if (shards < 1 || shard < 0 || shard >= shards) {
                throw new io.syncabel.runtime.text.UserError("shard " + shard + " of " + shards
                        + ": the index must be in [0, shards) and shards >= 1");
            }
            if (batchSize < 1) {
                throw new io.syncabel.runtime.text.UserError("batch size must be >= 1, got " + batchSize);
            }
        }
    }

    /** The endpoint looks down: the run stopped; published batches are kept for the next attempt. */
    public static final class Aborted extends RuntimeException {
        public Aborted(String message) {
            super(message);
        }
    }

    /** Receives live progress (the same JSON written to progress.json). */
    public interface ProgressSink {
        void progress(String json);
    }

    private final ArtifactStore store;
    private final String prefix;
    private final KnowledgeBase kb;
    private final List<Unit> units;
    private final Generator generator;
    private final Options options;
    private final PrintWriter log;
    private final Map<String, Object> settings;
    private final List<Manifest.Input> inputs;

    /**
     * @param units    the whole selection, in order (this shard takes its range)
     * @param settings extra figures for the shard manifest (language, examplesPerConcept, selection...)
     */
    public SynthRun(ArtifactStore store, String prefix, KnowledgeBase kb, List<Unit> units, Generator generator,
            Options options, PrintWriter log, Map<String, Object> settings, List<Manifest.Input> inputs) {
        this.store = store;
        this.prefix = SyntheticDatasets.slash(prefix);
        this.kb = kb;
        this.units = units;
        this.generator = generator;
        this.options = options;
        this.log = log;
        this.settings = settings;
        this.inputs = inputs;
    }

    /** Runs (or skips) the shard; returns its summary (the shard manifest's counts plus where and whether skipped). */
    public Map<String, Object> run() throws IOException, InterruptedException {
        int i = options.shard();
        int n = options.shards();
        String shardPrefix = SyntheticDatasets.shardPrefix(prefix, i, n);
        var existing = store.manifest(shardPrefix);
        if (existing.isPresent()) {
            log.printf("synth: shard %d of %d already published at %s: skipped%n", i, n, shardPrefix);
            log.flush();
            return summary(existing.get().counts(), shardPrefix, true);
        }
        int[] range = ConceptSelection.range(units.size(), i, n);
        int total = range[1] - range[0];
        log.printf("synth: shard %d of %d: units %d..%d of %d, generator %s%s, batches of %d%n", i, n, range[0], range[1],
                units.size(), generator.name(), generator.model() == null ? "" : " (" + generator.model() + ")",
                options.batchSize());
        List<String> batches = new ArrayList<>();
        Map<String, Object> sums = new TreeMap<>();
        int resumed = 0;
        int[] consecutive = {0};
        long started = System.nanoTime();
        RequestPool pool = generator.parallelism() > 1 ? RequestPool.of(generator.parallelism(), "synth-generate") : null;
        try {
            for (int from = 0; from < total; from += options.batchSize()) {
                int to = Math.min(total, from + options.batchSize());
                String batchPrefix = SyntheticDatasets.batchPrefix(prefix, i, n, from, to);
                var done = store.manifest(batchPrefix);
                Map<String, Object> counts;
                if (done.isPresent() && SyntheticDatasets.BATCH_KIND.equals(done.get().kind())) {
                    counts = done.get().counts();
                    resumed++;
                } else {
                    counts = batch(units.subList(range[0] + from, range[0] + to), batchPrefix, pool, consecutive);
                }
                batches.add(batchPrefix);
                add(sums, counts);
                progress(i, n, to, total, sums, started, resumed);
            }
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
        Map<String, Object> counts = shardCounts(sums, total, resumed);
        try (ArtifactWriter writer = store.create(shardPrefix)) {
            concat(writer, batches, SyntheticDatasets.RECORDS);
            concat(writer, batches, SyntheticDatasets.FAILURES);
            writer.publish(SyntheticDatasets.SHARD_KIND, counts, inputs);
        }
        try {
            store.delete(SyntheticDatasets.batchesPrefix(prefix, i, n));
        } catch (IOException | RuntimeException e) {
            log.println("synth: warning: cannot remove the batches of the published shard: " + e.getMessage());
        }
        log.printf("synth: shard %d of %d published at %s%n", i, n, shardPrefix);
        log.flush();
        return summary(counts, shardPrefix, false);
    }

    private Map<String, Object> batch(List<Unit> batch, String batchPrefix, RequestPool pool, int[] consecutive)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Map<String, Long> before = generator.usage();
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        List<Future<Outcome>> futures = new ArrayList<>();
        if (pool != null) {
            for (Unit u : batch) {
                futures.add(pool.submit(() -> generator.generate(u, concept(u))));
            }
        }
        try {
            for (int k = 0; k < batch.size(); k++) {
                Outcome o;
                if (pool != null) {
                    try {
                        o = futures.get(k).get();
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("generating " + batch.get(k) + ": " + e.getCause(), e.getCause());
                    }
                } else {
                    o = generator.generate(batch.get(k), concept(batch.get(k)));
                }
                if (o instanceof Outcome.Failed f && f.transport()) {
                    consecutive[0]++;
                    if (options.maxConsecutiveTransportFailures() > 0
                            && consecutive[0] >= options.maxConsecutiveTransportFailures()) {
                        throw new Aborted(consecutive[0] + " concepts in a row failed on the endpoint (last: " + f.reason()
                                + "); stopping so a retry resumes from the last published batch");
                    }
                } else {
                    consecutive[0] = 0;
                }
                outcomes.add(o);
            }
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
        // A batch never ends on endpoint failures: those may be the start of an outage, and a published batch is final.
        // Its trailing units are asked again until they get an answer or the streak reaches the abort threshold.
        if (options.maxConsecutiveTransportFailures() > 0) {
            for (int k = trailingStreak(outcomes); k < batch.size(); k = trailingStreak(outcomes)) {
                for (int j = k; j < batch.size(); j++) {
                    Outcome o = generator.generate(batch.get(j), concept(batch.get(j)));
                    if (o instanceof Outcome.Failed f && f.transport()) {
                        consecutive[0]++;
                        if (consecutive[0] >= options.maxConsecutiveTransportFailures()) {
                            throw new Aborted(consecutive[0] + " concepts in a row failed on the endpoint (last: " + f.reason()
                                    + "); stopping so a retry resumes from the last published batch");
                        }
                    } else {
                        consecutive[0] = 0;
                    }
                    outcomes.set(j, o);
                }
            }
        }
        long generated = 0;
        long records = 0;
        long failed = 0;
        Map<String, Long> reasons = new TreeMap<>();
        try (ArtifactWriter writer = store.create(batchPrefix)) {
            try (Writer rec = utf8(writer.file(SyntheticDatasets.RECORDS));
                    Writer fail = utf8(writer.file(SyntheticDatasets.FAILURES))) {
                for (int k = 0; k < batch.size(); k++) {
                    Unit u = batch.get(k);
                    Outcome o = outcomes.get(k);
                    if (o instanceof Outcome.Generated g && !g.records().isEmpty()) {
                        generated++;
                        for (SynthRecord r : g.records()) {
                            rec.write(Json.MAPPER.writeValueAsString(r));
                            rec.write('\n');
                            records++;
                        }
                    } else {
                        Outcome.Failed f = o instanceof Outcome.Failed x ? x : new Outcome.Failed("no examples", 1, false);
                        failed++;
                        reasons.merge(f.reason(), 1L, Long::sum);
                        fail.write(Json.MAPPER.writeValueAsString(new SynthFailure(u.code(), u.group(), f.reason(), f.attempts())));
                        fail.write('\n');
                    }
                }
            }
            Map<String, Object> counts = new TreeMap<>();
            counts.put("units", batch.size());
            counts.put("generated", generated);
            counts.put("failed", failed);
            counts.put("records", records);
            counts.put("failedByReason", reasons);
            Map<String, Long> after = generator.usage();
            after.forEach((k, v) -> counts.put(k, v - before.getOrDefault(k, 0L)));
            counts.put("seconds", (System.nanoTime() - t0) / 1e9);
            writer.publish(SyntheticDatasets.BATCH_KIND, counts, List.of());
            return counts;
        }
    }

    /** Index where the run of transport failures ending the batch starts (the batch size when there is none). */
    private static int trailingStreak(List<Outcome> outcomes) {
        int k = outcomes.size();
        while (k > 0 && outcomes.get(k - 1) instanceof Outcome.Failed f && f.transport()) {
            k--;
        }
        return k;
    }

    private Concept concept(Unit u) {
        return kb.concept(u.code()).orElseThrow(() -> new IllegalStateException("selected concept " + u.code() + " not in the KB"));
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> sums, Map<String, Object> counts) {
        counts.forEach((k, v) -> {
            if (v instanceof Number x) {
                Object prev = sums.get(k);
                if (x instanceof Double || x instanceof Float || prev instanceof Double) {
                    sums.put(k, (prev == null ? 0.0 : ((Number) prev).doubleValue()) + x.doubleValue());
                } else {
                    sums.put(k, (prev == null ? 0L : ((Number) prev).longValue()) + x.longValue());
                }
            } else if (v instanceof Map<?, ?> m) {
                Map<String, Object> inner = (Map<String, Object>) sums.computeIfAbsent(k, key -> new TreeMap<String, Object>());
                add(inner, (Map<String, Object>) m);
            }
        });
    }

    private Map<String, Object> shardCounts(Map<String, Object> sums, int total, int resumed) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("concepts", total);
        c.put("generated", num(sums, "generated"));
        c.put("failed", num(sums, "failed"));
        c.put("records", num(sums, "records"));
        c.put("failedByReason", sums.getOrDefault("failedByReason", Map.of()));
        double seconds = sums.get("seconds") instanceof Number s ? s.doubleValue() : 0;
        c.put("seconds", round(seconds));
        c.put("conceptsPerSecond", seconds > 0 ? round(total / seconds) : null);
        if (sums.containsKey("requests")) {
            long requests = num(sums, "requests");
            c.put("requests", requests);
            c.put("failedRequests", num(sums, "failedRequests"));
            c.put("requestsPerSecond", seconds > 0 ? round(requests / seconds) : null);
            Map<String, Long> tokens = new LinkedHashMap<>();
            tokens.put("prompt", num(sums, "promptTokens"));
            tokens.put("completion", num(sums, "completionTokens"));
            tokens.put("total", num(sums, "totalTokens"));
            c.put("tokens", tokens);
        }
        c.put("resumedBatches", resumed);
        c.put("shard", options.shard());
        c.put("shards", options.shards());
        c.put("generator", generator.name());
        if (generator.model() != null) {
            c.put("model", generator.model());
        }
        c.put("promptVersion", generator.promptVersion());
        c.putAll(settings);
        c.values().removeIf(java.util.Objects::isNull);
        return c;
    }

    private Map<String, Object> summary(Map<String, Object> counts, String shardPrefix, boolean skipped) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String k : List.of("concepts", "generated", "failed", "records", "failedByReason", "tokens", "requests",
                "requestsPerSecond", "conceptsPerSecond", "seconds", "resumedBatches", "shard", "shards")) {
            if (counts.containsKey(k)) {
                s.put(k, counts.get(k));
            }
        }
        s.put("skipped", skipped);
        s.put("outputUri", shardPrefix);
        // the same figures under the SyntheticDataset status field names, which the operator copies
        s.put("examples", counts.get("records"));
        s.put("conceptsGenerated", counts.get("generated"));
        s.put("conceptsFailed", counts.get("failed"));
        s.put("failuresByReason", counts.get("failedByReason"));
        if (counts.get("tokens") instanceof Map<?, ?> tokens && tokens.get("total") != null) {
            s.put("tokensUsed", tokens.get("total"));
        }
        s.values().removeIf(java.util.Objects::isNull);
        return s;
    }

    private void progress(int i, int n, int done, int total, Map<String, Object> sums, long started, int resumed) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        long failed = num(sums, "failed");
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        double rate = elapsed > 0 ? done / elapsed : 0;
        String line = String.format(Locale.ROOT, "shard %d of %d [%s%s] %d/%d concepts, %d failed, %.1f concepts/s%s",
                i, n, "#".repeat(filled), ".".repeat(width - filled), done, total, failed, rate,
                resumed > 0 ? ", " + resumed + " batch(es) resumed" : "");
        log.println("synth: " + line);
        log.flush();
        String json = String.format(Locale.ROOT,
                "{\"done\":%d,\"total\":%d,\"failed\":%d,\"shard\":%d,\"shards\":%d,\"message\":\"%s\",\"updatedAt\":\"%s\"}",
                done, total, failed, i, n, line.replace("\"", "'"), Instant.now());
        try {
            store.writeProgress(SyntheticDatasets.progressPrefix(prefix, i, n), json);
            if (n == 1) {
                store.writeProgress(prefix, json);
            }
        } catch (IOException | RuntimeException e) {
            log.println("synth: warning: cannot write progress.json: " + e.getMessage()); // advisory only
        }
    }

    private void concat(ArtifactWriter writer, List<String> batches, String file) throws IOException {
        try (OutputStream out = writer.file(file)) {
            for (String b : batches) {
                try (InputStream in = store.openVerified(b, file)) {
                    in.transferTo(out);
                }
            }
        }
    }

    private static long num(Map<String, Object> m, String k) {
        return m.get(k) instanceof Number x ? x.longValue() : 0L;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Writer utf8(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }
}
