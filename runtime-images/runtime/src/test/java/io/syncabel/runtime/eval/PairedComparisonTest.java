package io.syncabel.runtime.eval;

import static io.syncabel.runtime.eval.EvaluatorTest.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairedComparisonTest {
    static final String RIGHT = "[{\"codes\":[\"G\"]}]";
    static final String WRONG = "[{\"codes\":[\"X\"]}]";

    @TempDir
    Path dir;

    /** 40 mentions: both right on 20, only A on 12, only B on 3, neither on 5; B's file in another order. */
    List<Path> files() throws IOException {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean rightA = i < 32;
            boolean rightB = i < 20 || (i >= 32 && i < 35);
            a.add(line("d" + i % 9, i * 10, "[\"G\"]", rightA ? RIGHT : WRONG));
            b.add(0, line("d" + i % 9, i * 10, "[\"G\"]", rightB ? RIGHT : WRONG));
        }
        return List.of(Fixtures.write(dir, "a.jsonl", a), Fixtures.write(dir, "b.jsonl", b));
    }

    EvaluationReport.Comparison compare(int resamples, long seed) throws IOException {
        List<Path> f = files();
        return PairedComparison.compare(PredictionReader.read(f.get(0)), PredictionReader.read(f.get(1)), "abc",
                resamples, seed);
    }

    @Test
    void theDifferenceInRecallAt1WithItsPairedIntervalAndTheDisagreements() throws IOException {
        EvaluationReport.Comparison c = compare(1000, 42);
        assertThat(c.mentions()).isEqualTo(40);
        assertThat(c.recallAt1().hits()).isEqualTo(32);
        assertThat(c.otherRecallAt1().hits()).isEqualTo(23);
        assertThat(c.onlyThisCorrect()).isEqualTo(12);
        assertThat(c.onlyOtherCorrect()).isEqualTo(3);
        assertThat(c.bothCorrect()).isEqualTo(20);
        assertThat(c.neitherCorrect()).isEqualTo(5);
        EvaluationReport.Delta d = c.delta();
        assertThat(d.difference()).isEqualTo(9);
        assertThat(d.value()).isEqualTo(22.5);
        // paired: the interval of the difference brackets it, and with 12 against 3 discordant mentions excludes 0
        assertThat(d.ciLow()).isGreaterThan(0).isLessThan(22.5);
        assertThat(d.ciHigh()).isGreaterThan(22.5).isLessThan(50);
        assertThat(d.text()).startsWith("+22.5 [");
        assertThat(c.other().file()).endsWith("b.jsonl");
        assertThat(c.other().sha256()).isEqualTo("abc");
    }

    @Test
    void theSameSeedGivesTheSameIntervalAndNoResamplesNone() throws IOException {
        assertThat(compare(200, 7)).isEqualTo(compare(200, 7));
        assertThat(compare(0, 42).delta().ciLow()).isNull();
    }

    @Test
    void identicalFilesDifferByExactlyNothing() throws IOException {
        Path a = files().get(0);
        EvaluationReport.Comparison c = PairedComparison.compare(PredictionReader.read(a), PredictionReader.read(a), null, 100, 42);
        assertThat(c.delta()).isEqualTo(new EvaluationReport.Delta(0, 40, 0.0, 0.0, 0.0));
        assertThat(c.delta().text()).isEqualTo("0.0 [0.0, 0.0]");
    }

    @Test
    void aMentionInOneFileOnlyIsAnErrorNamingTheFileAndTheMention() throws IOException {
        Path a = Fixtures.write(dir, "a.jsonl", List.of(line("d1", 0, "[\"G\"]", RIGHT), line("d1", 10, "[\"G\"]", RIGHT)));
        Path b = Fixtures.write(dir, "b.jsonl", List.of(line("d1", 0, "[\"G\"]", RIGHT)));
        assertThatThrownBy(() -> PairedComparison.compare(PredictionReader.read(a), PredictionReader.read(b), null, 0, 42))
                .isInstanceOf(UserError.class)
                .hasMessage(a + ":2: mention document 'd1' 10-14 'abcd' is not in " + b + " (both files must hold the same mentions)");
        assertThatThrownBy(() -> PairedComparison.compare(PredictionReader.read(b), PredictionReader.read(a), null, 0, 42))
                .isInstanceOf(UserError.class)
                .hasMessage(a + ":2: mention document 'd1' 10-14 'abcd' is not in " + b + " (both files must hold the same mentions)");
    }

    @Test
    void oneSpanInTwoGroupsIsTwoMentions() throws IOException {
        String symptom = line("d1", 0, "[\"G\"]", RIGHT).replace("\"gold\"", "\"group\":\"SINTOMA\",\"gold\"");
        String disease = line("d1", 0, "[\"H\"]", WRONG).replace("\"gold\"", "\"group\":\"ENFERMEDAD\",\"gold\"");
        Path a = Fixtures.write(dir, "a.jsonl", List.of(symptom, disease));
        Path b = Fixtures.write(dir, "b.jsonl", List.of(disease, symptom.replace(RIGHT, WRONG)));
        EvaluationReport.Comparison c = PairedComparison.compare(PredictionReader.read(a), PredictionReader.read(b), null, 0, 42);
        assertThat(c.mentions()).isEqualTo(2);
        assertThat(c.onlyThisCorrect()).isEqualTo(1);
        assertThat(c.delta().value()).isEqualTo(50.0);
    }

    @Test
    void aMentionWithAnotherGoldIsAnError() throws IOException {
        Path a = Fixtures.write(dir, "a.jsonl", List.of(line("d1", 0, "[\"G\"]", RIGHT)));
        Path b = Fixtures.write(dir, "b.jsonl", List.of(line("d1", 0, "[\"H\"]", RIGHT)));
        assertThatThrownBy(() -> PairedComparison.compare(PredictionReader.read(a), PredictionReader.read(b), null, 0, 42))
                .isInstanceOf(UserError.class)
                .hasMessage(b + ":1: mention document 'd1' 0-4 'abcd' has gold H, but " + a + ":1 has G");
    }
}
