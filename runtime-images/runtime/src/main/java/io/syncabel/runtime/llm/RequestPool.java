package io.syncabel.runtime.llm;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Daemon threads that send LLM requests side by side (the judge's, the synthetic-data generator's). Closing it
 * interrupts them and waits until they have stopped: work that ended early (an outage, a failed write, a bug) must
 * not go on calling the endpoint behind its caller, whose retry would then race the stale requests.
 */
public final class RequestPool implements AutoCloseable {
    private final ExecutorService executor;

    private RequestPool(ExecutorService executor) {
        this.executor = executor;
    }

    public static RequestPool of(int threads, String name) {
        return new RequestPool(Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }));
    }

    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * Interrupts the threads and waits for them (a minute at most: a thread that ignores its interrupt that long is
     * left behind, a daemon).
     */
    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(1, TimeUnit.MINUTES);
    }
}
