package io.syncabel.runtime.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionReaderTest {
    static final String HEADER = "filename\tmention_id\tlabel\tstart_span\tend_span\tspan\tcode\tsemantic_rel\tannotation\t"
            + "sentence\tPrediction\tPrediction_score\tPrediction_beam_score\tPredicted_code\tLLM_Evaluation\tLLM_Evaluation_v2";

    @TempDir
    Path dir;

    static String row(String file, String label, int start, String code, String predicted, String sentence) {
        return String.join("\t", file, file + ".1", label, Integer.toString(start), Integer.toString(start + 4), "span",
                code, "EXACT", "gold name", sentence, "pred name", "0.9", "0.8", predicted, "X", "STRICT");
    }

    @Test
    void readsTheOriginalTsvWithQuotedSentencesCompositesAndNoCode() throws IOException {
        Path file = Fixtures.write(dir, "p.tsv", List.of(HEADER,
                row("a", "SINTOMA", 0, "2+1", " 1 + 2 ", "\"a [\"\"quoted\"\"]{SINTOMA}\ttab\""),
                row("a", "SINTOMA", 0, "9", "9", "duplicate of the first: dropped"),
                row("a", "ENFERMEDAD", 0, "NO_CODE", "9", "no code: dropped"),
                row("b", "ENFERMEDAD", 5, "7", "", "no prediction")));
        Predictions p = PredictionReader.read(file);
        assertThat(p.format()).isEqualTo(PredictionFormat.TSV);
        assertThat(p.mentions()).hasSize(2);
        Mention first = p.mentions().get(0);
        assertThat(first.context()).isEqualTo("a [\"quoted\"]{SINTOMA}\ttab");
        assertThat(first.gold().key()).isEqualTo("1+2");
        assertThat(first.hitAt(1)).isTrue();
        assertThat(first.source()).isEqualTo(file + ":2");
        assertThat(p.mentions().get(1).candidates()).isEmpty();
        assertThat(p.mentions().get(1).hitAt(1)).isFalse();
        assertThat(p.duplicates()).isEqualTo(1);
        assertThat(p.noCode()).isEqualTo(1);
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumn() throws IOException {
        Path tsv = Fixtures.write(dir, "bom.tsv", List.of("\uFEFF" + HEADER, row("a", "S", 0, "1", "1", "s")));
        assertThat(PredictionReader.read(tsv).mentions()).hasSize(1);
        Path jsonl = Fixtures.write(dir, "bom.jsonl", List.of("\uFEFF" + Fixtures.LINES.get(0)));
        assertThat(PredictionReader.read(jsonl).mentions()).hasSize(1);
    }

    @Test
    void missingColumnsNameFileLineAndColumns() throws IOException {
        Path file = Fixtures.write(dir, "p.tsv", List.of("filename\tlabel\tstart_span\tend_span\tspan\tcode", "a\tb\t0\t1\tx\t1"));
        assertThatThrownBy(() -> PredictionReader.read(file)).isInstanceOf(UserError.class)
                .hasMessageStartingWith(file + ":1: missing column(s) Predicted_code");
    }

    @Test
    void emptyFilesAreRejected() throws IOException {
        Path tsv = Fixtures.write(dir, "empty.tsv", List.of());
        assertThatThrownBy(() -> PredictionReader.read(tsv)).isInstanceOf(UserError.class)
                .hasMessageStartingWith(tsv + ":1: empty file");
        Path headerOnly = Fixtures.write(dir, "header.tsv", List.of(HEADER));
        assertThatThrownBy(() -> PredictionReader.read(headerOnly)).isInstanceOf(UserError.class)
                .hasMessage(headerOnly + ": no predictions (the file holds no records)");
        Path jsonl = Fixtures.write(dir, "empty.jsonl", List.of("", " "));
        assertThatThrownBy(() -> PredictionReader.read(jsonl)).isInstanceOf(UserError.class)
                .hasMessageContaining("no predictions");
    }

    @Test
    void badTsvRowsNameTheirLine() throws IOException {
        Path short1 = Fixtures.write(dir, "short.tsv", List.of(HEADER, row("a", "S", 0, "1", "1", "s"), "a\tb"));
        assertThatThrownBy(() -> PredictionReader.read(short1)).hasMessage(short1 + ":3: 2 fields, the header has 16");
        Path badInt = Fixtures.write(dir, "int.tsv", List.of(HEADER, row("a", "S", 0, "1", "1", "s").replace("\t0\t", "\tzero\t")));
        assertThatThrownBy(() -> PredictionReader.read(badInt)).hasMessage(badInt + ":2: column start_span: 'zero' is not an integer");
        Path quote = Fixtures.write(dir, "quote.tsv", List.of(HEADER, row("a", "S", 0, "1", "1", "\"never closed")));
        assertThatThrownBy(() -> PredictionReader.read(quote)).hasMessage(quote + ":2: unterminated quoted field");
        Path judged = Fixtures.write(dir, "judged.tsv", List.of(HEADER, row("a", "S", 0, "1", "2", "s").replace("STRICT", "MAYBE")));
        Predictions p = PredictionReader.read(judged);
        assertThatThrownBy(() -> RecordedJudgements.read(p)).hasMessageStartingWith(judged + ":2: column LLM_Evaluation_v2: 'MAYBE'");
    }

    @Test
    void malformedJsonlLinesNameFileAndLine() throws IOException {
        String ok = Fixtures.LINES.get(0);
        Path bad = Fixtures.write(dir, "bad.jsonl", List.of(ok, "{\"document\": \"d\", "));
        assertThatThrownBy(() -> PredictionReader.read(bad)).isInstanceOf(UserError.class)
                .hasMessageStartingWith(bad + ":2: malformed JSON");
        Path missing = Fixtures.write(dir, "missing.jsonl", List.of(ok.replace("\"gold\":[\"D1\"],", "")));
        assertThatThrownBy(() -> PredictionReader.read(missing)).hasMessage(missing + ":1: field gold: required, an array of codes");
        Path span = Fixtures.write(dir, "span.jsonl", List.of(ok.replace("\"end\":5", "\"end\":-1")));
        assertThatThrownBy(() -> PredictionReader.read(span)).hasMessage(span + ":1: field end: required, a non-negative integer");
        Path seen = Fixtures.write(dir, "seen.jsonl", List.of(ok, ok.replace("\"seen\":true", "\"seen\":\"yes\"")));
        assertThatThrownBy(() -> PredictionReader.read(seen)).hasMessage(seen + ":2: field seen: expected true or false");
        Path array = Fixtures.write(dir, "array.jsonl", List.of("[1,2]"));
        assertThatThrownBy(() -> PredictionReader.read(array)).hasMessage(array + ":1: expected a JSON object per line");
    }

    @Test
    void aMissingFileIsAUserError() {
        Path none = dir.resolve("none.tsv");
        assertThatThrownBy(() -> PredictionReader.read(none)).isInstanceOf(UserError.class).hasMessage(none + ": no such file");
    }
}
