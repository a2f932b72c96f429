package io.syncabel.runtime.model;

/** One teacher-forcing pair in token ids: source (marked sentence) and target (`[mention] is <name>`, no BOS/EOS). */
public record TrainingExample(int[] source, int[] target) {
}
