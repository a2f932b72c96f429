package io.syncabel.runtime.model;

/**
 * Optimisation settings with the defaults the runtime applies when a TrainingRun leaves them out.
 *
 * @param weightAverage the decay cap of an exponential moving average of the weights, kept beside them and evaluated
 *     at every evaluation point against them (dev picks the better); 0: none. The decay is
 *     {@code min(weightAverage, (1 + t) / (10 + t))} after update t, so early averages forget the random start fast.
 */
public record TrainingSettings(
        int epochs,
        int maxBatchTokens,
        float learningRate,
        int warmupSteps,
        float labelSmoothing,
        float weightDecay,
        float gradientClip,
        long seed,
        float weightAverage) {

    public TrainingSettings {
        if (!(weightAverage >= 0 && weightAverage < 1)) {
            throw new IllegalArgumentException("the weight average's decay must be in [0, 1), got " + weightAverage);
        }
    }

    /** Without a weight average. */
    public TrainingSettings(int epochs, int maxBatchTokens, float learningRate, int warmupSteps, float labelSmoothing,
            float weightDecay, float gradientClip, long seed) {
        this(epochs, maxBatchTokens, learningRate, warmupSteps, labelSmoothing, weightDecay, gradientClip, seed, 0f);
    }

    public static TrainingSettings defaults() {
        return new TrainingSettings(10, 4096, 1e-3f, 200, 0.1f, 0.01f, 1.0f, 42);
    }

    /** The same settings with another weight-average decay cap (0: none). */
    public TrainingSettings withWeightAverage(float decay) {
        return new TrainingSettings(epochs, maxBatchTokens, learningRate, warmupSteps, labelSmoothing, weightDecay,
                gradientClip, seed, decay);
    }
}
