package io.syncabel.runtime.store;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs S3 requests with retries on transient failures, and turns what is left into errors a person can act on. */
final class S3Calls {
    private static final Logger LOG = LoggerFactory.getLogger(S3Calls.class);

    /** S3 error codes that mean "try again later" whatever the HTTP status says. */
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "Throttling", "ThrottlingException", "RequestLimitExceeded", "OperationAborted");

    @FunctionalInterface
    interface Attempt<T> {
        T run() throws Exception;
    }

    private final RetryPolicy policy;

    S3Calls(RetryPolicy policy) {
        this.policy = policy;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or has used up its attempts.
     *
     * @param operation what is being done, for the error message (PUT, GET, LIST, upload part 3...)
     * @param uri       the object or prefix it is done to
     */
    <T> T call(String operation, String uri, Attempt<T> attempt) throws InterruptedIOException {
        for (int failures = 1; ; failures++) {
            try {
                return attempt.run();
            } catch (Exception e) {
                Throwable cause = unwrap(e);
                if (cause instanceof InterruptedException || cause instanceof InterruptedIOException) {
                    Thread.currentThread().interrupt();
                    throw interrupted(operation, uri);
                }
                if (cause instanceof StoreException store) {
                    throw store;
                }
                if (!isTransient(cause)) {
                    throw new StoreException("S3 " + operation + " " + uri + " failed: " + describe(cause) + hint(cause), cause);
                }
                if (failures >= policy.maxAttempts()) {
                    throw new StoreException("S3 " + operation + " " + uri + " failed after " + failures + " attempt"
                            + (failures == 1 ? "" : "s") + ": " + describe(cause)
                            + " (is the S3 endpoint up and reachable?)", cause);
                }
                Duration delay = policy.delay(failures, ThreadLocalRandom.current().nextDouble());
                LOG.warn("S3 {} {} failed (attempt {}/{}): {}; retrying in {} ms", operation, uri, failures,
                        policy.maxAttempts(), describe(cause), delay.toMillis());
                try {
                    policy.sleeper().sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw interrupted(operation, uri);
                }
            }
        }
    }

    /** Waits for an async client call, rethrowing what the request itself threw rather than the future's wrapper. */
    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            throw cause instanceof Exception ex ? ex : new ExecutionException(cause);
        }
    }

    static boolean isTransient(Throwable e) {
        if (e instanceof ErrorResponseException response) {
            int status = response.response() == null ? 0 : response.response().code();
            return TRANSIENT_CODES.contains(response.errorResponse().code()) || status >= 500 || status == 429
                    || status == 408;
        }
        if (e instanceof ServerException || e instanceof InvalidResponseException) {
            return true; // a 5xx without an S3 error body, or a proxy's HTML error page in front of the store
        }
        if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
            return false; // an untrusted certificate stays untrusted
        }
        return e instanceof IOException; // refused or reset connections, timeouts, DNS hiccups
    }

    /** An S3 error code such as NoSuchKey, or null when the failure was not an S3 error response. */
    static String errorCode(Throwable e) {
        Throwable cause = unwrap(e);
        return cause instanceof ErrorResponseException response ? response.errorResponse().code() : null;
    }

    static Throwable unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable e) {
        if (e instanceof ErrorResponseException response) {
            int status = response.response() == null ? 0 : response.response().code();
            return response.errorResponse().code() + " (HTTP " + status + "): " + response.errorResponse().message();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String hint(Throwable e) {
        String code = errorCode(e);
        if ("AccessDenied".equals(code) || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
            return " (check the store credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or SYNCABEL_S3_CREDENTIALS_DIR, "
                    + "and the bucket policy)";
        }
        if ("NoSuchBucket".equals(code)) {
            return " (create the bucket, or fix the store root URI)";
        }
        if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
            return " (set SYNCABEL_S3_CA_FILE to the CA that signed the endpoint's certificate)";
        }
        return "";
    }

    private static InterruptedIOException interrupted(String operation, String uri) {
        return new InterruptedIOException("S3 " + operation + " " + uri + " was interrupted");
    }
}
