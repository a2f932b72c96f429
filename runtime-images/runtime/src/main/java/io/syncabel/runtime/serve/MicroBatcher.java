package io.syncabel.runtime.serve;

import io.syncabel.runtime.link.Linker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dynamic micro-batching: mentions of concurrent requests with the same options go to the linker in
 * one call, because a model decodes a batch of 32 in little more time than one. A batch leaves when
 * it is full or when its oldest mention has waited {@code maxDelay}, so batching adds at most that
 * much latency. Worker threads call the linker, never the event loop.
 *
 * <p>The queue is bounded in mentions: {@link #submit} refuses work beyond {@code capacity} instead
 * of buffering it, so overload turns into 429s, not into memory.
 */
final class MicroBatcher implements AutoCloseable {

    /** Why a submission was refused: the queue is full, or the batcher is shutting down. */
    static final class Rejected extends RuntimeException {
        final boolean shuttingDown;

        Rejected(boolean shuttingDown, String message) {
            super(message, null, false, false);
            this.shuttingDown = shuttingDown;
        }
    }

    /** A slice of one request, at most one batch long. */
    private record Pending(List<Linker.Query> queries, Linker.Options options, long enqueuedNanos,
                           CompletableFuture<List<Linker.Result>> result) {
    }

    private final Linker linker;
    private final ServeMetrics metrics;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private int queuedMentions;
    private boolean closed;

    MicroBatcher(Linker linker, ServeMetrics metrics, int maxBatchSize, Duration maxDelay, int capacity, int workers) {
        this.linker = linker;
        this.metrics = metrics;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.capacity = capacity;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "syncabel-linker-" + i);
            // Daemon: a linker stuck in native code must not keep the JVM alive past the drain timeout.
            t.setDaemon(true);
            t.start();
            this.workers.add(t);
        }
    }

    /** Queues the queries; the future completes with one result per query, in order. */
    CompletableFuture<List<Linker.Result>> submit(List<Linker.Query> queries, Linker.Options options) {
        long now = System.nanoTime();
        List<Pending> slices = new ArrayList<>();
        for (int from = 0; from < queries.size(); from += maxBatchSize) {
            slices.add(new Pending(List.copyOf(queries.subList(from, Math.min(queries.size(), from + maxBatchSize))),
                    options, now, new CompletableFuture<>()));
        }
        lock.lock();
        try {
            if (closed) {
                throw new Rejected(true, "the server is shutting down");
            }
            if (queuedMentions + queries.size() > capacity) {
                throw new Rejected(false, "the queue is full (" + queuedMentions + " of " + capacity
                        + " mentions waiting); retry later");
            }
            queue.addAll(slices);
            queuedMentions += queries.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (slices.size() == 1) {
            return slices.get(0).result();
        }
        return CompletableFuture.allOf(slices.stream().map(Pending::result).toArray(CompletableFuture[]::new))
                .thenApply(ignored -> slices.stream().flatMap(s -> s.result().join().stream()).toList());
    }

    int queuedMentions() {
        lock.lock();
        try {
            return queuedMentions;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new work, lets the workers finish what is queued, and waits for them up to {@code timeout}. */
    boolean drain(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : workers) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        return workers.stream().noneMatch(Thread::isAlive);
    }

    @Override
    public void close() {
        try {
            drain(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        try {
            while (true) {
                List<Pending> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                if (!batch.isEmpty()) {
                    run(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next batch; empty when another worker took the head meanwhile; null once closed and drained. */
    private List<Pending> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                changed.await();
            }
            Pending head = queue.peekFirst();
            long deadline = head.enqueuedNanos() + maxDelayNanos;
            while (!closed && fill(head.options()) < maxBatchSize) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                changed.awaitNanos(wait);
                if (queue.peekFirst() != head) {
                    return List.of();
                }
            }
            List<Pending> batch = new ArrayList<>();
            int size = 0;
            for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.options().equals(head.options()) && size + p.queries().size() <= maxBatchSize) {
                    it.remove();
                    batch.add(p);
                    size += p.queries().size();
                }
            }
            queuedMentions -= size;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Mentions a batch led by these options would hold now (slices that fit, in queue order). */
    private int fill(Linker.Options options) {
        int size = 0;
        for (Pending p : queue) {
            if (p.options().equals(options) && size + p.queries().size() <= maxBatchSize) {
                size += p.queries().size();
            }
        }
        return size;
    }

    private void run(List<Pending> batch) {
        List<Linker.Query> queries = new ArrayList<>();
        batch.forEach(p -> queries.addAll(p.queries()));
        try {
            List<Linker.Result> results = call(queries, batch.get(0).options());
            int from = 0;
            for (Pending p : batch) {
                p.result().complete(results.subList(from, from + p.queries().size()));
                from += p.queries().size();
            }
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            // One request's bad mention (an unknown group, say) must not fail the requests batched with it.
            for (Pending p : batch) {
                try {
                    p.result().complete(call(p.queries(), p.options()));
                } catch (RuntimeException | Error single) {
                    p.result().completeExceptionally(single);
                }
            }
        }
    }

    private List<Linker.Result> call(List<Linker.Query> queries, Linker.Options options) {
        long t0 = System.nanoTime();
        List<Linker.Result> results = linker.link(queries, options);
        metrics.batch(queries.size(), System.nanoTime() - t0);
        if (results == null || results.size() != queries.size()) {
            throw new IllegalStateException("the linker returned " + (results == null ? "null" : results.size())
                    + " results for " + queries.size() + " queries");
        }
        return results;
    }
}
