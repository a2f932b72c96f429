package io.syncabel.runtime.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The server's Prometheus metrics; every series carries {@code model_name} like KServe's, and the
 * linker call reuses KServe's {@code request_predict_seconds}. Names are listed in docs/linker-api.md.
 */
final class ServeMetrics {
    /** Fixed buckets (not Micrometer's ~70 percentile buckets): lean scrapes, and the same le labels on every pod. */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1000,
            2500, 5000, 10_000, 30_000, 60_000).map(Duration::ofMillis).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry;
    private final String modelName;
    private final DistributionSummary batchMentions;
    private final DistributionSummary beams;
    private final Timer predict;
    private final Counter mentions;
    private final AtomicLong loadMillis = new AtomicLong(-1);
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger inflight = new AtomicInteger();

    ServeMetrics(String modelName, int maxBatchSize) {
        this.modelName = modelName;
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("model_name", modelName);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        batchMentions = DistributionSummary.builder("syncabel.batch.mentions")
                .description("Mentions per linker call (after micro-batching)")
                .serviceLevelObjectives(powersOfTwoUpTo(maxBatchSize))
                .register(registry);
        beams = DistributionSummary.builder("syncabel.request.beams")
                .description("Beams asked for per request")
                .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50)
                .register(registry);
        predict = Timer.builder("request.predict")
                .description("Time in one linker call (a micro-batch)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        mentions = Counter.builder("syncabel.mentions").description("Mentions linked").register(registry);
        Gauge.builder("syncabel.model.load.seconds", loadMillis, v -> v.get() < 0 ? Double.NaN : v.get() / 1000.0)
                .description("Time to load the model, NaN until loaded").register(registry);
        Gauge.builder("syncabel.ready", ready, AtomicInteger::get)
                .description("1 when the server takes traffic").register(registry);
        Gauge.builder("syncabel.inflight.requests", inflight, AtomicInteger::get)
                .description("Link and infer requests being answered").register(registry);
    }

    /** 1, 2, 4, ... below {@code max}, then {@code max}: a full batch gets its own bucket. */
    private static double[] powersOfTwoUpTo(int max) {
        return DoubleStream.concat(IntStream.iterate(1, i -> i < max, i -> i * 2).asDoubleStream(), DoubleStream.of(max))
                .toArray();
    }

    void queueDepth(Supplier<Number> queuedMentions) {
        Gauge.builder("syncabel.queue.mentions", queuedMentions).description("Mentions waiting for the linker")
                .strongReference(true).register(registry);
    }

    void request(String endpoint, int status, long nanos) {
        Timer.builder("syncabel.http.requests")
                .description("HTTP request latency")
                .tags("endpoint", endpoint, "status", Integer.toString(status))
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(Duration.ofNanos(nanos));
    }

    void batch(int size, long nanos) {
        batchMentions.record(size);
        predict.record(Duration.ofNanos(nanos));
        mentions.increment(size);
    }

    void beams(int n) {
        beams.record(n);
    }

    void error(String type) {
        Counter.builder("syncabel.errors").description("Answers other than 200, by type").tag("type", type)
                .register(registry).increment();
    }

    void loaded(Duration took) {
        loadMillis.set(took.toMillis());
    }

    void ready(boolean isReady) {
        ready.set(isReady ? 1 : 0);
    }

    AtomicInteger inflight() {
        return inflight;
    }

    String scrape() {
        return registry.scrape();
    }

    String modelName() {
        return modelName;
    }

    void close() {
        registry.close();
    }
}
