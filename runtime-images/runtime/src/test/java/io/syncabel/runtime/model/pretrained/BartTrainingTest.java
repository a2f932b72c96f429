package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.link.StepDecoder;
import io.syncabel.runtime.model.Seq2SeqTrainer;
import io.syncabel.runtime.model.TrainingExample;
import io.syncabel.runtime.model.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A pretrained BART-family checkpoint fine-tunes with the project's own trainer. */
class BartTrainingTest {

    /** Reverse a short sequence: the decoder must read the source through cross-attention. */
    static List<TrainingExample> reverseTask(int count, long seed) {
        Random random = new Random(seed);
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] source = new int[2 + random.nextInt(3)];
            for (int j = 0; j < source.length; j++) {
                source[j] = 3 + random.nextInt(20);
            }
            int[] target = new int[source.length];
            for (int j = 0; j < source.length; j++) {
                target[j] = source[source.length - 1 - j];
            }
            int[] withEos = java.util.Arrays.copyOf(source, source.length + 1);
            withEos[source.length] = TinyBart.EOS;
            examples.add(new TrainingExample(withEos, target));
        }
        return examples;
    }

    @ParameterizedTest(name = "mbart={0}")
    @ValueSource(booleans = {false, true})
    void aFewEpochsOfTeacherForcingLowerTheLoss(boolean mbart) {
        List<TrainingExample> examples = reverseTask(24, 3);
        List<Float> epochLoss = new ArrayList<>();
        var config = TinyBart.config(mbart).put("dropout", 0.0);
        try (BartStepDecoder model = BartStepDecoder.load(config, TinyBart.tensors(mbart, 8), "config.json").trainable()) {
            // 6 epochs of about 4 batches, no label smoothing, so the loss is the plain NLL
            TrainingSettings settings = new TrainingSettings(6, 48, 3e-3f, 2, 0f, 0f, 1f, 5);
            new Seq2SeqTrainer(model, settings).train(epoch -> examples, new Seq2SeqTrainer.Listener() {
                @Override
                public void onEvaluation(int epoch, long step, float meanLoss, boolean epochEnd, Seq2SeqTrainer.Position next) {
                    epochLoss.add(meanLoss);
                }
            });
            assertThat(epochLoss).hasSize(6).allMatch(Float::isFinite);
            assertThat(epochLoss.get(5)).isLessThan(0.7f * epochLoss.get(0));
            // the trained weights decode through the same step decoder
            try (StepDecoder.Session s = model.open(List.of(examples.get(0).source()))) {
                assertThat(s.step(new int[] {0}, new int[] {TinyBart.EOS})[0]).hasSize(TinyBart.VOCAB);
            }
        }
    }
}
