package io.syncabel.runtime.corpus;

import java.util.List;

/**
 * An annotated document, whatever format it came from: its text, its passages (title and abstract for
 * PubTator; one passage otherwise) and its gold mentions.
 *
 * @param passages [start, end) character ranges of the text; sentences never cross a passage boundary
 */
public record Document(String id, String text, List<Span> passages, List<Mention> mentions) {

    /** A [start, end) character range. */
    public record Span(int start, int end) {
    }

    /**
     * A gold mention; several spans for a discontinuous one (BRAT). {@code ids} are the gold concept ids,
     * several for a composite mention; {@code where} is "file:line" for error messages.
     */
    public record Mention(String id, List<Span> spans, String text, String type, List<String> ids, String where) {
        public int start() {
            return spans.get(0).start();
        }

        public int end() {
            return spans.get(spans.size() - 1).end();
        }
    }
}
