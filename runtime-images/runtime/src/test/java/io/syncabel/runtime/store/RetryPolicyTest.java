package io.syncabel.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.errors.ErrorResponseException;
import io.minio.messages.ErrorResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final List<Duration> waits = new ArrayList<>();
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300), waits::add);
    private final S3Calls calls = new S3Calls(policy);

    static ErrorResponseException s3Error(int status, String code) {
        Response response = new Response.Builder().request(new Request.Builder().url("http://s3.test/b/k").build())
                .protocol(Protocol.HTTP_1_1).code(status).message(code).build();
        return new ErrorResponseException(new ErrorResponse(code, "message for " + code, "b", "k", "/b/k", "req", "host"),
                response, null);
    }

    @Test
    void delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
        assertThat(policy.delay(1, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(policy.delay(1, 0.999)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
        assertThat(policy.delay(2, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delay(3, 0.5)).isEqualTo(Duration.ofMillis(225)); // capped at 300: 150 + 75
        assertThat(policy.delay(60, 0.0)).isEqualTo(Duration.ofMillis(150)); // no overflow past 2^63
    }

    @Test
    void theDefaultRidesOutAStoreRestartOfTwelveToTwentyFourSeconds() {
        RetryPolicy policy = RetryPolicy.DEFAULT;
        long shortest = 0;
        long longest = 0;
        for (int failures = 1; failures < policy.maxAttempts(); failures++) {
            shortest += policy.delay(failures, 0.0).toMillis();
            longest += policy.delay(failures, 0.999999).toMillis();
        }
        assertThat(shortest).isBetween(11_500L, 12_500L); // the figures docs/store.md states
        assertThat(longest).isBetween(23_000L, 24_000L);
    }

    @Test
    void transientFailuresAreRetriedUntilTheyPass() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.call("PUT", "s3://b/k", () -> switch (attempts.incrementAndGet()) {
            case 1 -> throw new ConnectException("Connection refused");
            case 2 -> throw s3Error(503, "SlowDown");
            case 3 -> throw s3Error(500, "InternalError");
            default -> "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(waits).hasSize(3);
        assertThat(waits.get(2)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
    }

    @Test
    void theLastErrorNamesTheOperationTheUriAndTheAttempts() {
        assertThatThrownBy(() -> calls.call("upload part 2 of", "s3://b/model.bin", () -> {
            throw s3Error(503, "SlowDown");
        })).isInstanceOf(StoreException.class)
                .hasMessage("S3 upload part 2 of s3://b/model.bin failed after 4 attempts: SlowDown (HTTP 503): "
                        + "message for SlowDown (is the S3 endpoint up and reachable?)");
        assertThat(waits).hasSize(3);
    }

    @Test
    void permanentFailuresAreNotRetried() {
        assertThatThrownBy(() -> calls.call("GET", "s3://b/k", () -> {
            throw s3Error(403, "AccessDenied");
        })).hasMessageStartingWith("S3 GET s3://b/k failed: AccessDenied (HTTP 403)")
                .hasMessageContaining("check the store credentials");
        assertThatThrownBy(() -> calls.call("GET", "s3://b/k", () -> {
            throw new SSLHandshakeException("PKIX path building failed");
        })).hasMessageContaining("SYNCABEL_S3_CA_FILE");
        assertThat(waits).isEmpty();
    }

    @Test
    void asyncFailuresAreUnwrappedBeforeTheyAreJudged() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.call("GET", "s3://b/k", () -> S3Calls.await(attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(s3Error(503, "SlowDown"))
                : CompletableFuture.completedFuture("ok")));
        assertThat(result).isEqualTo("ok");
        assertThat(waits).hasSize(1);
    }

    @Test
    void anInterruptedWaitStopsRetrying() {
        S3Calls interrupted = new S3Calls(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, d -> {
            throw new InterruptedException();
        }));
        assertThatThrownBy(() -> interrupted.call("GET", "s3://b/k", () -> {
            throw new ConnectException("refused");
        })).isInstanceOf(java.io.InterruptedIOException.class).hasMessageContaining("s3://b/k");
        assertThat(Thread.interrupted()).isTrue(); // the flag is kept for the caller (and cleared here)
    }
}
