package io.syncabel.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing the pool returns only once its requests have stopped, however long they take to notice the interrupt. */
class RequestPoolTest {
    @Test
    void closeInterruptsTheRequestsAndWaitsUntilTheyHaveStopped() throws Exception {
        AtomicInteger running = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(3);
        try (RequestPool pool = RequestPool.of(3, "test")) {
            for (int i = 0; i < 3; i++) {
                pool.submit(() -> {
                    running.incrementAndGet();
                    started.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        Thread.sleep(200); // a client closing its connection before it returns
                    } finally {
                        running.decrementAndGet();
                    }
                    return null;
                });
            }
            started.await();
            assertThat(running).hasValue(3);
        }
        assertThat(running).hasValue(0);
    }
}
