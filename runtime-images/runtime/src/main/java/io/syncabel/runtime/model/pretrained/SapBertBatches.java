package io.syncabel.runtime.model.pretrained;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The batches of {@link SapBertTraining}: which concepts meet in one batch and which of their names are drawn.
 *
 * <p>Random concepts of a large KB are easy negatives of each other ("Breast Neoplasms" never meets "Breast
 * Neoplasms, Male"), and a few hundred updates over 10,000+ concepts show each annotated concept less than once. So
 * each batch is built from seed concepts, each followed by its nearest concepts by surface form (the KB's character
 * TF-IDF: hard negatives), and a share of the seeds is drawn among the concepts that have training mentions, whose
 * drawn names then include one of those mentions (the human-written forms the retriever must learn to map). Seeds go
 * through each pool in a seeded random order, once per pass.
 */
final class SapBertBatches {
    /** One batch: texts and their concept labels (dense ids over every concept of the pairs). */
    record Batch(List<String> texts, int[] labels, List<String> codes) {
    }

    private final Map<String, List<String>> kbNames = new LinkedHashMap<>();
    private final Map<String, List<String>> mentions = new LinkedHashMap<>();
    private final Map<String, Integer> labelOf = new HashMap<>();
    private final Function<String, List<String>> nearest;
    private final SapBertTraining.Settings settings;
    private final Random random;
    private final Pool all;
    private final Pool annotated;

    /**
     * @param nearest the codes of a concept's nearest concepts, nearest first (null: no hard negatives)
     */
    SapBertBatches(List<SapBertTraining.Pair> pairs, SapBertTraining.Settings settings, Function<String, List<String>> nearest) {
        for (SapBertTraining.Pair p : pairs) {
            labelOf.computeIfAbsent(p.code(), c -> labelOf.size());
            kbNames.computeIfAbsent(p.code(), c -> new ArrayList<>());
            mentions.computeIfAbsent(p.code(), c -> new ArrayList<>());
            (p.mention() ? mentions : kbNames).get(p.code()).add(p.text());
        }
        List<String> anchors = kbNames.keySet().stream().filter(c -> names(c) >= 2).toList();
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no concept has two names: SapBERT training has no positive pair to learn from");
        }
        this.nearest = nearest;
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.all = new Pool(anchors);
        this.annotated = new Pool(anchors.stream().filter(c -> !mentions.get(c).isEmpty()).toList());
    }

    private int names(String code) {
        return kbNames.get(code).size() + mentions.get(code).size();
    }

    /** Concepts in a batch: as many as asked, at most all of them. */
    private int conceptsPerBatch() {
        return Math.min(settings.conceptsPerBatch(), labelOf.size());
    }

    Batch next() {
        Set<String> chosen = new LinkedHashSet<>();
        int target = conceptsPerBatch();
        int seeds = 0;
        while (chosen.size() < target && seeds < 4 * target) {
            seeds++;
            boolean fromAnnotated = !annotated.codes.isEmpty() && random.nextFloat() < settings.mentionShare();
            String seed = (fromAnnotated ? annotated : all).next(random);
            if (!chosen.add(seed)) {
                continue;
            }
            if (nearest == null) {
                continue;
            }
            int added = 0;
            for (String near : nearest.apply(seed)) {
                if (added == settings.neighboursPerSeed() || chosen.size() == target) {
                    break;
                }
                if (labelOf.containsKey(near) && chosen.add(near)) {
                    added++;
                }
            }
        }
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String code : chosen) {
            for (String name : draw(code)) {
                texts.add(name);
                labels.add(labelOf.get(code));
            }
        }
        return new Batch(texts, labels.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(chosen));
    }

    /** Up to namesPerConcept names, one of them a training mention when the concept has any. */
    private List<String> draw(String code) {
        List<String> ownMentions = new ArrayList<>(mentions.get(code));
        List<String> rest = new ArrayList<>(kbNames.get(code));
        List<String> out = new ArrayList<>();
        if (!ownMentions.isEmpty()) {
            out.add(ownMentions.remove(random.nextInt(ownMentions.size())));
        }
        rest.addAll(ownMentions);
        Collections.shuffle(rest, random);
        for (String n : rest) {
            if (out.size() == settings.namesPerConcept()) {
                break;
            }
            out.add(n);
        }
        return out;
    }

    /** Codes visited in a seeded random order, reshuffled after each pass. */
    private static final class Pool {
        final List<String> codes;
        int cursor;

        Pool(List<String> codes) {
            this.codes = new ArrayList<>(codes);
            this.cursor = this.codes.size();
        }

        String next(Random random) {
            if (cursor == codes.size()) {
                Collections.shuffle(codes, random);
                cursor = 0;
            }
            return codes.get(cursor++);
        }
    }
}
