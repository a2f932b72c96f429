package io.syncabel.runtime.llm;

/** Thrown by an {@link LlmClient.AnswerParser} when the model's text does not hold what was asked: retried. */
public final class InvalidAnswer extends Exception {
    public InvalidAnswer(String reason) {
        super(reason);
    }
}
