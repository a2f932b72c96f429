package io.syncabel.runtime.corpus;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.text.Problems;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The closed set of annotated-corpus formats; each streams documents one at a time. */
public sealed interface CorpusReader permits PubtatorReader, BratReader, JsonlCorpusReader {

    void read(Path path, Problems problems, Consumer<Document> documents);

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
