package io.syncabel.runtime.corpus;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.text.Fields;
import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * BRAT standoff: a folder of {@code doc.txt} + {@code doc.ann} pairs (or one .ann file). Text-bound
 * annotations {@code T1<TAB>Type 0 5;10 15<TAB>text} (';' separates the fragments of a discontinuous
 * mention, whose text BRAT writes with the fragments joined by a space) and normalisations
 * {@code N1<TAB>Reference T1 DB:ID<TAB>name} carrying the gold ids (several N lines: a composite mention).
 * The DB prefix is dropped ({@code MeSH:D001} → D001) except OMIM's, which is part of the id the corpora use.
 * A file without N lines takes its gold codes from the notes, {@code #1<TAB>AnnotatorNotes T1<TAB>code},
 * the convention of CANTEMIST, DisTEMIST, SympTEMIST, MedProcNER and QUAERO (composites joined by
 * {@code |} or {@code +}, as everywhere). Other lines (relations, events, attributes) are ignored.
 */
public final class BratReader implements CorpusReader {

    @Override
    public String codesHint() {
        return "BRAT keeps them in N1<TAB>Reference T1 DB:ID lines or #1<TAB>AnnotatorNotes T1<TAB>code lines";
    }

    @Override
    public void readDocuments(Path path, Problems problems, Consumer<Document> documents) {
        List<Path> anns;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.walk(path)) {
                anns = s.filter(p -> p.toString().endsWith(".ann")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            anns = List.of(path.toString().endsWith(".txt")
                    ? path.resolveSibling(path.getFileName().toString().replaceAll("\\.txt$", ".ann")) : path);
        }
        if (anns.isEmpty()) {
            throw new UserError(path + ": no .ann file (BRAT corpora are folders of .txt + .ann pairs)");
        }
        for (Path ann : anns) {
            documents.accept(document(ann, problems));
        }
    }

    private static Document document(Path ann, Problems problems) {
        Path txt = ann.resolveSibling(ann.getFileName().toString().replaceAll("\\.ann$", ".txt"));
        if (!Files.isRegularFile(txt)) {
            throw new UserError(ann + ": no matching text file " + txt.getFileName());
        }
        String text = readAll(txt);
        String docId = txt.getFileName().toString().replaceAll("\\.txt$", "");
        Map<String, Document.Mention> mentions = new LinkedHashMap<>();
        Map<String, List<String>> ids = new LinkedHashMap<>();
        Map<String, List<String>> notes = new LinkedHashMap<>();
        Map<String, Long> referencedAt = new LinkedHashMap<>();
        Map<String, Long> notedAt = new LinkedHashMap<>();
        try (LineSource lines = new LineSource(ann.toString(), Files.newInputStream(ann))) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = Fields.split(line, '\t');
                char kind = line.charAt(0);
                if (kind == 'T') {
                    if (f.size() < 3) {
                        problems.report(lines.name(), lines.lineNumber(), "text-bound annotation",
                                "expected ID<TAB>Type start end[;start end]<TAB>text");
                        continue;
                    }
                    String[] typeAndSpans = f.get(1).split(" ", 2);
                    if (typeAndSpans.length < 2) {
                        problems.report(lines.name(), lines.lineNumber(), "spans", "missing after the type");
                        continue;
                    }
                    List<Document.Span> spans = new ArrayList<>();
                    boolean ok = true;
                    for (String frag : typeAndSpans[1].split(";")) {
                        String[] se = frag.strip().split(" ");
                        try {
                            int s = Integer.parseInt(se[0]);
                            int e = Integer.parseInt(se[se.length - 1]);
                            if (se.length != 2 || s < 0 || e <= s || e > text.length()) {
                                throw new NumberFormatException();
                            }
                            spans.add(new Document.Span(s, e));
                        } catch (NumberFormatException e) {
                            problems.report(lines.name(), lines.lineNumber(), "spans", "bad fragment '" + frag
                                    + "' (text has " + text.length() + " characters)");
                            ok = false;
                            break;
                        }
                    }
                    if (!ok) {
                        continue;
                    }
                    spans.sort((a, b) -> Integer.compare(a.start(), b.start()));
                    String joined = String.join(" ", spans.stream().map(s -> text.substring(s.start(), s.end())).toList());
                    if (!joined.equals(f.get(2))) {
                        problems.report(lines.name(), lines.lineNumber(), "text",
                                "'" + f.get(2) + "' but the spans cover '" + joined + "'");
                        continue;
                    }
                    mentions.put(f.get(0), new Document.Mention(docId + "." + f.get(0), List.copyOf(spans), joined,
                            typeAndSpans[0], List.of(), lines.name() + ":" + lines.lineNumber()));
                } else if (kind == 'N') {
                    String[] ref = f.size() > 1 ? f.get(1).split(" ") : new String[0];
                    if (ref.length < 3 || !ref[2].contains(":")) {
                        problems.report(lines.name(), lines.lineNumber(), "normalization",
                                "expected N1<TAB>Reference T1 DB:ID[<TAB>name]");
                        continue;
                    }
                    String db = ref[2].substring(0, ref[2].indexOf(':'));
                    String id = ref[2].substring(ref[2].indexOf(':') + 1);
                    ids.computeIfAbsent(ref[1], k -> new ArrayList<>()).add(db.equalsIgnoreCase("OMIM") ? "OMIM:" + id : id);
                    referencedAt.putIfAbsent(ref[1], lines.lineNumber());
                } else if (kind == '#' && f.size() > 2 && f.get(1).startsWith("AnnotatorNotes ")) {
                    String target = f.get(1).substring("AnnotatorNotes ".length()).strip();
                    List<String> codes = CorpusReader.splitIds(f.get(2)).stream().filter(c -> !c.equals("-1")).toList();
                    if (target.startsWith("T") && !codes.isEmpty()) {
                        notes.computeIfAbsent(target, k -> new ArrayList<>()).addAll(codes);
                        notedAt.putIfAbsent(target, lines.lineNumber());
                    }
                }
            }
            if (ids.isEmpty()) {
                ids.putAll(notes); // in a file with N lines, notes are the annotators' comments
                referencedAt.putAll(notedAt);
            }
            for (var e : ids.entrySet()) {
                Document.Mention m = mentions.get(e.getKey());
                if (m == null) {
                    problems.report(lines.name(), referencedAt.get(e.getKey()), "normalization",
                            "refers to unknown annotation " + e.getKey());
                    continue;
                }
                mentions.put(e.getKey(), new Document.Mention(m.id(), m.spans(), m.text(), m.type(),
                        List.copyOf(e.getValue()), m.where()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Document.Mention> sorted = new ArrayList<>(mentions.values());
        sorted.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start())
                : Integer.compare(b.end(), a.end()));
        return new Document(docId, text, List.of(new Document.Span(0, text.length())), sorted);
    }

    /** The whole text, strictly UTF-8: the validation pass names the bad line, if any. */
    private static String readAll(Path txt) {
        try {
            try (LineSource lines = new LineSource(txt.toString(), Files.newInputStream(txt))) {
                while (lines.next() != null) {
                    // only validating
                }
            }
            return Files.readString(txt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
