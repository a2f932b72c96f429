package io.syncabel.runtime.serve;

import io.syncabel.runtime.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator behind bench/serve-load: closed-loop clients (each sends its next request when
 * the previous answer arrives) against POST /v1/link on one server, for each concurrency and beam
 * count, for a bounded time each, after an unmeasured warm-up. Prints one line per level and, last,
 * the best level at beams 5.
 *
 * <p>Usage: {@code ServeLoadClient URL CONCURRENCIES BEAMS SECONDS MENTIONS_PER_REQUEST [INPUTS_FILE]},
 * e.g. {@code http://127.0.0.1:18080 1,4,16 1,5 10 1}; INPUTS_FILE holds marked sentences, one a line.
 */
public final class ServeLoadClient {
    /** One measured level. */
    public record Level(int concurrency, int beams, long requests, long mentions, long errors, double seconds,
                        double p50Ms, double p99Ms) {
        double mentionsPerSecond() {
            return mentions / seconds;
        }

        String line() {
            return String.format("concurrency=%d beams=%d requests=%d errors=%d mentions_per_s=%.1f p50_ms=%.1f p99_ms=%.1f",
                    concurrency, beams, requests, errors, mentionsPerSecond(), p50Ms, p99Ms);
        }
    }

    static final List<String> SAMPLE = List.of(
            "The patient took [ibuprofen]{Chemicals & Drugs} for the pain .",
            "A history of [asthma]{Disorders} since childhood .",
            "[TCA]{Chemicals & Drugs} was prescribed for depression .",
            "Families with [breast and ovarian cancer]{Disorders} were screened .",
            "Low-dose [aspirin]{Chemicals & Drugs} reduced events .",
            "MRI confirmed [ankylosing spondylitis]{Disorders} in the sacroiliac joints .");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI link;
    private final List<String> inputs;
    private final int mentionsPerRequest;

    ServeLoadClient(String baseUrl, List<String> inputs, int mentionsPerRequest) {
        this.link = URI.create(baseUrl + "/v1/link");
        this.inputs = inputs;
        this.mentionsPerRequest = mentionsPerRequest;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ServeLoadClient URL CONCURRENCIES BEAMS SECONDS MENTIONS_PER_REQUEST [INPUTS_FILE]");
            System.exit(2);
        }
        List<String> inputs = args.length > 5
                ? Files.readAllLines(Path.of(args[5])).stream().filter(l -> !l.isBlank()).toList() : SAMPLE;
        ServeLoadClient client = new ServeLoadClient(args[0], inputs, Integer.parseInt(args[4]));
        Duration each = Duration.ofMillis((long) (Double.parseDouble(args[3]) * 1000));
        // Unmeasured warm-up, so the first level does not pay for the JIT of client and server.
        client.run(Arrays.stream(ints(args[1])).max().orElse(1), 5, each.compareTo(Duration.ofSeconds(2)) < 0
                ? each : Duration.ofSeconds(2));
        List<Level> levels = new ArrayList<>();
        for (int beams : ints(args[2])) {
            for (int concurrency : ints(args[1])) {
                Level level = client.run(concurrency, beams, each);
                System.out.println(level.line());
                levels.add(level);
            }
        }
        best(levels, 5, System.out);
    }

    /** The level with the most mentions/s at {@code beams} (the benchmark contract's "best concurrency"). */
    static void best(List<Level> levels, int beams, PrintStream out) {
        levels.stream().filter(l -> l.beams() == beams && l.errors() == 0)
                .max((a, b) -> Double.compare(a.mentionsPerSecond(), b.mentionsPerSecond()))
                .ifPresentOrElse(l -> out.println("best " + l.line()),
                        () -> out.println("best none: no error-free level at beams " + beams));
    }

    Level run(int concurrency, int beams, Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong mentions = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            int client = c;
            List<Long> mine = new ArrayList<>();
            Thread t = new Thread(() -> {
                int n = client;
                while (System.nanoTime() < deadline) {
                    HttpRequest request = HttpRequest.newBuilder(link).timeout(Duration.ofSeconds(60))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body(n++, beams))).build();
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            mine.add(System.nanoTime() - start);
                            mentions.addAndGet(mentionsPerRequest);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                synchronized (latencies) {
                    latencies.add(mine.stream().mapToLong(Long::longValue).toArray());
                }
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Level(concurrency, beams, all.length + errors.get(), mentions.get(), errors.get(), seconds,
                percentile(all, 0.50), percentile(all, 0.99));
    }

    private String body(int n, int beams) {
        List<String> batch = new ArrayList<>(mentionsPerRequest);
        for (int i = 0; i < mentionsPerRequest; i++) {
            batch.add(inputs.get((n * mentionsPerRequest + i) % inputs.size()));
        }
        Map<String, Object> request = new TreeMap<>();
        request.put("inputs", batch);
        request.put("options", Map.of("beams", beams, "topK", Math.min(beams, 5)));
        try {
            return Json.MAPPER.writeValueAsString(request);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
