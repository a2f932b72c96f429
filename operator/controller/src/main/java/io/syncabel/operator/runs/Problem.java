package io.syncabel.operator.runs;

/** Why pods cannot make progress, as a condition reason (CamelCase) and a message for people. */
public record Problem(String reason, String message) {
}
