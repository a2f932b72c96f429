package io.syncabel.runtime.eval;

import static io.syncabel.runtime.llm.FakeOpenAiServer.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.llm.FakeOpenAiServer;
import io.syncabel.runtime.llm.InvalidAnswer;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JudgeTest {
    FakeOpenAiServer server;
    final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Mention mention(String doc, String text, String gold, String predicted) {
        List<Candidate> candidates = predicted == null ? List.of()
                : List.of(new Candidate(CodeSet.parse(predicted), "name of " + predicted, null));
        return new Mention(doc, "Disease", 0, text.length(), text, CodeSet.parse(gold), "name of " + gold, candidates,
                "Patient with [" + text + "] since May.", null, null, null, null, "test");
    }

    /** Answers keyed on the mention text; "seen" is the attempt number of that exact request. */
    static FakeOpenAiServer.Reply respond(FakeOpenAiServer.Request r) {
        String u = r.userMessage();
        int attempt = r.seen();
        if (u.contains("\"alpha\"")) {
            return attempt == 1 ? answer("Sure! The label is EXACT.") : answer("{\"label\": \"exact\", \"reason\": \"same meaning\"}");
        }
        if (u.contains("\"beta\"")) {
            return attempt == 1 ? FakeOpenAiServer.empty() : attempt == 2 ? FakeOpenAiServer.rateLimited(1)
                    : answer("{\"label\":\"BROAD\"}");
        }
        if (u.contains("\"gamma\"")) {
            return attempt == 1 ? FakeOpenAiServer.status(500)
                    : answer("```json\n{\"label\":\"NARROW\",\"reason\":\"adds a location\"}\n```");
        }
        if (u.contains("\"delta\"")) {
            return answer("{\"label\":\"MAYBE\",\"reason\":\"unsure\"}");
        }
        if (u.contains("\"epsilon\"")) {
            return FakeOpenAiServer.status(500);
        }
        if (u.contains("\"zeta\"")) {
            return answer("{\"label\":\"NO_RELATION\",\"reason\":\"unrelated\"}");
        }
        return FakeOpenAiServer.status(400); // a mention decided by rule must never get here
    }

    Judge judge() {
        LlmConfig config = LlmConfig.of(server.baseUrl(), "judge").withTemperature(0)
                .withLimits(4, 2, Duration.ofSeconds(5)).withBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
        return new Judge(new LlmClient(config, Map.<String, String>of()::get, sleeps::add, Clock.systemUTC(), () -> 0.0));
    }

    @Test
    void everyMentionEndsJudgedOrFailedWithAReasonExactlyOnce() throws Exception {
        server = FakeOpenAiServer.start(JudgeTest::respond);
        List<Mention> mentions = List.of(
                mention("d1", "strict", "1", "1"),
                mention("d1", "nothing", "1", null),
                mention("d1", "partial", "3+4", "4"),
                mention("d2", "alpha", "1", "2"),
                mention("d2", "beta", "1", "2"),
                mention("d2", "gamma", "1", "2"),
                mention("d3", "delta", "1", "2"),
                mention("d3", "epsilon", "1", "2"),
                mention("d3", "zeta", "1", "2+5"));

        List<Judgement> js = judge().judge(mentions);

        assertThat(js).extracting(Judgement::mention).containsExactlyElementsOf(mentions.stream().map(Mention::id).toList());
        assertThat(js).extracting(Judgement::label).containsExactly(JudgeLabel.STRICT, JudgeLabel.NO_RELATION,
                JudgeLabel.PARTIAL, JudgeLabel.EXACT, JudgeLabel.BROAD, JudgeLabel.NARROW, null, null, JudgeLabel.NO_RELATION);
        assertThat(js).extracting(Judgement::by).containsExactly("rule", "rule", "rule", "llm", "llm", "llm", "llm", "llm", "llm");
        assertThat(js).extracting(Judgement::attempts).containsExactly(null, null, null, 2, 3, 2, 3, 3, 1);
        assertThat(js.get(3).reason()).isEqualTo("same meaning");
        assertThat(js.get(5).reason()).isEqualTo("adds a location");
        assertThat(js.get(6).failure()).isEqualTo("invalid answer: label is not one of EXACT, BROAD, NARROW, NO_RELATION");
        assertThat(js.get(7).failure()).isEqualTo("http 500");
        // rules never call the endpoint; each LLM attempt is one request
        Map<String, Long> perMention = server.requests().stream().collect(Collectors.groupingBy(
                r -> r.userMessage().replaceAll("(?s).*# MENTION\n\"([a-z]+)\".*", "$1"), Collectors.counting()));
        assertThat(perMention).containsExactlyInAnyOrderEntriesOf(
                Map.of("alpha", 2L, "beta", 3L, "gamma", 2L, "delta", 3L, "epsilon", 3L, "zeta", 1L));
        assertThat(sleeps).contains(Duration.ofSeconds(1)); // beta's Retry-After

        Predictions p = new Predictions("test", PredictionFormat.JSONL, mentions, 9, 0, 0);
        EvaluationReport r = Evaluator.evaluate(p, new Evaluator.Options(List.of(1), 100, 42, null, null, null), null, js,
                RecordedJudgements.summary("llm", server.baseUrl(), "judge", js, null));
        Map<String, Figure> judge = r.overall().judge();
        assertThat(judge.get("correct").hits()).isEqualTo(2);   // STRICT + EXACT
        assertThat(judge.get("broad").hits()).isEqualTo(2);     // BROAD + PARTIAL
        assertThat(judge.get("noRelation").hits()).isEqualTo(2);
        assertThat(judge.get("failed").hits()).isEqualTo(2);
        assertThat(judge.get("correct").total()).isEqualTo(9);
        assertThat(r.judge().byRule()).isEqualTo(3);
        assertThat(r.judge().byLlm()).isEqualTo(4);
        assertThat(r.judge().failures()).containsEntry("http 500", 1).hasSize(2);
        String md = ReportRenderer.markdown(r);
        assertThat(md).contains("| invalid answer: label is not one of EXACT, BROAD, NARROW, NO_RELATION | 1 |");
    }

    @Test
    void thePromptCarriesContextMentionGoldAndPrediction() {
        var request = Judge.prompt(mention("d", "alpha", "298163003+298165005", "87511001"));
        String user = request.messages().get(1).content();
        assertThat(request.jsonObject()).isTrue();
        assertThat(user).contains("Patient with [alpha] since May.").contains("\"alpha\" (semantic group: Disease)")
                .contains("codes: 298163003 + 298165005").contains("name: name of 298163003+298165005")
                .contains("codes: 87511001").contains("EXACT:").contains("NO_RELATION:");
    }

    @Test
    void answersAreValidated() throws InvalidAnswer {
        assertThat(Judge.parse("{\"label\":\" broad \",\"reason\":\"\"}")).isEqualTo(new Judge.Verdict(JudgeLabel.BROAD, null));
        assertThat(Judge.parse("{\"label\":\"no relation\"}").label()).isEqualTo(JudgeLabel.NO_RELATION);
        assertThatThrownBy(() -> Judge.parse("{\"label\":\"STRICT\"}")).hasMessageContaining("not one of"); // rule-only label
        assertThatThrownBy(() -> Judge.parse("{\"reason\":\"x\"}")).hasMessage("no label");
        assertThatThrownBy(() -> Judge.parse("{label: EXACT}")).hasMessage("malformed JSON");
        assertThatThrownBy(() -> Judge.parse("EXACT")).hasMessage("no JSON object");
        assertThat(Judge.parse("{\"label\":\"EXACT\",\"reason\":\"" + "x".repeat(400) + "\"}").reason()).hasSize(301);
    }

    @Test
    void rulesFollowTheOriginal() {
        assertThat(Judge.byRule(mention("d", "a", "2+1", "1+2"))).get().extracting(Judgement::label).isEqualTo(JudgeLabel.STRICT);
        assertThat(Judge.byRule(mention("d", "a", "1+2", "2"))).get().extracting(Judgement::label).isEqualTo(JudgeLabel.PARTIAL);
        assertThat(Judge.byRule(mention("d", "a", "1", null))).get().extracting(Judgement::label).isEqualTo(JudgeLabel.NO_RELATION);
        assertThat(Judge.byRule(mention("d", "a", "1", "1+2"))).isEmpty(); // a superset is for the LLM
        assertThat(Judge.byRule(mention("d", "a", "1+2", "2+3"))).isEmpty();
    }
}
