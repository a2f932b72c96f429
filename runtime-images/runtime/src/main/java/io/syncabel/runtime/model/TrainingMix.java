package io.syncabel.runtime.model;

import java.util.ArrayList;
import java.util.List;

/** How human and synthetic examples make one epoch (TrainingRun spec.mixing.strategy). */
public enum TrainingMix {
    /**
     * The original's "full_upsampled": strict alternation of one human and one synthetic example, the
     * smaller side cycled until the larger is exhausted (HF interleave_datasets, all_exhausted).
     */
    ALTERNATE,
    /** Plain concatenation, each example once. */
    CONCATENATE;

    public <T> List<T> mix(List<T> human, List<T> synthetic) {
        if (this == CONCATENATE || human.isEmpty() || synthetic.isEmpty()) {
            List<T> all = new ArrayList<>(human);
            all.addAll(synthetic);
            return all;
        }
        int rounds = Math.max(human.size(), synthetic.size());
        List<T> mixed = new ArrayList<>(2 * rounds);
        for (int i = 0; i < rounds; i++) {
            mixed.add(human.get(i % human.size()));
            mixed.add(synthetic.get(i % synthetic.size()));
        }
        return mixed;
    }
}
