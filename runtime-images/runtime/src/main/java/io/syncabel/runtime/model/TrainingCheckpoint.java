package io.syncabel.runtime.model;

import java.util.List;

/**
 * Everything a training run needs to continue after its pod is stopped: where it was, the weights, the optimiser,
 * the best weights so far with their dev Recall@1, and the metrics written so far. The fingerprint names the
 * settings and data it was made with; a checkpoint with another fingerprint is never resumed. The weights and the
 * optimiser are {@link Payload}s: a large generator's do not fit one array.
 */
public record TrainingCheckpoint(String fingerprint, Seq2SeqTrainer.Position next, double minutes, double bestRecall,
        int bestEpoch, List<String> metrics, Payload weights, Payload trainerState, Payload bestWeights) {

    /** Where checkpoints are kept and found again. */
    public interface Checkpoints {
        /** The newest checkpoint, if any (whatever its fingerprint: the caller decides). */
        java.util.Optional<TrainingCheckpoint> latest() throws java.io.IOException;

        /** Keeps {@code checkpoint} as the newest; older ones may be dropped once it is safely written. */
        void save(TrainingCheckpoint checkpoint) throws java.io.IOException;

        /** Removes them all (the run published its result). */
        void clear() throws java.io.IOException;

        /** No checkpoints: a stopped run starts over. */
        Checkpoints NONE = new Checkpoints() {
            @Override
            public java.util.Optional<TrainingCheckpoint> latest() {
                return java.util.Optional.empty();
            }

            @Override
            public void save(TrainingCheckpoint checkpoint) {
            }

            @Override
            public void clear() {
            }
        };
    }
}
