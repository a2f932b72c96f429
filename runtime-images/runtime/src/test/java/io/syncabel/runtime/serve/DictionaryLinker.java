package io.syncabel.runtime.serve;

import io.syncabel.runtime.link.Linker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic stand-in for the model-backed linker: ranks a small dictionary by character-3-gram
 * cosine to the mention, within the mention's group. Records the size of every call and can be
 * held ({@link #hold}) so tests control when batches finish.
 */
final class DictionaryLinker implements Linker {
    record Entry(String name, List<String> codes, String group) {
    }

    static final Info INFO = new Info("dictionary-test", "v1", "kb-2026");

    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    /** Released once per call entering {@link #link}, so a test can wait until a batch is in the linker. */
    final Semaphore entered = new Semaphore(0);
    private final List<Entry> entries;
    private final long costPerCallMicros;
    private final long costPerMentionMicros;
    private volatile CountDownLatch gate;
    private volatile boolean closed;

    DictionaryLinker(List<Entry> entries, long costPerCallMicros, long costPerMentionMicros) {
        this.entries = List.copyOf(entries);
        this.costPerCallMicros = costPerCallMicros;
        this.costPerMentionMicros = costPerMentionMicros;
    }

    static DictionaryLinker sample() {
        return new DictionaryLinker(sampleEntries(), 0, 0);
    }

    static List<Entry> sampleEntries() {
        return List.of(
                new Entry("Ibuprofen", List.of("C0020740"), "Chemicals & Drugs"),
                new Entry("Ibuprofen sodium", List.of("C0723376"), "Chemicals & Drugs"),
                new Entry("Aspirin", List.of("C0004057"), "Chemicals & Drugs"),
                new Entry("Tricyclic antidepressant", List.of("C0003290"), "Chemicals & Drugs"),
                new Entry("Asthma", List.of("C0004096"), "Disorders"),
                new Entry("Ankylosing spondylitis", List.of("C0038013"), "Disorders"),
                new Entry("Breast and ovarian cancer", List.of("C0006142", "C0029925"), "Disorders"));
    }

    /** From now on every call waits until {@link #release}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public List<Result> link(List<Query> queries, Options options) {
        batchSizes.add(queries.size());
        entered.release();
        CountDownLatch g = gate;
        try {
            if (g != null && !g.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate never released");
            }
            long micros = costPerCallMicros + costPerMentionMicros * queries.size();
            if (micros > 0) {
                TimeUnit.MICROSECONDS.sleep(micros);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<Result> results = new ArrayList<>(queries.size());
        for (Query q : queries) {
            List<Entry> group = entries.stream().filter(e -> e.group().equals(q.group())).toList();
            if (group.isEmpty()) {
                throw new IllegalArgumentException("unknown group '" + q.group() + "'");
            }
            Map<String, Double> score = new HashMap<>();
            group.forEach(e -> score.put(e.name(), cosine(q.mention(), e.name())));
            List<Entry> ranked = group.stream()
                    .sorted(Comparator.comparingDouble((Entry e) -> -score.get(e.name())).thenComparing(Entry::name))
                    .limit(options.beams()).toList();
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < ranked.size() && i < options.topK(); i++) {
                Entry e = ranked.get(i);
                candidates.add(new Candidate(e.codes(), e.name(), score.get(e.name()), i + 1));
            }
            results.add(new Result(q, candidates));
        }
        return results;
    }

    @Override
    public Info info() {
        return INFO;
    }

    @Override
    public void close() {
        closed = true;
    }

    private static double cosine(String a, String b) {
        Map<String, Integer> x = grams(a);
        Map<String, Integer> y = grams(b);
        double dot = 0;
        for (var e : x.entrySet()) {
            dot += e.getValue() * y.getOrDefault(e.getKey(), 0);
        }
        return dot == 0 ? 0 : dot / Math.sqrt(norm(x) * norm(y));
    }

    private static double norm(Map<String, Integer> v) {
        return v.values().stream().mapToDouble(c -> (double) c * c).sum();
    }

    private static Map<String, Integer> grams(String s) {
        String t = "  " + s.toLowerCase(Locale.ROOT) + " ";
        Map<String, Integer> grams = new HashMap<>();
        for (int i = 0; i + 3 <= t.length(); i++) {
            grams.merge(t.substring(i, i + 3), 1, Integer::sum);
        }
        return grams;
    }
}
