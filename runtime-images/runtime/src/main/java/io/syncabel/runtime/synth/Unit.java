package io.syncabel.runtime.synth;

/** One unit of generation work: a concept in one of its semantic groups (a concept in two groups is two units). */
public record Unit(String code, String group) {
}
