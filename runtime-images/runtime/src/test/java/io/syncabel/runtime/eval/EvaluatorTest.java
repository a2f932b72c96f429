package io.syncabel.runtime.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    @TempDir
    Path dir;

    EvaluationReport evaluate(Evaluator.Options options) throws IOException {
        return Evaluator.evaluate(PredictionReader.read(Fixtures.jsonl(dir)), options, null, null, null);
    }

    static Map<String, EvaluationReport.Stratum> byName(EvaluationReport r) {
        return r.strata().stream().collect(Collectors.toMap(EvaluationReport.Stratum::name, Function.identity()));
    }

    @Test
    void cleaningDropsDuplicatesAndNoCodeAsTheOriginal() throws IOException {
        Predictions p = PredictionReader.read(Fixtures.jsonl(dir));
        assertThat(p.rows()).isEqualTo(7);
        assertThat(p.duplicates()).isEqualTo(1);
        assertThat(p.noCode()).isEqualTo(1);
        assertThat(p.mentions()).hasSize(5);
        // the first of the duplicates is kept (it has candidates; the later copy has none)
        assertThat(p.mentions().get(0).candidates()).hasSize(2);
        assertThat(p.format()).isEqualTo(PredictionFormat.JSONL);
    }

    @Test
    void recallAtKOverBeamsWithCompositeCodesAsSets() throws IOException {
        EvaluationReport r = evaluate(new Evaluator.Options(List.of(1, 2, 5), 0, 42, null, null, null));
        // hits@1: D1, D3+D4 (order-free) -> 2/5; @2 adds D2 -> 3/5; k=5 is more than any mention has -> left out
        assertThat(r.settings().k()).containsExactly(1, 2);
        assertThat(r.overall().recallAtK().get("1")).isEqualTo(new Figure(2, 5, 40.0, null, null));
        assertThat(r.overall().recallAtK().get("2")).isEqualTo(new Figure(3, 5, 60.0, null, null));
        assertThat(r.notes()).anyMatch(n -> n.startsWith("Recall@5 left out"));
    }

    @Test
    void stratifiesByGroupSeenFlagAndExactName() throws IOException {
        EvaluationReport r = evaluate(new Evaluator.Options(List.of(1), 0, 42, null, null, null));
        Map<String, EvaluationReport.Stratum> s = byName(r);
        assertThat(r.strata()).extracting(EvaluationReport.Stratum::name).containsExactly("all", "Chemical", "Disease",
                "seen", "unseen", "exact name in KB", "no exact name in KB");
        assertThat(s.get("Disease").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(2L, 3L);
        assertThat(s.get("Chemical").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(0L, 2L);
        // ASA has no seen flag: in neither seen stratum, and the report says so
        assertThat(s.get("seen").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(2L, 2L);
        assertThat(s.get("unseen").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(0L, 2L);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("1 mention(s) have no seen flag"));
        assertThat(s.get("exact name in KB").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 2L);
        assertThat(s.get("no exact name in KB").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 2L);
        assertThat(s.get("Chemical").documents()).isEqualTo(1);
        assertThat(r.settings().seenSource()).isEqualTo("prediction file (seen)");
    }

    @Test
    void mentionsWhoseTextTheTrainingCorporaHoldAreAStratumOfTheirOwn() throws IOException {
        // the dictionary holds the texts as the linker's exact lookup normalises them: "ASA" is "asa"
        EvaluationReport r = evaluate(new Evaluator.Options(List.of(1, 2), 0, 42, null, null, Set.of("tumor", "asa")));
        Map<String, EvaluationReport.Stratum> s = byName(r);
        assertThat(r.strata()).extracting(EvaluationReport.Stratum::name).endsWith("in dictionary", "not in dictionary");
        assertThat(s.get("in dictionary").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 2L);
        assertThat(s.get("not in dictionary").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 3L);
        assertThat(s.get("not in dictionary").recallAtK().get("2")).extracting(Figure::hits).isEqualTo(2L); // asthma @2
        assertThat(byName(evaluate(Evaluator.Options.defaults()))).doesNotContainKey("in dictionary");
    }

    @Test
    void withoutDictionaryCorporaTheLinkersInDictionaryFlagsMakeTheStrata() throws IOException {
        Path file = Fixtures.write(dir, "flags.jsonl", List.of(
                "{\"document\":\"a\",\"start\":0,\"end\":1,\"text\":\"x\",\"gold\":[\"1\"],\"inDictionary\":true,"
                        + "\"candidates\":[{\"codes\":[\"1\"]}]}",
                "{\"document\":\"a\",\"start\":2,\"end\":3,\"text\":\"y\",\"gold\":[\"2\"],\"inDictionary\":false,"
                        + "\"candidates\":[{\"codes\":[\"3\"]}]}"));
        Map<String, EvaluationReport.Stratum> s = byName(Evaluator.evaluate(PredictionReader.read(file),
                new Evaluator.Options(List.of(1), 0, 42, null, null, null), null, null, null));
        assertThat(s.get("in dictionary").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 1L);
        assertThat(s.get("not in dictionary").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(0L, 1L);
        // corpora given on the command line win over the flags
        Map<String, EvaluationReport.Stratum> given = byName(Evaluator.evaluate(PredictionReader.read(file),
                new Evaluator.Options(List.of(1), 0, 42, null, null, Set.of("y")), null, null, null));
        assertThat(given.get("in dictionary").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(0L, 1L);
    }

    @Test
    void seenCodesFromAFileOverrideTheFlagsAndCompositesMatchAsSortedSets() throws IOException {
        // "D4+D3" normalised by the CLI's reader is "D3+D4"; here we pass normalised keys
        EvaluationReport r = evaluate(new Evaluator.Options(List.of(1), 0, 42, Set.of("D3+D4", "C5"), "--seen-codes x", null));
        Map<String, EvaluationReport.Stratum> s = byName(r);
        assertThat(s.get("seen").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 2L);
        assertThat(s.get("unseen").recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 3L);
        assertThat(r.notes()).noneMatch(n -> n.contains("no seen flag"));
    }

    @Test
    void withoutFlagsThereIsNoSeenOrExactNameStratumAndTheReportSaysWhy() throws IOException {
        Path file = Fixtures.write(dir, "plain.jsonl", List.of(
                "{\"document\":\"a\",\"start\":0,\"end\":1,\"text\":\"x\",\"gold\":[\"1\"],\"candidates\":[{\"codes\":[\"1\"]}]}"));
        EvaluationReport r = Evaluator.evaluate(PredictionReader.read(file), Evaluator.Options.defaults(), null, null, null);
        assertThat(r.strata()).extracting(EvaluationReport.Stratum::name).containsExactly("all");
        assertThat(r.notes()).anyMatch(n -> n.startsWith("No seen/unseen")).anyMatch(n -> n.startsWith("No exact-name"));
    }

    @Test
    void bootstrapIsDeterministicForASeedAndBracketsTheValue() throws IOException {
        EvaluationReport a = evaluate(new Evaluator.Options(List.of(1), 200, 7, null, null, null));
        EvaluationReport b = evaluate(new Evaluator.Options(List.of(1), 200, 7, null, null, null));
        Figure f = a.overall().recallAt1();
        assertThat(f).isEqualTo(b.overall().recallAt1());
        assertThat(f.ciLow()).isLessThanOrEqualTo(f.value());
        assertThat(f.ciHigh()).isGreaterThanOrEqualTo(f.value());
        // three documents with 1/2, 1/1, 0/2 hits: resamples range from 0% to 100%, so the interval is wide
        assertThat(f.ciHigh() - f.ciLow()).isGreaterThan(30);
    }

    @Test
    void theLenientProtocolSplitsCompositesAndTakesAnyCode() throws IOException {
        Path file = Fixtures.write(dir, "composites.jsonl", List.of(
                line("a", 0, "[\"D3\",\"D4\"]", "[{\"codes\":[\"D3\"]}]"),        // part of a composite gold
                line("a", 10, "[\"D5\"]", "[{\"codes\":[\"D5\",\"D6\"]}]"),       // composite prediction, one code right
                line("b", 0, "[\"D7\"]", "[{\"codes\":[\"D8\"]},{\"codes\":[\"D7\"]}]"), // right only at 2
                line("b", 10, "[\"D1\",\"D2\"]", "[{\"codes\":[\"D2\",\"D1\"]}]"), // the whole composite
                line("c", 0, "[\"D9\"]", "[]")));
        EvaluationReport r = Evaluator.evaluate(PredictionReader.read(file), new Evaluator.Options(List.of(1), 0, 42, null, null, null),
                null, null, null);
        assertThat(r.overall().recallAt1()).extracting(Figure::hits, Figure::total).containsExactly(1L, 5L);
        assertThat(r.overall().lenientRecallAt1()).extracting(Figure::hits, Figure::total).containsExactly(3L, 5L);
        String md = ReportRenderer.markdown(r);
        assertThat(md).contains("Lenient Recall@1 60.0").contains("| all | 5 | 3 | 20.0 | 60.0 |");
    }

    @Test
    void everyFigureIsRoundedOnceFromTheExactFraction() throws IOException {
        // 215/254 = 84.6457...: rounded to 0.01 first (84.65) and then to 0.1 it would read 84.7
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 254; i++) {
            lines.add(line("d" + i % 7, i, "[\"G\"]", i < 215 ? "[{\"codes\":[\"G\"]}]" : "[{\"codes\":[\"X\"]}]"));
        }
        EvaluationReport r = Evaluator.evaluate(PredictionReader.read(Fixtures.write(dir, "254.jsonl", lines)),
                new Evaluator.Options(List.of(1), 0, 42, null, null, null), null, null, null);
        Map<String, byte[]> files = ReportRenderer.render(r, null);
        assertThat(new String(files.get("report.md"), java.nio.charset.StandardCharsets.UTF_8))
                .contains("**Recall@1 84.6**").contains("| all | 254 | 7 | 84.6 | 84.6 |").doesNotContain("84.7");
        assertThat(new String(files.get("recall_at_1.svg"), java.nio.charset.StandardCharsets.UTF_8))
                .contains(">84.6</text>").doesNotContain("84.7");
        assertThat(Figure.oneDecimal(84.649999)).isEqualTo("84.6");
        assertThat(Figure.oneDecimal(-0.04)).isEqualTo("0.0");
    }

    static String line(String document, int start, String gold, String candidates) {
        return "{\"document\":\"" + document + "\",\"start\":" + start + ",\"end\":" + (start + 4)
                + ",\"text\":\"abcd\",\"gold\":" + gold + ",\"candidates\":" + candidates + "}";
    }

    @Test
    void percentilesInterpolateLinearlyLikeNumpy() {
        double[] v = {0, 10, 20, 30, 40};
        assertThat(Bootstrap.percentile(v, 0.025)).isEqualTo(1.0);
        assertThat(Bootstrap.percentile(v, 0.975)).isEqualTo(39.0);
    }

    @Test
    void reportFilesRender() throws IOException {
        EvaluationReport r = evaluate(new Evaluator.Options(List.of(1, 2), 50, 42, null, null, null));
        Map<String, byte[]> files = ReportRenderer.render(r, null);
        assertThat(files).containsOnlyKeys("report.json", "report.md", "recall_at_1.svg");
        String md = new String(files.get("report.md"), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(md).contains("| group Disease | 3 | 2 |").contains("Recall@2").contains("![Recall@1");
        String svg = new String(files.get("recall_at_1.svg"), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(svg).startsWith("<svg").contains("unseen (n=2)").endsWith("</svg>\n");
        assertThat(svg.split("<rect ").length - 2).isEqualTo(r.strata().size()); // one bar per stratum (+ background)
        EvaluationReport back = io.syncabel.runtime.Json.MAPPER.readValue(files.get("report.json"), EvaluationReport.class);
        assertThat(back).isEqualTo(r);
    }
}
