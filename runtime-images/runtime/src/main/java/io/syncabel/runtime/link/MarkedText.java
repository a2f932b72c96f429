package io.syncabel.runtime.link;

/**
 * The original's marked-sentence format: one mention wrapped as {@code [mention]{Group}}, e.g.
 * {@code "[TCA]{Chemicals & Drugs} was prescribed for depression"}.
 *
 * <p>The original replaces every {@code [ ] { }} in text and KB names by parentheses
 * ({@code clean_natural}, see {@link #clean}), so these four characters only ever occur as markers.
 * Text that must keep them literally escapes them with a backslash ({@code \[ \] \{ \} \\}); any
 * other backslash is an ordinary character. A discontinuous mention (several bracketed fragments
 * with the group on the last) is recognised and refused, because {@link Linker.Query} holds one
 * contiguous span.
 */
public final class MarkedText {

    /** The sentence without markers or escapes, the mention's span in it, and its group. */
    public record Marked(String text, int start, int end, String group) {
        public String mention() {
            return text.substring(start, end);
        }
    }

    /** A malformed marked sentence; {@link #position()} is the character index in the input. */
    public static final class ParseException extends IllegalArgumentException {
        private final int position;

        ParseException(int position, String message) {
            super(position < 0 ? message : "at character " + position + ": " + message);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    private MarkedText() {
    }

    public static Marked parse(String marked) {
        StringBuilder text = new StringBuilder(marked.length());
        int start = -1;
        int end = -1;
        String group = null;
        int openedAt = -1;
        int fragmentStart = -1;
        int fragments = 0;
        int i = 0;
        while (i < marked.length()) {
            char c = marked.charAt(i);
            if (c == '\\' && i + 1 < marked.length() && isSpecial(marked.charAt(i + 1))) {
                text.append(marked.charAt(i + 1));
                i += 2;
                continue;
            }
            switch (c) {
                case '[' -> {
                    if (openedAt >= 0) {
                        throw new ParseException(i, "'[' inside the mention opened at " + openedAt
                                + "; escape a literal bracket as \\[");
                    }
                    if (group != null) {
                        throw new ParseException(i, "a second marked mention; mark one mention per sentence"
                                + " (send {text, mentions} for several)");
                    }
                    openedAt = i;
                    fragmentStart = text.length();
                    if (fragments == 0) {
                        start = text.length();
                    }
                    fragments++;
                }
                case ']' -> {
                    if (openedAt < 0) {
                        throw new ParseException(i, "']' without '['; escape a literal bracket as \\]");
                    }
                    if (text.length() == fragmentStart) {
                        throw new ParseException(openedAt, "empty mention []");
                    }
                    end = text.length();
                    openedAt = -1;
                    if (i + 1 < marked.length() && marked.charAt(i + 1) == '{') {
                        int close = groupEnd(marked, i + 2);
                        group = unescape(marked.substring(i + 2, close));
                        if (group.isBlank()) {
                            throw new ParseException(i + 1, "empty group {}");
                        }
                        i = close + 1;
                        continue;
                    }
                }
                case '{' -> throw new ParseException(i, "'{' not right after a marked mention's ']'; "
                        + "escape a literal brace as \\{");
                case '}' -> throw new ParseException(i, "'}' without '{'; escape a literal brace as \\}");
                default -> text.append(c);
            }
            i++;
        }
        if (openedAt >= 0) {
            throw new ParseException(openedAt, "'[' is never closed");
        }
        if (fragments == 0) {
            throw new ParseException(-1, "no marked mention: mark one as [mention]{Group}");
        }
        if (group == null) {
            throw new ParseException(-1, "the marked mention has no {Group} right after its ']'");
        }
        if (fragments > 1) {
            throw new ParseException(-1, "discontinuous mention (" + fragments + " bracketed fragments):"
                    + " the linker takes one contiguous span");
        }
        return new Marked(text.toString(), start, end, group);
    }

    /** The inverse of {@link #parse}: escapes the text and group and inserts the markers. */
    public static String mark(String text, int start, int end, String group) {
        if (start < 0 || end > text.length() || start >= end) {
            throw new IllegalArgumentException("mention span [" + start + ", " + end + ") outside the text");
        }
        return escape(text.substring(0, start)) + '[' + escape(text.substring(start, end)) + "]{"
                + escape(group) + '}' + escape(text.substring(end));
    }

    /**
     * The original's {@code clean_natural}: NBSP to space and brackets/braces to parentheses. One
     * character for one, so spans stay valid; what a prompt builder applies before marking a mention.
     */
    public static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(switch (c) {
                case '\u00a0' -> ' ';
                case '[', '{' -> '(';
                case ']', '}' -> ')';
                default -> c;
            });
        }
        return out.toString();
    }

    private static int groupEnd(String marked, int from) {
        for (int i = from; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == '\\' && i + 1 < marked.length() && isSpecial(marked.charAt(i + 1))) {
                i++;
            } else if (c == '}') {
                return i;
            } else if (c == '{' || c == '[' || c == ']') {
                throw new ParseException(i, "'" + c + "' inside the group name; escape it as \\" + c);
            }
        }
        throw new ParseException(from - 1, "'{' is never closed");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && isSpecial(s.charAt(i + 1))) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpecial(c)) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isSpecial(char c) {
        return c == '[' || c == ']' || c == '{' || c == '}' || c == '\\';
    }
}
