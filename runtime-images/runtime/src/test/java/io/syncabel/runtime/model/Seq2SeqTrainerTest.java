package io.syncabel.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Seq2SeqTrainerTest {

    @Test
    void theForcedPrefixIsMaskedFromTheLossAndTheNameAndEndAreLearnt() {
        // target "[mention] is" (3 tokens: 10 11 12) then the name (20 21)
        TrainingExample example = new TrainingExample(new int[] {5, 6}, new int[] {10, 11, 12, 20, 21}, 3);
        assertThat(Seq2SeqTrainer.decoderInput(example, 64)).containsExactly(BpeVocabulary.START, 10, 11, 12, 20, 21);
        // position i predicts token i+1 of the input: the prefix's are padding, so only 20 21 </s> count
        assertThat(Seq2SeqTrainer.labels(example, 64)).containsExactly(
                BpeVocabulary.PAD, BpeVocabulary.PAD, BpeVocabulary.PAD, 20, 21, BpeVocabulary.END);
        // a pair without a prefix is supervised in full; a cut target keeps the mask inside its length
        assertThat(Seq2SeqTrainer.labels(new TrainingExample(new int[] {5}, new int[] {20, 21}), 64))
                .containsExactly(20, 21, BpeVocabulary.END);
        assertThat(Seq2SeqTrainer.labels(example, 3)).containsExactly(BpeVocabulary.PAD, BpeVocabulary.PAD, BpeVocabulary.END);
    }

    @Test
    void aForcedLanguageCodeAfterTheStartTokenIsFedAndNeverPredicted() {
        // mBART-50: decoder start </s> (2), then the language code (37); pad 1
        TrainingExample example = new TrainingExample(new int[] {5, 6}, new int[] {10, 11, 20, 21}, 2);
        assertThat(Seq2SeqTrainer.decoderInput(example, 64, new int[] {2, 37})).containsExactly(2, 37, 10, 11, 20, 21);
        // position 0 would predict the language code, positions 1-2 the forced "[mention] is": all padding
        assertThat(Seq2SeqTrainer.labels(example, 64, 2, 2, 1)).containsExactly(1, 1, 1, 20, 21, 2);
        assertThat(Seq2SeqTrainer.decoderInput(example, 5, new int[] {2, 37})).containsExactly(2, 37, 10, 11, 20);
        assertThat(Seq2SeqTrainer.labels(example, 5, 2, 2, 1)).containsExactly(1, 1, 1, 20, 2);
    }

    @Test
    void batchesMixShortKbNameExamplesWithLongHumanOnesAndAreReproducible() {
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            examples.add(new TrainingExample(new int[40], new int[] {i}, 0)); // human: a sentence
            examples.add(new TrainingExample(new int[6], new int[] {1000 + i}, 0)); // KB name: the name alone
        }
        List<List<TrainingExample>> batches = Seq2SeqTrainer.batches(examples, 7, 40 * 16, 0);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(400);
        long mixed = batches.stream().filter(b -> b.stream().anyMatch(e -> e.source().length == 40)
                && b.stream().anyMatch(e -> e.source().length == 6)).count();
        // sorted by length, at most one batch would hold both kinds
        assertThat(mixed).isGreaterThanOrEqualTo(batches.size() - 2);
        batches.forEach(b -> assertThat(b.size() * b.stream().mapToInt(e -> e.source().length).max().orElse(0))
                .isLessThanOrEqualTo(40 * 16));
        assertThat(Seq2SeqTrainer.batches(examples, 7, 40 * 16, 0)).isEqualTo(batches);
        assertThat(Seq2SeqTrainer.batches(examples, 7, 40 * 16, 1)).isNotEqualTo(batches);
    }
}
