package io.syncabel.runtime.store;

import java.time.Duration;

/** Waits between retries; tests pass one that does not wait, so failure paths stay fast. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
