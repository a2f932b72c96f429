package io.syncabel.runtime.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Folds part of a dev split into training, as the original appends 90% of dev: whole documents (so no document
 * has mentions on both sides), chosen by a seeded shuffle of the document ids, the rest kept to pick the checkpoint.
 */
public final class DevSplit {
    private DevSplit() {
    }

    /**
     * Adds the items of {@code fraction} of the dev documents to {@code train} and the others to {@code held},
     * both in corpus order.
     *
     * @return the number of dev items added to {@code train}
     */
    public static int fold(List<CorpusExamples.Item> dev, double fraction, long seed, List<CorpusExamples.Item> train,
            List<CorpusExamples.Item> held) {
        Set<String> documents = new LinkedHashSet<>();
        dev.forEach(i -> documents.add(i.example().document()));
        List<String> order = new ArrayList<>(documents);
        Collections.shuffle(order, new Random(seed));
        Set<String> trained = Set.copyOf(order.subList(0, (int) Math.round(fraction * order.size())));
        int added = 0;
        for (CorpusExamples.Item item : dev) {
            if (trained.contains(item.example().document())) {
                train.add(item);
                added++;
            } else {
                held.add(item);
            }
        }
        return added;
    }
}
