package io.syncabel.runtime.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a prediction file (TSV or JSONL); every input problem is a UserError naming file and line. */
public final class PredictionReader {
    /** Columns of the original's TSV that scoring cannot do without. */
    static final List<String> TSV_REQUIRED = List.of("filename", "label", "start_span", "end_span", "span", "code",
            "Predicted_code");

    private PredictionReader() {
    }

    public static Predictions read(Path file) {
        return read(file, PredictionFormat.of(file));
    }

    public static Predictions read(Path file, PredictionFormat format) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        List<Mention> mentions;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            mentions = format == PredictionFormat.TSV ? readTsv(file, in) : readJsonl(file, in);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
        if (mentions.isEmpty()) {
            throw new UserError(file + ": no predictions (the file holds no records)");
        }
        return Predictions.clean(file.toString(), format, mentions);
    }

    // ---- TSV -------------------------------------------------------------------------------------------

    private static List<Mention> readTsv(Path file, BufferedReader in) throws IOException {
        TsvRecords records = new TsvRecords(file, in);
        List<String> header = records.next();
        if (header == null || header.stream().allMatch(String::isBlank)) {
            throw new UserError(file + ":1: empty file (expected a header row with " + String.join(", ", TSV_REQUIRED) + ")");
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            columns.putIfAbsent(stripBom(header.get(i)).strip(), i);
        }
        List<String> missing = TSV_REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new UserError(file + ":1: missing column(s) " + String.join(", ", missing)
                    + " (the original's prediction TSV has " + String.join(", ", TSV_REQUIRED) + ", ...)");
        }
        List<Mention> out = new ArrayList<>();
        List<String> row;
        while ((row = records.next()) != null) {
            int line = records.recordLine();
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw new UserError(file + ":" + line + ": " + row.size() + " fields, the header has " + header.size());
            }
            String source = file + ":" + line;
            Map<String, String> r = new HashMap<>();
            List<String> fields = row;
            columns.forEach((name, i) -> r.put(name, fields.get(i)));
            String document = required(r, "filename", source);
            int start = integer(r, "start_span", source);
            int end = integer(r, "end_span", source);
            String predictedName = r.get("Prediction");
            CodeSet predicted = CodeSet.parse(r.get("Predicted_code"));
            Double score = optionalDouble(r.get("Prediction_score"), source, "Prediction_score");
            List<Candidate> candidates = predicted.isEmpty() ? List.of()
                    : List.of(new Candidate(predicted, predictedName, score));
            String judged = blankToNull(r.get("LLM_Evaluation_v2"));
            out.add(new Mention(document, r.get("label").strip(), start, end, r.get("span"), CodeSet.parse(r.get("code")),
                    blankToNull(r.get("annotation")), candidates, blankToNull(r.get("sentence")), null, null, null,
                    judged == null ? null : judged.strip().toUpperCase(Locale.ROOT), source));
        }
        return out;
    }

    private static String required(Map<String, String> r, String column, String source) {
        String v = r.get(column);
        if (v == null || v.isBlank()) {
            throw new UserError(source + ": column " + column + " is empty");
        }
        return v.strip();
    }

    private static int integer(Map<String, String> r, String column, String source) {
        String v = required(r, column, source);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError(source + ": column " + column + ": '" + v + "' is not an integer");
        }
    }

    private static Double optionalDouble(String v, String source, String column) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(v.strip());
        } catch (NumberFormatException e) {
            throw new UserError(source + ": column " + column + ": '" + v + "' is not a number");
        }
    }

    /** Spreadsheet exports start with a UTF-8 byte-order mark; it is not part of the first column's name. */
    private static String stripBom(String v) {
        return v.startsWith("\uFEFF") ? v.substring(1) : v;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Tab-separated records with pandas' default quoting: a field that starts with '"' runs to the closing
     * quote, '""' inside is one quote, and may span lines (the released files quote sentences that contain quotes).
     */
    static final class TsvRecords {
        private final Path file;
        private final BufferedReader in;
        private int line;
        private int recordLine;

        TsvRecords(Path file, BufferedReader in) {
            this.file = file;
            this.in = in;
        }

        int recordLine() {
            return recordLine;
        }

        List<String> next() throws IOException {
            String text = in.readLine();
            if (text == null) {
                return null;
            }
            line++;
            recordLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            int i = 0;
            while (true) {
                if (i < text.length() && text.charAt(i) == '"' && field.isEmpty()) {
                    i++; // quoted field
                    while (true) {
                        if (i >= text.length()) {
                            String more = in.readLine();
                            if (more == null) {
                                throw new UserError(file + ":" + recordLine + ": unterminated quoted field");
                            }
                            line++;
                            field.append('\n');
                            text = more;
                            i = 0;
                            continue;
                        }
                        char c = text.charAt(i);
                        if (c == '"') {
                            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                                field.append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        field.append(c);
                        i++;
                    }
                    // text after the closing quote up to the tab belongs to the field, as pandas keeps it
                }
                if (i >= text.length()) {
                    fields.add(field.toString());
                    return fields;
                }
                char c = text.charAt(i++);
                if (c == '\t') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
        }
    }

    // ---- JSONL ------------------------------------------------------------------------------------------

    private static List<Mention> readJsonl(Path file, BufferedReader in) throws IOException {
        List<Mention> out = new ArrayList<>();
        String text;
        int line = 0;
        while ((text = in.readLine()) != null) {
            line++;
            if (line == 1) {
                text = stripBom(text);
            }
            if (text.isBlank()) {
                continue;
            }
            String source = file + ":" + line;
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new UserError(source + ": malformed JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new UserError(source + ": expected a JSON object per line");
            }
            out.add(jsonMention(node, source));
        }
        return out;
    }

    private static Mention jsonMention(JsonNode n, String source) {
        String document = text(n, "document", source, true);
        int start = integer(n, "start", source);
        int end = integer(n, "end", source);
        if (end < start) {
            throw new UserError(source + ": field end (" + end + ") is before start (" + start + ")");
        }
        String group = text(n, "group", source, false);
        CodeSet gold = codes(n.get("gold"), source, "gold");
        JsonNode cands = n.get("candidates");
        if (cands == null || !cands.isArray()) {
            throw new UserError(source + ": field candidates: required, an array of {codes, name, score} (may be empty)");
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < cands.size(); i++) {
            JsonNode c = cands.get(i);
            String field = "candidates[" + i + "]";
            if (!c.isObject()) {
                throw new UserError(source + ": field " + field + ": expected an object {codes, name, score}");
            }
            JsonNode score = c.get("score");
            if (score != null && !score.isNull() && !score.isNumber()) {
                throw new UserError(source + ": field " + field + ".score: expected a number");
            }
            candidates.add(new Candidate(codes(c.get("codes"), source, field + ".codes"),
                    text(c, "name", source, false), score == null || score.isNull() ? null : score.asDouble()));
        }
        return new Mention(document, group == null ? "" : group, start, end, text(n, "text", source, true), gold,
                text(n, "goldName", source, false), candidates, text(n, "context", source, false),
                bool(n, "seen", source), bool(n, "exactNameInKb", source), bool(n, "inDictionary", source), null, source);
    }

    private static String text(JsonNode n, String field, String source, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new UserError(source + ": field " + field + ": required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new UserError(source + ": field " + field + ": expected a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, String source) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new UserError(source + ": field " + field + ": required, a non-negative integer");
        }
        return v.asInt();
    }

    private static Boolean bool(JsonNode n, String field, String source) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new UserError(source + ": field " + field + ": expected true or false");
        }
        return v.asBoolean();
    }

    /** Codes as an array of strings; a single "+"-joined string is accepted too, as the original writes them. */
    private static CodeSet codes(JsonNode v, String source, String field) {
        if (v == null || v.isNull()) {
            throw new UserError(source + ": field " + field + ": required, an array of codes");
        }
        if (v.isTextual()) {
            return CodeSet.parse(v.asText());
        }
        if (!v.isArray()) {
            throw new UserError(source + ": field " + field + ": expected an array of codes");
        }
        List<String> codes = new ArrayList<>();
        for (JsonNode c : v) {
            if (!c.isTextual()) {
                throw new UserError(source + ": field " + field + ": codes must be strings");
            }
            codes.add(c.asText());
        }
        return new CodeSet(codes);
    }
}
