package io.syncabel.runtime.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.link.MarkedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A validated batch: inputs (each a text with one or more mention spans) and decoding options.
 * Parsing checks every limit and names the offending field ({@code inputs[2].mentions[0].end}), so a
 * client fixes its request from the 400 alone.
 */
record LinkRequest(List<Input> inputs, Linker.Options options) {

    record Mention(int start, int end, String group) {
    }

    record Input(String text, List<Mention> mentions) {
    }

    int mentionCount() {
        return inputs.stream().mapToInt(i -> i.mentions().size()).sum();
    }

    /** One query per mention, inputs in order and mentions in order within each. */
    List<Linker.Query> queries() {
        List<Linker.Query> queries = new ArrayList<>(mentionCount());
        for (Input input : inputs) {
            for (Mention m : input.mentions()) {
                queries.add(new Linker.Query(input.text(), m.start(), m.end(), m.group()));
            }
        }
        return queries;
    }

    /**
     * 400 for a mention whose group the linker does not answer for ({@code known} empty: no check), naming the
     * input ({@code inputField}: its path for input i) and the groups the model knows.
     */
    void checkGroups(Set<String> known, IntFunction<String> inputField) {
        if (known.isEmpty()) {
            return;
        }
        for (int i = 0; i < inputs.size(); i++) {
            for (Mention m : inputs.get(i).mentions()) {
                if (!known.contains(m.group())) {
                    throw ApiError.badRequest(inputField.apply(i), "unknown group '" + m.group()
                            + "'; the model knows " + new java.util.TreeSet<>(known));
                }
            }
        }
    }

    /** {@code POST /v1/link}: {@code {"inputs": [...], "options": {"beams", "topK", "constrained"}}}. */
    static LinkRequest parseV1(byte[] body, ServeConfig limits) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw ApiError.badRequest("body", "expected a JSON object {\"inputs\": [...], \"options\": {...}}");
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ApiError.badRequest("inputs", "expected a non-empty array of marked sentences or {text, mentions}");
        }
        List<Input> parsed = new ArrayList<>(inputs.size());
        int mentions = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Input input = parseInput(inputs.get(i), "inputs[" + i + "]", limits);
            mentions += input.mentions().size();
            checkMentionCount(mentions, "inputs", limits);
            parsed.add(input);
        }
        return new LinkRequest(parsed, parseOptions(root.get("options"), "options", limits));
    }

    static JsonNode readJson(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("body", "empty request body; expected JSON");
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw ApiError.badRequest("body", "malformed JSON"
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("body", "unreadable body: " + e.getMessage());
        }
    }

    static void checkMentionCount(int mentions, String field, ServeConfig limits) {
        if (mentions > limits.maxMentionsPerRequest()) {
            throw ApiError.badRequest(field, "more than " + limits.maxMentionsPerRequest()
                    + " mentions in one request; split the batch");
        }
    }

    /** A marked sentence string, or {@code {"text": ..., "mentions": [{"start", "end", "group"}]}}. */
    static Input parseInput(JsonNode node, String field, ServeConfig limits) {
        if (node.isTextual()) {
            return parseMarked(node.asText(), field, limits);
        }
        if (!node.isObject()) {
            throw ApiError.badRequest(field, "expected a marked sentence string or {text, mentions}");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
            throw ApiError.badRequest(field + ".text", "expected a non-empty string");
        }
        String t = text.asText();
        checkLength(t, field + ".text", limits);
        JsonNode mentions = node.get("mentions");
        if (mentions == null || !mentions.isArray() || mentions.isEmpty()) {
            throw ApiError.badRequest(field + ".mentions", "expected a non-empty array of {start, end, group}");
        }
        checkMentionCount(mentions.size(), field + ".mentions", limits);
        List<Mention> out = new ArrayList<>(mentions.size());
        for (int j = 0; j < mentions.size(); j++) {
            String f = field + ".mentions[" + j + "]";
            JsonNode m = mentions.get(j);
            if (!m.isObject()) {
                throw ApiError.badRequest(f, "expected {start, end, group}");
            }
            int start = intField(m, "start", f);
            int end = intField(m, "end", f);
            if (start < 0 || start >= t.length()) {
                throw ApiError.badRequest(f + ".start", "start " + start + " is outside the text (length "
                        + t.length() + ")");
            }
            if (end <= start || end > t.length()) {
                throw ApiError.badRequest(f + ".end", "end " + end + " must be > start (" + start
                        + ") and <= the text length (" + t.length() + ")");
            }
            if (t.substring(start, end).isBlank()) {
                throw ApiError.badRequest(f, "the mention [" + start + ", " + end + ") is only whitespace");
            }
            JsonNode group = m.get("group");
            if (group == null || !group.isTextual() || group.asText().isBlank()) {
                throw ApiError.badRequest(f + ".group", "expected the semantic group, e.g. \"Disorders\"");
            }
            out.add(new Mention(start, end, group.asText()));
        }
        return new Input(t, List.copyOf(out));
    }

    static Input parseMarked(String marked, String field, ServeConfig limits) {
        checkLength(marked, field, limits);
        try {
            MarkedText.Marked m = MarkedText.parse(marked);
            if (m.text().substring(m.start(), m.end()).isBlank()) {
                throw ApiError.badRequest(field, "the marked mention is only whitespace");
            }
            return new Input(m.text(), List.of(new Mention(m.start(), m.end(), m.group())));
        } catch (MarkedText.ParseException e) {
            throw ApiError.badRequest(field, e.getMessage());
        }
    }

    /**
     * Missing options come from the server's defaults; beams alone caps topK, topK alone raises
     * beams when larger, so any one given value is honoured.
     */
    static Linker.Options parseOptions(JsonNode node, String field, ServeConfig limits) {
        Linker.Options defaults = limits.options();
        int maxBeams = limits.maxBeams();
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (!node.isObject()) {
            throw ApiError.badRequest(field, "expected {beams, topK, constrained}");
        }
        Integer beams = node.has("beams") ? intField(node, "beams", field) : null;
        Integer topK = node.has("topK") ? intField(node, "topK", field) : null;
        int b = beams != null ? beams : Math.max(defaults.beams(), topK == null ? 0 : topK);
        int k = topK != null ? topK : Math.min(defaults.topK(), b);
        if (b < 1 || b > maxBeams) {
            throw ApiError.badRequest(field + ".beams", "beams must be 1.." + maxBeams + ", got " + b);
        }
        if (k < 1 || k > b) {
            throw ApiError.badRequest(field + ".topK", "topK must be 1..beams (" + b + "), got " + k);
        }
        boolean constrained = defaults.constrained();
        JsonNode c = node.get("constrained");
        if (c != null) {
            if (!c.isBoolean()) {
                throw ApiError.badRequest(field + ".constrained", "expected true or false");
            }
            constrained = c.booleanValue();
        }
        return new Linker.Options(b, k, constrained);
    }

    private static void checkLength(String text, String field, ServeConfig limits) {
        if (text.length() > limits.maxTextChars()) {
            throw ApiError.badRequest(field, "text of " + text.length() + " characters is longer than the limit ("
                    + limits.maxTextChars() + "); send the sentence around the mention");
        }
    }

    private static int intField(JsonNode node, String name, String field) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badRequest(field + "." + name, "expected an integer");
        }
        return v.intValue();
    }
}
