package io.syncabel.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingMixTest {
    @Test
    void alternationCyclesTheSmallerSideUntilTheLargerIsExhausted() {
        assertThat(TrainingMix.ALTERNATE.mix(List.of("h1", "h2"), List.of("s1", "s2", "s3", "s4", "s5")))
                .containsExactly("h1", "s1", "h2", "s2", "h1", "s3", "h2", "s4", "h1", "s5");
    }

    @Test
    void concatenationKeepsEachExampleOnce() {
        assertThat(TrainingMix.CONCATENATE.mix(List.of("h1"), List.of("s1", "s2"))).containsExactly("h1", "s1", "s2");
        assertThat(TrainingMix.ALTERNATE.mix(List.of(), List.of("s1"))).containsExactly("s1");
    }

    @Test
    void anExplicitHumanUpsamplingFactorRepeatsTheHumanSideThenAppendsTheRest() {
        assertThat(TrainingMix.ALTERNATE.mix(List.of("h1", "h2"), List.of("s1", "s2", "s3", "s4", "s5", "s6"), 2))
                .containsExactly("h1", "s1", "h2", "s2", "h1", "s3", "h2", "s4", "s5", "s6");
        assertThat(TrainingMix.ALTERNATE.mix(List.of("h1"), List.of("s1"), 3)).containsExactly("h1", "s1", "h1", "h1");
        assertThat(TrainingMix.ALTERNATE.mix(List.of("h1"), List.of("s1", "s2"), null)).containsExactly("h1", "s1", "h1", "s2");
    }
}
