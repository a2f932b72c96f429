package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.Fields;
import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DNorm's lexicon format, as MEDIC ships for NCBI-disease: {@code id|altid...||name|synonym|...}. Left of
 * "||" the concept id then alternative ids (OMIM numbers, MeSH ids); right of it the names, the first one
 * the title. All names are English; the concept takes the KB's default group. MEDIC's export writes
 * apostrophes and ampersands as XML entities ({@code Becker&apos;s}); they are decoded so names match text.
 */
public final class DnormReader implements SourceReader {
    @Override
    public void read(String uri, Inputs inputs, KbOptions options, Problems problems, KbBuilder sink) {
        try (LineSource lines = inputs.open(uri)) {
            long records = 0;
            Map<String, Long> firstLine = new HashMap<>();
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int sep = line.indexOf("||");
                if (sep < 0) {
                    problems.report(lines.name(), lines.lineNumber(), "ids||names", "no '||' between ids and names");
                    continue;
                }
                List<String> ids = Fields.split(line.substring(0, sep), '|');
                List<String> names = Fields.split(line.substring(sep + 2), '|');
                int primary = primary(ids);
                String code = Codes.canonical(ids.get(primary));
                if (code.isEmpty()) {
                    problems.report(lines.name(), lines.lineNumber(), "id", "empty concept id");
                    continue;
                }
                if (names.stream().allMatch(String::isBlank)) {
                    problems.report(lines.name(), lines.lineNumber(), "names", "no name for " + code);
                    continue;
                }
                records++;
                Long earlier = firstLine.putIfAbsent(code, lines.lineNumber());
                if (earlier != null) {
                    problems.warn(lines.name(), lines.lineNumber(), "id", code + " is also the concept of line " + earlier
                            + ": both lines' names and ids go to one concept");
                }
                boolean first = true;
                for (String n : names) {
                    if (n.isBlank()) {
                        continue;
                    }
                    sink.name(code, unescape(n), "en", first ? KbBuilder.TITLE : KbSink.NOT_A_TITLE);
                    first = false;
                }
                for (int i = 0; i < ids.size(); i++) {
                    if (i != primary && !ids.get(i).isBlank()) {
                        sink.altId(code, Codes.canonical(ids.get(i)));
                    }
                }
            }
            if (records == 0) {
                problems.report(lines.name(), lines.lineNumber(), "file", "no concept in the file (empty?)");
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The id the concept answers with: its MeSH id where the line has one (MEDIC lists an OMIM number first for
     * 774 diseases, "114480|D001943||Breast Neoplasms"; the corpora and the published systems answer in MeSH),
     * else the first.
     */
    static int primary(List<String> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (Codes.canonical(ids.get(i)).matches("[CD]\\d+")) {
                return i;
            }
        }
        return 0;
    }

    /** The five predefined XML entities; anything else is left as written. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return s.replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
