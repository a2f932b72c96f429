package io.syncabel.runtime.model;

/** Optimisation settings with the defaults the runtime applies when a TrainingRun leaves them out. */
public record TrainingSettings(
        int epochs,
        int maxBatchTokens,
        float learningRate,
        int warmupSteps,
        float labelSmoothing,
        float weightDecay,
        float gradientClip,
        long seed) {

    public static TrainingSettings defaults() {
        return new TrainingSettings(10, 4096, 1e-3f, 200, 0.1f, 0.01f, 1.0f, 42);
    }
}
