package io.syncabel.runtime.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    static List<String> split(String text, List<Document.Span> protect) {
        return SentenceSplitter.split(text, 0, text.length(), protect).stream()
                .map(s -> text.substring(s.start(), s.end())).toList();
    }

    @Test
    void splitsOnTerminatorsBeforeCapitalsAndOnNewlines() {
        assertThat(split("First one. Second (2) one! Third?\nFourth line\n\n  Fifth.", List.of()))
                .containsExactly("First one.", "Second (2) one!", "Third?", "Fourth line", "Fifth.");
    }

    @Test
    void abbreviationsInitialsAndLowerCaseContinuationsDoNotSplit() {
        assertThat(split("Seen by Dr. Smith and J. Doe et al. in the U.S. Army, e.g. Today. Done p. 5 ok.", List.of()))
                .containsExactly("Seen by Dr. Smith and J. Doe et al. in the U.S. Army, e.g. Today.", "Done p. 5 ok.");
        assertThat(split("The dose was 2.5 mg. it was fine.", List.of())).hasSize(1);
    }

    @Test
    void noBoundaryInsideAMention() {
        String text = "Type II. Disease is rare. Next.";
        assertThat(split(text, List.of())).containsExactly("Type II.", "Disease is rare.", "Next.");
        assertThat(split(text, List.of(new Document.Span(0, 16)))) // "Type II. Disease" is one mention
                .containsExactly("Type II. Disease is rare.", "Next.");
    }
}
