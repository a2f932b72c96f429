package io.syncabel.runtime.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The documented JSONL corpus form (docs/kb-and-corpora.md), one document per line:
 * <pre>{"id":"doc1","text":"...","passages":[[0,40],[41,300]],
 *  "mentions":[{"id":"T1","spans":[[0,5],[9,14]],"type":"Disease","ids":["D001"],"text":"optional"}]}</pre>
 * {@code passages} is optional (one passage: the whole text); a mention's {@code text}, when given, must
 * equal its fragments joined by a space.
 */
public final class JsonlCorpusReader implements CorpusReader {

    @Override
    public String codesHint() {
        return "JSONL keeps them in mentions[].ids";
    }

    @Override
    public void readDocuments(Path path, Problems problems, Consumer<Document> documents) {
        try (LineSource lines = new LineSource(path.toString(), Files.newInputStream(path))) {
            int count = 0;
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                Document d = parse(line, lines, problems);
                if (d != null) {
                    documents.accept(d);
                    count++;
                }
            }
            if (count == 0) {
                problems.report(lines.name(), lines.lineNumber(), "file", "no document (empty?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Document parse(String line, LineSource lines, Problems problems) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            problems.report(lines.name(), lines.lineNumber(), "json", "malformed JSON"
                    + (at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage().replaceAll(" \\(code \\d+\\)", ""));
            return null;
        }
        String where = lines.name() + ":" + lines.lineNumber();
        if (!node.path("id").isTextual() || !node.path("text").isTextual()) {
            problems.report(lines.name(), lines.lineNumber(), node.path("id").isTextual() ? "text" : "id",
                    "required string");
            return null;
        }
        String id = node.get("id").asText();
        String text = node.get("text").asText();
        List<Document.Span> passages = new ArrayList<>();
        for (JsonNode p : node.path("passages")) {
            passages.add(new Document.Span(p.path(0).asInt(), p.path(1).asInt()));
        }
        if (passages.isEmpty()) {
            passages.add(new Document.Span(0, text.length()));
        }
        List<Document.Mention> mentions = new ArrayList<>();
        int k = 0;
        for (JsonNode m : node.path("mentions")) {
            k++;
            List<Document.Span> spans = new ArrayList<>();
            for (JsonNode s : m.path("spans")) {
                int start = s.path(0).asInt(-1);
                int end = s.path(1).asInt(-1);
                if (start < 0 || end <= start || end > text.length()) {
                    problems.report(lines.name(), lines.lineNumber(), "mentions[" + (k - 1) + "].spans",
                            "[" + start + "," + end + ") outside the text (" + text.length() + " characters)");
                    return null;
                }
                spans.add(new Document.Span(start, end));
            }
            if (spans.isEmpty()) {
                problems.report(lines.name(), lines.lineNumber(), "mentions[" + (k - 1) + "].spans", "required");
                return null;
            }
            spans.sort((a, b) -> Integer.compare(a.start(), b.start()));
            String joined = String.join(" ", spans.stream().map(s -> text.substring(s.start(), s.end())).toList());
            if (m.hasNonNull("text") && !m.get("text").asText().equals(joined)) {
                problems.report(lines.name(), lines.lineNumber(), "mentions[" + (k - 1) + "].text",
                        "'" + m.get("text").asText() + "' but the spans cover '" + joined + "'");
                return null;
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode i : m.path("ids")) {
                ids.add(i.asText().strip());
            }
            String mid = m.hasNonNull("id") ? m.get("id").asText() : Integer.toString(k);
            mentions.add(new Document.Mention(id + "." + mid, List.copyOf(spans), joined, m.path("type").asText(""),
                    List.copyOf(ids), where));
        }
        return new Document(id, text, List.copyOf(passages), List.copyOf(mentions));
    }
}
