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

    /**
     * With an explicit human upsampling factor k (TrainingRun spec.mixing.humanUpsampling): the human examples k
     * times over, alternating with the synthetic ones while both last, then the rest of the longer side; null means
     * the default of {@link #mix(List, List)}. Concatenation ignores the factor.
     */
    public <T> List<T> mix(List<T> human, List<T> synthetic, Integer humanUpsampling) {
        if (humanUpsampling == null || this == CONCATENATE || human.isEmpty() || synthetic.isEmpty()) {
            return mix(human, synthetic);
        }
        List<T> up = new ArrayList<>(human.size() * humanUpsampling);
        for (int k = 0; k < humanUpsampling; k++) {
            up.addAll(human);
        }
        List<T> mixed = new ArrayList<>(up.size() + synthetic.size());
        int i = 0;
        for (; i < Math.min(up.size(), synthetic.size()); i++) {
            mixed.add(up.get(i));
            mixed.add(synthetic.get(i));
        }
        mixed.addAll(up.subList(i, up.size()));
        mixed.addAll(synthetic.subList(i, synthetic.size()));
        return mixed;
    }

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
