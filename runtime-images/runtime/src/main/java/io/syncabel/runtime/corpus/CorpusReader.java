package io.syncabel.runtime.corpus;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.text.Problems;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The closed set of annotated-corpus formats; each streams documents one at a time. */
public sealed interface CorpusReader permits PubtatorReader, BratReader, JsonlCorpusReader {

    /**
     * Streams the corpus's documents. A corpus in which no mention carries a gold code is an error naming the
     * file: linking or evaluating it would silently give nothing (Recall@1 of 0 over 0 mentions).
     */
    default void read(Path path, Problems problems, Consumer<Document> documents) {
        long[] withCodes = {0, 0};
        readDocuments(path, problems, doc -> {
            withCodes[0] += doc.mentions().size();
            withCodes[1] += doc.mentions().stream().filter(m -> !m.ids().isEmpty()).count();
            documents.accept(doc);
        });
        if (withCodes[1] == 0) {
            throw new UserError(path + ": no linkable mention (" + withCodes[0] + " mentions, none with a gold code; "
                    + codesHint() + ")");
        }
    }

    /** The documents, one at a time, as the format gives them. */
    void readDocuments(Path path, Problems problems, Consumer<Document> documents);

    /** Where this format keeps gold codes, for the message of a corpus without any. */
    String codesHint();

    static CorpusReader forFormat(String format) {
        return switch (format) {
            case "pubtator" -> new PubtatorReader();
            case "brat" -> new BratReader();
            case "jsonl" -> new JsonlCorpusReader();
            default -> throw new UserError("unknown corpus format '" + format + "' (expected pubtator, brat or jsonl)");
        };
    }

    /** Gold ids of a composite mention are joined by '|' (NCBI-disease) or '+' (BC5CDR, SPACCC). */
    static java.util.List<String> splitIds(String field) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (String id : field.split("[|+]")) {
            if (!id.isBlank()) {
                ids.add(id.strip());
            }
        }
        return ids;
    }
}
