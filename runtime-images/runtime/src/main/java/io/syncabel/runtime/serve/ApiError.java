package io.syncabel.runtime.serve;

/**
 * An answer other than 200, raised anywhere in request handling and written once as
 * {@code {"error": message, "type": type, "field": field}} ({@code error} is what OIP v2 clients read).
 *
 * @param retryAfterSeconds sent as Retry-After when > 0 (429 and 503)
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String field;
    final int retryAfterSeconds;

    ApiError(int status, String type, String field, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiError badRequest(String field, String message) {
        return new ApiError(400, "bad_request", field, message, 0);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found", null, message, 0);
    }
}
