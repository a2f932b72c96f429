package io.syncabel.runtime.corpus;

import io.syncabel.runtime.text.Fields;
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
 * PubTator: {@code PMID|t|title}, {@code PMID|a|abstract}, then one tab-separated line per mention
 * {@code PMID start end text type ids}; a blank line ends a document. Offsets count in
 * "title + ' ' + abstract", so the title and the abstract are two passages of that text. Relation lines
 * (4 columns, BC5CDR's CID) are ignored; an id of -1 (BC5CDR: no concept) means no gold id.
 */
public final class PubtatorReader implements CorpusReader {

    @Override
    public String codesHint() {
        return "PubTator keeps them in the 6th column of a mention line";
    }

    @Override
    public void readDocuments(Path path, Problems problems, Consumer<Document> documents) {
        try (LineSource lines = new LineSource(path.toString(), Files.newInputStream(path))) {
            String id = null;
            String title = null;
            String abstractText = null;
            List<Document.Mention> mentions = new ArrayList<>();
            int count = 0;
            for (String line = lines.next(); ; line = lines.next()) {
                if (line == null || line.isBlank()) {
                    if (id != null) {
                        documents.accept(document(id, title, abstractText, mentions));
                        count++;
                    }
                    id = null;
                    title = null;
                    abstractText = null;
                    mentions = new ArrayList<>();
                    if (line == null) {
                        break;
                    }
                    continue;
                }
                int bar = line.indexOf('|');
                int tab = line.indexOf('\t');
                if (bar > 0 && (tab < 0 || bar < tab) && line.length() > bar + 2 && line.charAt(bar + 2) == '|') {
                    String pmid = line.substring(0, bar);
                    char kind = line.charAt(bar + 1);
                    if (id != null && !id.equals(pmid)) {
                        documents.accept(document(id, title, abstractText, mentions));
                        count++;
                        title = null;
                        abstractText = null;
                        mentions = new ArrayList<>();
                    }
                    id = pmid;
                    if (kind == 't') {
                        title = line.substring(bar + 3);
                    } else if (kind == 'a') {
                        abstractText = line.substring(bar + 3);
                    } else {
                        problems.report(lines.name(), lines.lineNumber(), "passage type",
                                "expected 't' or 'a', got '" + kind + "'");
                    }
                    continue;
                }
                List<String> f = Fields.split(line, '\t');
                if (f.size() == 4) {
                    continue; // a relation line
                }
                if (f.size() < 5) {
                    problems.report(lines.name(), lines.lineNumber(), "mention",
                            "expected PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>ids, found " + f.size() + " columns");
                    continue;
                }
                if (id == null || !f.get(0).equals(id)) {
                    problems.report(lines.name(), lines.lineNumber(), "PMID",
                            "mention of " + f.get(0) + " outside its document's title/abstract block");
                    continue;
                }
                int start;
                int end;
                try {
                    start = Integer.parseInt(f.get(1).strip());
                    end = Integer.parseInt(f.get(2).strip());
                } catch (NumberFormatException e) {
                    problems.report(lines.name(), lines.lineNumber(), "start/end", "not integers: " + f.get(1) + ", " + f.get(2));
                    continue;
                }
                String text = (title == null ? "" : title) + " " + (abstractText == null ? "" : abstractText);
                if (start < 0 || end <= start || end > text.length()) {
                    problems.report(lines.name(), lines.lineNumber(), "start/end",
                            "[" + start + "," + end + ") outside the document (" + text.length() + " characters)");
                    continue;
                }
                // NCBI-disease has a few mention texts with trailing spaces; the offsets are what counts.
                if (!text.substring(start, end).strip().equals(f.get(3).strip())) {
                    problems.report(lines.name(), lines.lineNumber(), "text", "'" + f.get(3) + "' but the document has '"
                            + text.substring(start, end) + "' at [" + start + "," + end + ")");
                    continue;
                }
                // BC5CDR writes -1 for a mention without a concept: no gold id, not an unknown one.
                List<String> ids = f.size() > 5 ? CorpusReader.splitIds(f.get(5)).stream()
                        .filter(i -> !i.equals("-1")).toList() : List.of();
                mentions.add(new Document.Mention(id + "." + (mentions.size() + 1),
                        List.of(new Document.Span(start, end)), text.substring(start, end), f.get(4).strip(), ids,
                        lines.name() + ":" + lines.lineNumber()));
            }
            if (count == 0) {
                problems.report(lines.name(), lines.lineNumber(), "file", "no document (empty?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Document document(String id, String title, String abstractText, List<Document.Mention> mentions) {
        String t = title == null ? "" : title;
        String a = abstractText == null ? "" : abstractText;
        List<Document.Span> passages = new ArrayList<>();
        passages.add(new Document.Span(0, t.length()));
        if (!a.isEmpty()) {
            passages.add(new Document.Span(t.length() + 1, t.length() + 1 + a.length()));
        }
        return new Document(id, t + " " + a, passages, List.copyOf(mentions));
    }
}
