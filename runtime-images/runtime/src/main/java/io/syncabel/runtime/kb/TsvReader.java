package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.Fields;
import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * A tab-separated gazetteer, one name per row: {@code code, name, group, is_preferred, language}; the last
 * three columns are optional (group empty or absent: the default group; is_preferred true/false/1/0/yes/no,
 * default false; language an ISO code, default en). Lines starting with '#' are comments. An optional
 * header row (first column "code") may name the columns in any order: code, name (or term), group (or
 * label, semantic_tag), is_preferred (or preferred, mainterm), language (or lang).
 */
public final class TsvReader implements SourceReader {

    @Override
    public void read(String uri, Inputs inputs, KbOptions options, Problems problems, KbBuilder sink) {
        try (LineSource lines = inputs.open(uri)) {
            int[] columns = {0, 1, 2, 3, 4}; // code, name, group, preferred, language
            int width = columns.length; // columns a row may have: 5, or the header's
            long records = 0;
            boolean firstRow = true;
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> f = Fields.split(line, '\t');
                if (firstRow) {
                    firstRow = false;
                    if (f.get(0).strip().equalsIgnoreCase("code")) {
                        columns = header(f, lines, problems);
                        width = f.size();
                        continue;
                    }
                }
                if (f.size() > width) {
                    problems.warn(lines.name(), lines.lineNumber(), "column " + (width + 1), "a row of this file has "
                            + width + " columns, found " + f.size() + "; the extra ones are ignored");
                }
                String code = get(f, columns[0]).strip();
                String name = get(f, columns[1]);
                if (f.size() < 2 || columns[1] >= f.size()) {
                    problems.report(lines.name(), lines.lineNumber(), "name (column " + (columns[1] + 1) + ")",
                            "missing: expected code<TAB>name[<TAB>group[<TAB>is_preferred[<TAB>language]]]");
                    continue;
                }
                if (code.isEmpty()) {
                    problems.report(lines.name(), lines.lineNumber(), "code (column " + (columns[0] + 1) + ")", "empty");
                    continue;
                }
                if (name.isBlank()) {
                    problems.report(lines.name(), lines.lineNumber(), "name (column " + (columns[1] + 1) + ")",
                            "empty for " + code);
                    continue;
                }
                Boolean preferred = bool(get(f, columns[3]));
                if (preferred == null) {
                    problems.report(lines.name(), lines.lineNumber(), "is_preferred (column " + (columns[3] + 1) + ")",
                            "'" + get(f, columns[3]) + "' is not true/false/1/0/yes/no");
                    continue;
                }
                String language = get(f, columns[4]).strip().toLowerCase(Locale.ROOT);
                if (language.isEmpty()) {
                    language = "en";
                }
                if (!options.keepsLanguage(language, null)) {
                    continue;
                }
                records++;
                String group = get(f, columns[2]).strip();
                if (!group.isEmpty()) {
                    if (!options.semanticGroups().isEmpty() && !options.semanticGroups().contains(group)) {
                        continue;
                    }
                    sink.group(code, group);
                }
                sink.name(code, name, language, preferred ? KbBuilder.TITLE : KbSink.NOT_A_TITLE);
            }
            if (records == 0 && options.languages().isEmpty() && options.semanticGroups().isEmpty()) {
                problems.report(lines.name(), lines.lineNumber(), "file", "no name row in the file (empty?)");
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] header(List<String> f, LineSource lines, Problems problems) {
        int[] columns = {-1, -1, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        for (int i = 0; i < f.size(); i++) {
            switch (f.get(i).strip().toLowerCase(Locale.ROOT)) {
                case "code" -> columns[0] = i;
                case "name", "term" -> columns[1] = i;
                case "group", "label", "semantic_tag" -> columns[2] = i;
                case "is_preferred", "preferred", "mainterm" -> columns[3] = i;
                case "language", "lang" -> columns[4] = i;
                default -> problems.warn(lines.name(), lines.lineNumber(), "header (column " + (i + 1) + ")",
                        "'" + f.get(i).strip() + "' is not a gazetteer column (code, name, group, is_preferred, "
                                + "language); ignored");
            }
        }
        if (columns[1] < 0) {
            throw new io.syncabel.runtime.text.UserError(lines.name() + ":" + lines.lineNumber()
                    + ": field header: no 'name' column (expected code, name, group, is_preferred, language)");
        }
        return columns;
    }

    private static String get(List<String> f, int i) {
        return i < f.size() ? f.get(i) : "";
    }

    private static Boolean bool(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "", "false", "0", "no", "n" -> false;
            case "true", "1", "yes", "y" -> true;
            default -> null;
        };
    }
}
