package io.syncabel.runtime.eval;

/** One ranked prediction (a beam): its codes, the name the model generated, and its score when known. */
public record Candidate(CodeSet codes, String name, Double score) {
}
