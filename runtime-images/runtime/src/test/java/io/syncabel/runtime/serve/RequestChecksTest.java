package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.link.Linker;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests a linker would answer with something of another kind: a group the model lacks (a one-group model
 * links any group in its own), a whitespace-only mention, a body that is not declared JSON.
 */
class RequestChecksTest {
    static ServerFixture fixture;

    /** Like the generative linker of a one-group KB: any group is linked in "Disorders", and it says so. */
    static final class OneGroupLinker implements Linker {
        final DictionaryLinker dictionary = DictionaryLinker.sample();

        @Override
        public List<Result> link(List<Query> queries, Options options) {
            return dictionary.link(queries.stream()
                    .map(q -> new Query(q.text(), q.start(), q.end(), "Disorders")).toList(), options);
        }

        @Override
        public Set<String> groups() {
            return Set.of("Disorders");
        }

        @Override
        public Info info() {
            return dictionary.info();
        }
    }

    @BeforeAll
    static void start() {
        fixture = ServerFixture.ready(ServerFixture.config().withSmoke(new SmokeQuery("[asthma]{Disorders}", "C0004096")),
                new OneGroupLinker());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aGroupTheModelLacksIs400NamingTheGroupsItKnows() {
        var answer = fixture.post("/v1/link", """
                {"inputs": ["[asthma]{Disorders}", "took [ibuprofen]{Chemicals & Drugs}"]}""");
        LinkApiTest.assertBadRequest(answer, "inputs[1]", "unknown group 'Chemicals & Drugs'; the model knows [Disorders]");
        var infer = fixture.post("/v2/models/" + ServerFixture.MODEL + "/infer", """
                {"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["[x]{Chemicals & Drugs}"]}]}""");
        LinkApiTest.assertBadRequest(infer, "inputs[0].data[0]", "unknown group 'Chemicals & Drugs'");
        assertThat(fixture.post("/v1/link", "{\"inputs\": [\"[asthma]{Disorders}\"]}").status()).isEqualTo(200);
    }

    @Test
    void aWhitespaceOnlyMentionIs400() {
        LinkApiTest.assertBadRequest(fixture.post("/v1/link", "{\"inputs\": [\"a [  ]{Disorders} b\"]}"),
                "inputs[0]", "only whitespace");
        LinkApiTest.assertBadRequest(fixture.post("/v1/link", """
                {"inputs": [{"text": "a   b", "mentions": [{"start": 1, "end": 4, "group": "Disorders"}]}]}"""),
                "inputs[0].mentions[0]", "[1, 4) is only whitespace");
    }

    @Test
    void aBodyNotDeclaredJsonIs415() {
        String body = "{\"inputs\": [\"[asthma]{Disorders}\"]}";
        var form = fixture.post("/v1/link", body, "application/x-www-form-urlencoded");
        assertThat(form.status()).as(form.body()).isEqualTo(415);
        assertThat(form.json().get("type").asText()).isEqualTo("unsupported_media_type");
        assertThat(form.json().get("field").asText()).isEqualTo("content-type");
        assertThat(fixture.post("/v2/models/" + ServerFixture.MODEL + "/infer", body, "text/plain").status()).isEqualTo(415);
        assertThat(fixture.post("/v1/link", body, "application/json; charset=utf-8").status()).isEqualTo(200);
    }
}
