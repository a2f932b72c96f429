package io.syncabel.runtime.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.link.Linker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KServe Open Inference Protocol v2 shapes. One input tensor, {@code text} (BYTES, shape [n]):
 * each element a marked sentence, or a JSON object {@code {text, mentions}} as a string. One output
 * tensor, {@code result} (BYTES, shape [n]): element i is the JSON of input i's result, exactly the
 * {@code results[i]} object of {@code POST /v1/link}. Decoding options travel as request
 * {@code parameters} ({@code beams}, {@code topK}, {@code constrained}).
 */
final class OipV2 {
    static final String INPUT = "text";
    static final String OUTPUT = "result";
    static final String BYTES = "BYTES";

    record Tensor(String name, String datatype, List<Integer> shape) {
    }

    @JsonPropertyOrder({"name", "versions", "platform", "inputs", "outputs", "parameters"})
    record Metadata(String name, List<String> versions, String platform, List<Tensor> inputs, List<Tensor> outputs,
                    Map<String, Object> parameters) {
    }

    record OutputTensor(String name, String datatype, List<Integer> shape, List<String> data) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"model_name", "model_version", "id", "parameters", "outputs"})
    record InferResponse(@JsonProperty("model_name") String modelName,
                         @JsonProperty("model_version") String modelVersion,
                         String id,
                         Map<String, Object> parameters,
                         List<OutputTensor> outputs) {
    }

    /** A parsed infer request: the id to echo (may be null) and the same batch /v1/link takes. */
    record Infer(String id, LinkRequest request) {
    }

    private OipV2() {
    }

    static Metadata metadata(String modelName, Linker.Info info) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (info != null) {
            parameters.put("model", info.model());
            parameters.put("kbVersion", info.kbVersion());
        }
        return new Metadata(modelName, info == null ? List.of() : List.of(info.modelVersion()), "syncabel",
                List.of(new Tensor(INPUT, BYTES, List.of(-1))), List.of(new Tensor(OUTPUT, BYTES, List.of(-1))),
                parameters);
    }

    static Infer parseInfer(byte[] body, ServeConfig limits) {
        JsonNode root = LinkRequest.readJson(body);
        if (!root.isObject()) {
            throw ApiError.badRequest("body", "expected an inference request {inputs: [{name, shape, datatype, data}]}");
        }
        JsonNode id = root.get("id");
        if (id != null && !id.isTextual()) {
            throw ApiError.badRequest("id", "expected a string");
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw ApiError.badRequest("inputs", "expected exactly one input tensor, \"" + INPUT + "\" (BYTES)");
        }
        JsonNode tensor = inputs.get(0);
        JsonNode datatype = tensor.get("datatype");
        if (datatype == null || !BYTES.equals(datatype.asText())) {
            throw ApiError.badRequest("inputs[0].datatype", "expected \"BYTES\" (strings), got " + datatype);
        }
        List<JsonNode> data = new ArrayList<>();
        JsonNode rawData = tensor.get("data");
        if (rawData == null || !rawData.isArray() || rawData.isEmpty()) {
            throw ApiError.badRequest("inputs[0].data", "expected a non-empty array of strings");
        }
        flatten(rawData, data, limits);
        checkShape(tensor.get("shape"), data.size());
        checkOutputs(root.get("outputs"));

        List<LinkRequest.Input> parsed = new ArrayList<>(data.size());
        int mentions = 0;
        for (int i = 0; i < data.size(); i++) {
            String field = "inputs[0].data[" + i + "]";
            JsonNode element = data.get(i);
            if (!element.isTextual()) {
                throw ApiError.badRequest(field, "expected a string (BYTES element)");
            }
            LinkRequest.Input input = LinkRequest.parseInput(elementInput(element.asText(), field), field, limits);
            mentions += input.mentions().size();
            LinkRequest.checkMentionCount(mentions, "inputs[0].data", limits);
            parsed.add(input);
        }
        Linker.Options options = LinkRequest.parseOptions(root.get("parameters"), "parameters", limits);
        return new Infer(id == null ? null : id.asText(), new LinkRequest(parsed, options));
    }

    static InferResponse response(String modelName, String id, LinkResponse linked) {
        List<String> data = new ArrayList<>(linked.results().size());
        for (LinkResponse.InputResult r : linked.results()) {
            try {
                data.add(Json.MAPPER.writeValueAsString(r));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write a result as JSON", e);
            }
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("model", linked.model());
        parameters.put("kbVersion", linked.kbVersion());
        parameters.put("beams", linked.options().beams());
        parameters.put("topK", linked.options().topK());
        parameters.put("constrained", linked.options().constrained());
        return new InferResponse(modelName, linked.modelVersion(), id, parameters,
                List.of(new OutputTensor(OUTPUT, BYTES, List.of(data.size()), data)));
    }

    /** A string starting with '{' is a JSON {text, mentions}; a marked sentence cannot start with a bare '{'. */
    private static JsonNode elementInput(String s, String field) {
        if (!s.startsWith("{")) {
            return TextNode.valueOf(s);
        }
        try {
            return Json.MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest(field, "an element starting with '{' must be a JSON {text, mentions}: "
                    + e.getOriginalMessage());
        }
    }

    /** OIP JSON allows nested (row-major) data; the row structure carries nothing for strings. */
    private static void flatten(JsonNode node, List<JsonNode> out, ServeConfig limits) {
        for (JsonNode e : node) {
            if (e.isArray()) {
                flatten(e, out, limits);
            } else {
                out.add(e);
            }
            LinkRequest.checkMentionCount(out.size(), "inputs[0].data", limits);
        }
    }

    private static void checkShape(JsonNode shape, int elements) {
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw ApiError.badRequest("inputs[0].shape", "expected the tensor shape, e.g. [" + elements + "]");
        }
        long product = 1;
        for (JsonNode d : shape) {
            if (!d.isIntegralNumber() || d.longValue() < 0) {
                throw ApiError.badRequest("inputs[0].shape", "expected non-negative integers, got " + shape);
            }
            product *= d.longValue();
        }
        if (product != elements) {
            throw ApiError.badRequest("inputs[0].shape", "shape " + shape + " holds " + product + " elements but data has "
                    + elements);
        }
    }

    private static void checkOutputs(JsonNode outputs) {
        if (outputs == null) {
            return;
        }
        if (!outputs.isArray()) {
            throw ApiError.badRequest("outputs", "expected an array of {name}");
        }
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode name = outputs.get(i).get("name");
            if (name == null || !OUTPUT.equals(name.asText())) {
                throw ApiError.badRequest("outputs[" + i + "].name", "this model has one output, \"" + OUTPUT + "\"");
            }
        }
    }
}
