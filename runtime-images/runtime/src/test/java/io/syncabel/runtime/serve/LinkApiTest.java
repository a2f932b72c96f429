package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.link.Linker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The POST /v1/link contract and its 400s, against one server with small limits. */
class LinkApiTest {
    static ServerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.ready(ServerFixture.config().withLimits(4096, 4, 200, 10), DictionaryLinker.sample());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void linksAMarkedSentenceWithTheOriginalsFieldNames() {
        var answer = fixture.post("/v1/link", """
                {"inputs": ["The patient took [ibuprofen]{Chemicals & Drugs} for pain ."],
                 "options": {"beams": 3, "topK": 2}}""");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("model").asText()).isEqualTo("dictionary-test");
        assertThat(body.get("modelVersion").asText()).isEqualTo("v1");
        assertThat(body.get("kbVersion").asText()).isEqualTo("kb-2026");
        assertThat(body.at("/options/beams").asInt()).isEqualTo(3);
        JsonNode result = body.at("/results/0");
        assertThat(result.get("text").asText()).isEqualTo("The patient took ibuprofen for pain .");
        JsonNode mention = result.at("/mentions/0");
        assertThat(mention.get("mention").asText()).isEqualTo("ibuprofen");
        assertThat(mention.get("start").asInt()).isEqualTo(17);
        assertThat(mention.get("end").asInt()).isEqualTo(26);
        assertThat(mention.get("group").asText()).isEqualTo("Chemicals & Drugs");
        JsonNode candidates = mention.get("candidates");
        assertThat(candidates).hasSize(2);
        JsonNode top = candidates.get(0);
        assertThat(top.get("codes").get(0).asText()).isEqualTo("C0020740");
        assertThat(top.get("name").asText()).isEqualTo("Ibuprofen");
        assertThat(top.get("rank").asInt()).isEqualTo(1);
        assertThat(top.get("score").asDouble()).isBetween(0.99, 1.0);
        assertThat(top.get("mention").asText()).isEqualTo("ibuprofen");
        assertThat(top.get("semantic_group").asText()).isEqualTo("Chemicals & Drugs");
        assertThat(top.get("pred_concept_name").asText()).isEqualTo("Ibuprofen");
        assertThat(top.get("pred_concept_code").asText()).isEqualTo("C0020740");
        assertThat(top.get("beam_score").asDouble()).isEqualTo(top.get("score").asDouble());
        assertThat(candidates.get(1).get("rank").asInt()).isEqualTo(2);
    }

    @Test
    void linksStructuredInputsAndJoinsCompositeCodesWithPlus() {
        var answer = fixture.post("/v1/link", """
                {"inputs": [{"text": "Asthma and breast and ovarian cancer .",
                             "mentions": [{"start": 0, "end": 6, "group": "Disorders"},
                                          {"start": 11, "end": 36, "group": "Disorders"}]}],
                 "options": {"beams": 1}}""");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode mentions = answer.json().at("/results/0/mentions");
        assertThat(mentions.get(0).at("/candidates/0/pred_concept_code").asText()).isEqualTo("C0004096");
        assertThat(mentions.get(1).get("mention").asText()).isEqualTo("breast and ovarian cancer");
        assertThat(mentions.get(1).at("/candidates/0/pred_concept_code").asText()).isEqualTo("C0006142+C0029925");
        assertThat(mentions.get(1).at("/candidates/0/codes")).hasSize(2);
    }

    @Test
    void requestsWithoutOptionsGetTheServersDefaults() {
        ServeConfig config = ServerFixture.config().withOptions(new Linker.Options(3, 1, false));
        try (ServerFixture f = ServerFixture.ready(config, DictionaryLinker.sample())) {
            JsonNode body = f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}").json();
            assertThat(body.get("options").toString()).isEqualTo("{\"beams\":3,\"topK\":1,\"constrained\":false}");
            assertThat(body.at("/results/0/mentions/0/candidates")).hasSize(1);
            JsonNode beamsOnly = f.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"], \"options\": {\"beams\": 2}}").json();
            assertThat(beamsOnly.get("options").toString()).isEqualTo("{\"beams\":2,\"topK\":1,\"constrained\":false}");
        }
    }

    @Test
    void identicalInputGivesIdenticalBytes() {
        String request = """
                {"inputs": ["[Asthma]{Disorders} again", "[aspirin]{Chemicals & Drugs}"], "options": {"beams": 5}}""";
        String first = fixture.post("/v1/link", request).body();
        String second = fixture.post("/v1/link", request).body();
        assertThat(second).isEqualTo(first).contains("C0004057");
    }

    @Test
    void malformedJsonNamesTheBody() {
        var answer = fixture.post("/v1/link", "{\"inputs\": [");
        assertBadRequest(answer, "body", "malformed JSON");
    }

    @Test
    void aSentenceWithoutMarkedMentionIsRefused() {
        var answer = fixture.post("/v1/link", """
                {"inputs": ["[Asthma]{Disorders}", "no mention here"]}""");
        assertBadRequest(answer, "inputs[1]", "no marked mention");
    }

    @Test
    void aSpanOutsideTheTextNamesTheField() {
        var answer = fixture.post("/v1/link", """
                {"inputs": [{"text": "Asthma", "mentions": [{"start": 0, "end": 40, "group": "Disorders"}]}]}""");
        assertBadRequest(answer, "inputs[0].mentions[0].end", "text length (6)");
    }

    @Test
    void tooManyMentionsAreRefused() {
        var answer = fixture.post("/v1/link", """
                {"inputs": ["[a]{Disorders}", "[b]{Disorders}", "[c]{Disorders}", "[d]{Disorders}", "[e]{Disorders}"]}""");
        assertBadRequest(answer, "inputs", "more than 4 mentions");
    }

    @Test
    void tooLongTextAndBadOptionsAreRefused() {
        assertBadRequest(fixture.post("/v1/link", "{\"inputs\": [\"[x]{Disorders} " + "y".repeat(300) + "\"]}"),
                "inputs[0]", "longer than the limit (200)");
        assertBadRequest(fixture.post("/v1/link", "{\"inputs\": [\"[x]{Disorders}\"], \"options\": {\"beams\": 2, \"topK\": 3}}"),
                "options.topK", "topK must be 1..beams (2)");
        assertBadRequest(fixture.post("/v1/link", "{\"inputs\": [\"[x]{Disorders}\"], \"options\": {\"beams\": 11}}"),
                "options.beams", "1..10");
    }

    @Test
    void aBodyOverTheLimitGets413() {
        var answer = fixture.post("/v1/link", "{\"inputs\": [\"" + "x".repeat(5000) + "\"]}");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("field").asText()).isEqualTo("body");
        assertThat(answer.json().get("type").asText()).isEqualTo("body_too_large");
    }

    @Test
    void aMentionTheLinkerRefusesIsA400() {
        var answer = fixture.post("/v1/link", "{\"inputs\": [\"[x]{Nonsense}\"]}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).contains("unknown group 'Nonsense'");
    }

    @Test
    void unknownPathsAnswerJson404() {
        var answer = fixture.get("/v1/nothing");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("type").asText()).isEqualTo("not_found");
    }

    static void assertBadRequest(ServerFixture.Answer answer, String field, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.header("content-type")).isEqualTo("application/json");
        assertThat(answer.json().get("field").asText()).isEqualTo(field);
        assertThat(answer.json().get("error").asText()).contains(message);
    }
}
