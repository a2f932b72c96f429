package io.syncabel.runtime.store;

import java.time.Duration;

/**
 * How often and how patiently a store operation is retried on a transient failure.
 *
 * @param maxAttempts attempts in all, the first included
 * @param baseDelay   the wait after the first failure; it doubles after each further one
 * @param maxDelay    the cap on one wait
 * @param sleeper     how to wait (tests pass one that returns at once)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper) {

    /** 12 to 24 s of waiting in all: enough for a MinIO pod restart or a throttling burst; longer outages fail the pod. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(250), Duration.ofSeconds(8), Sleeper.REAL);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay, not " + baseDelay + " and " + maxDelay);
        }
    }

    /**
     * The wait after the given number of failures: exponential, capped, with "equal jitter" (half fixed, half
     * random) so that the shards of an indexed Job hitting the same throttled bucket do not retry in lockstep.
     *
     * @param random a number in [0, 1)
     */
    public Duration delay(int failures, double random) {
        long cap = baseDelay.toMillis() << Math.min(failures - 1, 30);
        if (cap < 0 || cap > maxDelay.toMillis()) {
            cap = maxDelay.toMillis();
        }
        return Duration.ofMillis(cap / 2 + (long) (random * (cap - cap / 2)));
    }
}
