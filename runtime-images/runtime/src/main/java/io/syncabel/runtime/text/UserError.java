package io.syncabel.runtime.text;

/**
 * A problem with the user's input that they can fix (a bad manifest, a missing file, a malformed
 * line). Printed as one message, without a stack trace; the message names file, line and field.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
