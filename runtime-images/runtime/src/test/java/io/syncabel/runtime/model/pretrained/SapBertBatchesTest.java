package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which concepts meet in a SapBERT batch, and which of their names are drawn. */
class SapBertBatchesTest {
    /** 40 concepts C0..C39 with three KB names each; C0..C3 also have two training mentions. */
    static List<SapBertTraining.Pair> pairs() {
        List<SapBertTraining.Pair> pairs = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            for (int n = 0; n < 3; n++) {
                pairs.add(new SapBertTraining.Pair("name " + c + "." + n, "C" + c, false));
            }
            if (c < 4) {
                pairs.add(new SapBertTraining.Pair("mention " + c + ".a", "C" + c, true));
                pairs.add(new SapBertTraining.Pair("mention " + c + ".b", "C" + c, true));
            }
        }
        return pairs;
    }

    static SapBertTraining.Settings settings(float mentionShare, int neighbours) {
        return new SapBertTraining.Settings(10, 8, 3, 1e-3f, 0, 0, 0, 5, mentionShare, neighbours);
    }

    /** Concept Ck's nearest is C(k+20) (mod 40), then C(k+21). */
    static List<String> nearest(String code) {
        int k = Integer.parseInt(code.substring(1));
        return List.of("C" + (k + 20) % 40, "C" + (k + 21) % 40);
    }

    @Test
    void everySeedBringsItsNearestConceptIntoTheBatchAsAHardNegative() {
        SapBertBatches batches = new SapBertBatches(pairs(), settings(0f, 1), SapBertBatchesTest::nearest);
        for (int b = 0; b < 20; b++) {
            SapBertBatches.Batch batch = batches.next();
            assertThat(batch.codes()).hasSize(8);
            // codes come in (seed, its nearest) order: each seed is followed by its nearest unless already chosen
            Set<String> chosen = new HashSet<>(batch.codes());
            int pairedSeeds = 0;
            for (int i = 0; i + 1 < batch.codes().size(); i++) {
                if (batch.codes().get(i + 1).equals(nearest(batch.codes().get(i)).get(0))) {
                    pairedSeeds++;
                }
            }
            assertThat(pairedSeeds).as("seed/nearest pairs in %s", batch.codes()).isGreaterThanOrEqualTo(3);
            assertThat(chosen).hasSize(8);
        }
    }

    @Test
    void annotatedConceptsAreSeededAtTheirShareAndAlwaysShowOneOfTheirMentions() {
        SapBertBatches batches = new SapBertBatches(pairs(), settings(1f, 0), null);
        SapBertBatches.Batch batch = batches.next();
        // only 4 concepts have mentions: a batch of 8 asked from them alone holds those 4 (seeding stops after 4x tries)
        assertThat(batch.codes()).containsExactlyInAnyOrder("C0", "C1", "C2", "C3");
        for (int i = 0; i < batch.codes().size(); i++) {
            // names are appended concept by concept, in codes() order: 3 per concept here
            String k = batch.codes().get(i).substring(1);
            assertThat(batch.texts().subList(3 * i, 3 * i + 3)).as(batch.codes().get(i))
                    .anySatisfy(t -> assertThat(t).startsWith("mention "))
                    .allSatisfy(t -> assertThat(t).matches(".* " + k + "\\.[0-9ab]"));
        }

        SapBertBatches uniform = new SapBertBatches(pairs(), settings(0f, 0), null);
        Set<String> seen = new HashSet<>();
        for (int b = 0; b < 5; b++) {
            seen.addAll(uniform.next().codes());
        }
        assertThat(seen).as("uniform seeding visits every concept once per pass").hasSize(40);
    }

    @Test
    void aDefaultRunIsThreePassesOverTheKbsConceptsAndAtMostAThousandUpdates() {
        assertThat(SapBertTraining.defaultSteps(11_915, 32)).as("MEDIC").isEqualTo(1000);
        assertThat(SapBertTraining.defaultSteps(500, 32)).isEqualTo(47);
        assertThat(SapBertTraining.defaultSteps(500, 64)).isEqualTo(24);
        assertThat(SapBertTraining.defaultSteps(6, 32)).isEqualTo(1);
    }

    @Test
    void theSameSeedGivesTheSameBatches() {
        SapBertBatches a = new SapBertBatches(pairs(), settings(0.5f, 1), SapBertBatchesTest::nearest);
        SapBertBatches b = new SapBertBatches(pairs(), settings(0.5f, 1), SapBertBatchesTest::nearest);
        for (int i = 0; i < 5; i++) {
            assertThat(a.next().texts()).isEqualTo(b.next().texts());
        }
    }

    @Test
    void aConceptsHardNegativesAreTheConceptsWhoseNamesLookMostLikeItsTitle(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        io.syncabel.runtime.kb.KnowledgeBase kb = io.syncabel.runtime.TestData.build("tsv", io.syncabel.runtime.TestData.uri(
                java.nio.file.Files.writeString(dir.resolve("kb.tsv"), """
                        code\tname\tgroup\tis_preferred
                        B1\tbreast cancer\tDISO\ttrue
                        B2\tbreast cancer, familial\tDISO\ttrue
                        B3\tbreast cancer, male\tDISO\ttrue
                        H1\thuntington disease\tDISO\ttrue
                        W1\twilson disease\tDISO\ttrue
                        """)), io.syncabel.runtime.kb.KbOptions.defaults());
        var nearest = SapBertTraining.nearestByTfIdf(kb, 2);
        assertThat(nearest.apply("B1")).as("itself excluded, its look-alikes first").containsExactlyInAnyOrder("B2", "B3");
        assertThat(nearest.apply("H1")).hasSize(2).doesNotContain("H1").contains("W1");
        assertThat(nearest.apply("unknown")).isEmpty();
    }
}
