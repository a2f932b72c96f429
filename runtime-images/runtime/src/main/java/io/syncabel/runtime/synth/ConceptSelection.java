package io.syncabel.runtime.synth;

import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.kb.KnowledgeBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Which units get examples (SyntheticDataset spec.selection), always in one deterministic order: by code, then
 * group. Sharding cuts this list into contiguous ranges, so the shards concatenated in index order are the list.
 *
 * @param groups     kept groups (mode groups)
 * @param sampleSize units to sample (mode sample)
 * @param seenCodes  codes of the seenIn corpus (mode unseen)
 */
public record ConceptSelection(Mode mode, Set<String> groups, Integer sampleSize, long seed, Set<String> seenCodes) {

    public enum Mode {
        ALL, GROUPS, SAMPLE, UNSEEN;

        public static Mode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new io.syncabel.runtime.text.UserError("selection mode '" + s + "': expected all, groups, sample or unseen");
            }
        }
    }

    public static final String NO_GROUP = "Unknown";

    public static ConceptSelection all() {
        return new ConceptSelection(Mode.ALL, Set.of(), null, 42, Set.of());
    }

    public List<Unit> select(KnowledgeBase kb) {
        List<Unit> units = new ArrayList<>();
        List<Concept> concepts = new ArrayList<>(kb.concepts().values());
        concepts.sort(Comparator.comparing(Concept::code));
        for (Concept c : concepts) {
            if (mode == Mode.UNSEEN && seenCodes.contains(c.code())) {
                continue;
            }
            List<String> gs = c.groups().isEmpty() ? List.of(NO_GROUP) : c.groups().stream().sorted().distinct().toList();
            for (String g : gs) {
                if (mode == Mode.GROUPS && !groups.contains(g)) {
                    continue;
                }
                units.add(new Unit(c.code(), g));
            }
        }
        if (mode == Mode.SAMPLE && sampleSize != null && sampleSize < units.size()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            List<Integer> kept = new ArrayList<>(order.subList(0, sampleSize));
            Collections.sort(kept);
            List<Unit> sampled = new ArrayList<>(kept.size());
            kept.forEach(i -> sampled.add(units.get(i)));
            return sampled;
        }
        return units;
    }

    /** [from, to) of the units that shard {@code index} of {@code shards} owns: contiguous, sizes differ by at most one. */
    public static int[] range(int total, int index, int shards) {
        long from = (long) total * index / shards;
        long to = (long) total * (index + 1) / shards;
        return new int[] {(int) from, (int) to};
    }
}
