package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The KServe Open Inference Protocol v2 endpoints, as a KServe-style client calls them. */
class OipV2Test {
    static ServerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServerFixture.ready(ServerFixture.config(), DictionaryLinker.sample());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void healthAndModelReadiness() {
        assertThat(fixture.get("/v2/health/live").status()).isEqualTo(200);
        assertThat(fixture.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(fixture.get("/v2/models/ncbi-test/ready").status()).isEqualTo(200);
        assertThat(fixture.get("/v2/models/ncbi-test/versions/v1/ready").status()).isEqualTo(200);
        assertThat(fixture.get("/v2/models/other/ready").status()).isEqualTo(404);
        assertThat(fixture.get("/v2/models/ncbi-test/versions/v9/ready").status()).isEqualTo(404);
    }

    @Test
    void metadataDescribesBytesTensors() {
        JsonNode meta = fixture.get("/v2/models/ncbi-test").json();
        assertThat(meta.get("name").asText()).isEqualTo("ncbi-test");
        assertThat(meta.get("versions").get(0).asText()).isEqualTo("v1");
        assertThat(meta.at("/inputs/0/name").asText()).isEqualTo("text");
        assertThat(meta.at("/inputs/0/datatype").asText()).isEqualTo("BYTES");
        assertThat(meta.at("/outputs/0/name").asText()).isEqualTo("result");
        assertThat(meta.at("/outputs/0/datatype").asText()).isEqualTo("BYTES");
        assertThat(fixture.get("/v2/models/other").json().get("error").asText()).contains("serves 'ncbi-test'");
    }

    @Test
    void inferTakesMarkedSentencesAndJsonElements() throws Exception {
        var answer = fixture.post("/v2/models/ncbi-test/infer", """
                {"id": "req-7", "parameters": {"beams": 2},
                 "inputs": [{"name": "text", "datatype": "BYTES", "shape": [2],
                             "data": ["[asthma]{Disorders} attack",
                                      "{\\"text\\": \\"took aspirin\\", \\"mentions\\": [{\\"start\\": 5, \\"end\\": 12, \\"group\\": \\"Chemicals & Drugs\\"}]}"]}]}""");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("model_name").asText()).isEqualTo("ncbi-test");
        assertThat(body.get("model_version").asText()).isEqualTo("v1");
        assertThat(body.get("id").asText()).isEqualTo("req-7");
        JsonNode out = body.at("/outputs/0");
        assertThat(out.get("name").asText()).isEqualTo("result");
        assertThat(out.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(out.get("shape").get(0).asInt()).isEqualTo(2);
        JsonNode first = Json.MAPPER.readTree(out.get("data").get(0).asText());
        assertThat(first.at("/mentions/0/candidates/0/pred_concept_code").asText()).isEqualTo("C0004096");
        assertThat(first.at("/mentions/0/candidates")).hasSize(2);
        JsonNode second = Json.MAPPER.readTree(out.get("data").get(1).asText());
        assertThat(second.at("/mentions/0/mention").asText()).isEqualTo("aspirin");
        assertThat(second.at("/mentions/0/candidates/0/codes/0").asText()).isEqualTo("C0004057");
    }

    @Test
    void inferRefusesWrongTensors() {
        LinkApiTest.assertBadRequest(fixture.post("/v2/models/ncbi-test/infer", """
                {"inputs": [{"name": "text", "datatype": "FP32", "shape": [1], "data": [1.0]}]}"""),
                "inputs[0].datatype", "BYTES");
        LinkApiTest.assertBadRequest(fixture.post("/v2/models/ncbi-test/infer", """
                {"inputs": [{"name": "text", "datatype": "BYTES", "shape": [3], "data": ["[a]{Disorders}"]}]}"""),
                "inputs[0].shape", "holds 3 elements but data has 1");
        LinkApiTest.assertBadRequest(fixture.post("/v2/models/ncbi-test/infer", """
                {"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["plain"]}]}"""),
                "inputs[0].data[0]", "no marked mention");
        assertThat(fixture.post("/v2/models/other/infer", "{}").status()).isEqualTo(404);
    }
}
