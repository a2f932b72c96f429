package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OBO 1.4 ontologies, stanza by stanza: [Term] id, name (the title), synonyms, def, alt_id, namespace
 * (the group; else the header's default-namespace; else the KB default group). Obsolete terms are
 * skipped. Synonym scopes EXACT and RELATED become names; NARROW and BROAD name other, narrower or broader
 * concepts, so they would make the dictionary link to the wrong code and are left out.
 * [Typedef] and [Instance] stanzas are ignored.
 */
public final class OboReader implements SourceReader {

    private static final class Term {
        String id;
        long line;
        String name;
        String namespace;
        boolean obsolete;
        final List<String> synonyms = new ArrayList<>();
        final List<String> altIds = new ArrayList<>();
        String definition;
    }

    @Override
    public void read(String uri, Inputs inputs, KbOptions options, Problems problems, KbBuilder sink) {
        try (LineSource lines = inputs.open(uri)) {
            String defaultNamespace = null;
            Term term = null;
            boolean inTerm = false;
            boolean header = true;
            long[] terms = {0};
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("!")) {
                    continue;
                }
                if (l.startsWith("[")) {
                    if (!l.endsWith("]")) {
                        problems.report(lines.name(), lines.lineNumber(), "stanza", "unterminated stanza header " + l);
                    }
                    emit(term, defaultNamespace, options, sink, terms);
                    header = false;
                    inTerm = l.equals("[Term]");
                    term = inTerm ? new Term() : null;
                    if (term != null) {
                        term.line = lines.lineNumber();
                    }
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    problems.report(lines.name(), lines.lineNumber(), "tag", "expected 'tag: value', got '" + l + "'");
                    continue;
                }
                String tag = l.substring(0, colon);
                String value = stripComment(l.substring(colon + 1).strip());
                if (header) {
                    if (tag.equals("default-namespace")) {
                        defaultNamespace = value;
                    }
                    continue;
                }
                if (!inTerm) {
                    continue;
                }
                switch (tag) {
                    case "id" -> term.id = value;
                    case "name" -> term.name = value;
                    case "namespace" -> term.namespace = value;
                    case "is_obsolete" -> term.obsolete = value.equals("true");
                    case "alt_id" -> term.altIds.add(value);
                    case "def" -> {
                        String d = quoted(value);
                        if (d == null) {
                            problems.report(lines.name(), lines.lineNumber(), "def", "expected a quoted definition");
                        } else {
                            term.definition = d;
                        }
                    }
                    case "synonym" -> {
                        String text = quoted(value);
                        if (text == null) {
                            problems.report(lines.name(), lines.lineNumber(), "synonym", "expected a quoted synonym");
                            continue;
                        }
                        String scope = scope(value);
                        if (scope.equals("EXACT") || scope.equals("RELATED")) {
                            term.synonyms.add(text);
                        }
                    }
                    default -> {
                    }
                }
                if (term.id == null && !tag.equals("id")) {
                    problems.report(lines.name(), lines.lineNumber(), "id", "a [Term] must start with its id");
                }
            }
            emit(term, defaultNamespace, options, sink, terms);
            if (terms[0] == 0) {
                problems.report(lines.name(), lines.lineNumber(), "file", "no [Term] stanza with an id and a name");
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void emit(Term t, String defaultNamespace, KbOptions options, KbBuilder sink, long[] terms) {
        if (t == null || t.id == null || t.obsolete || t.name == null) {
            return;
        }
        String group = t.namespace != null ? t.namespace : defaultNamespace;
        if (group != null && !options.semanticGroups().isEmpty() && !options.semanticGroups().contains(group)) {
            return;
        }
        terms[0]++;
        if (group != null) {
            sink.group(t.id, group);
        }
        sink.name(t.id, t.name, "en", KbBuilder.TITLE);
        for (String s : t.synonyms) {
            sink.name(t.id, s, "en", KbSink.NOT_A_TITLE);
        }
        t.altIds.forEach(a -> sink.altId(t.id, a));
        if (t.definition != null) {
            sink.definition(t.id, t.definition);
        }
    }

    /** Drops a trailing "! comment" outside quotes. */
    private static String stripComment(String v) {
        boolean inQuote = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                inQuote = !inQuote;
            } else if (c == '!' && !inQuote && i > 0 && v.charAt(i - 1) == ' ') {
                return v.substring(0, i).strip();
            }
        }
        return v;
    }

    /** The leading "quoted text" with OBO escapes (\" \\ \n \t) undone, or null. */
    static String quoted(String v) {
        if (!v.startsWith("\"")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> ' ';
                    case 't' -> ' ';
                    default -> n;
                });
            } else if (c == '"') {
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
        return null;
    }

    /** The scope word after the quoted synonym text (RELATED when absent, the OBO 1.4 default). */
    private static String scope(String v) {
        int end = 1;
        while (end < v.length()) {
            char c = v.charAt(end);
            if (c == '\\') {
                end += 2;
                continue;
            }
            if (c == '"') {
                break;
            }
            end++;
        }
        String rest = end + 1 < v.length() ? v.substring(end + 1).strip() : "";
        int space = rest.indexOf(' ');
        String word = space < 0 ? rest : rest.substring(0, space);
        return word.isEmpty() || word.startsWith("[") ? "RELATED" : word;
    }
}
