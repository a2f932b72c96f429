package io.syncabel.runtime.llm;

/**
 * A completion that did not produce a valid answer: retries spent on transient faults or invalid answers,
 * or a fault not worth retrying (401, 400...). The reason is short and safe to store in a manifest or
 * report (it never holds the API key or the full answer).
 */
public final class LlmException extends Exception {
    private final String reason;
    private final int attempts;

    LlmException(String reason, int attempts) {
        super(reason + " (after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ")");
        this.reason = reason;
        this.attempts = attempts;
    }

    /** A stable, short reason ("timeout", "http 500", "invalid answer: ..."), suitable to group failures by. */
    public String reason() {
        return reason;
    }

    public int attempts() {
        return attempts;
    }
}
