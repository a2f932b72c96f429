package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkedTextTest {

    @Test
    void parsesTheOriginalsExample() {
        MarkedText.Marked m = MarkedText.parse("[TCA]{Chemicals & Drugs} was prescribed for depression");
        assertThat(m.text()).isEqualTo("TCA was prescribed for depression");
        assertThat(m.mention()).isEqualTo("TCA");
        assertThat(m.start()).isZero();
        assertThat(m.group()).isEqualTo("Chemicals & Drugs");
    }

    @Test
    void escapedBracketsAreText() {
        MarkedText.Marked m = MarkedText.parse("benzo\\[a\\]pyrene and [IL\\{6\\}]{Chemicals & Drugs} .");
        assertThat(m.text()).isEqualTo("benzo[a]pyrene and IL{6} .");
        assertThat(m.mention()).isEqualTo("IL{6}");
        assertThat(m.start()).isEqualTo(19);
    }

    @Test
    void markIsTheInverseOfParse() {
        String text = "a [b] {c} \\ d";
        String marked = MarkedText.mark(text, 6, 9, "Odd {group}");
        MarkedText.Marked m = MarkedText.parse(marked);
        assertThat(m).isEqualTo(new MarkedText.Marked(text, 6, 9, "Odd {group}"));
    }

    @Test
    void refusesWhatTheLinkerCannotTake() {
        assertThatThrownBy(() -> MarkedText.parse("no mention")).hasMessageContaining("no marked mention");
        assertThatThrownBy(() -> MarkedText.parse("[a]{X} and [b]{Y}")).hasMessageContaining("a second marked mention");
        assertThatThrownBy(() -> MarkedText.parse("[a] and [b]{X}")).hasMessageContaining("discontinuous");
        assertThatThrownBy(() -> MarkedText.parse("[a] alone")).hasMessageContaining("no {Group}");
        assertThatThrownBy(() -> MarkedText.parse("x ]a[")).hasMessageContaining("at character 2")
                .hasMessageContaining("']' without '['");
        assertThatThrownBy(() -> MarkedText.parse("[]{X}")).hasMessageContaining("empty mention");
        assertThatThrownBy(() -> MarkedText.parse("[a]{}")).hasMessageContaining("empty group");
        assertThatThrownBy(() -> MarkedText.parse("[a]{X")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> MarkedText.parse("a {b} [c]{X}")).hasMessageContaining("'{' not right after");
    }

    @Test
    void cleanIsTheOriginalsCleanNaturalCharForChar() {
        assertThat(MarkedText.clean("benzo[a]pyrene\u00a0{x}")).isEqualTo("benzo(a)pyrene (x)");
    }
}
