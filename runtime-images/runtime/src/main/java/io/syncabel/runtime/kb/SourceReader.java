package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.Problems;

/** The closed set of terminology formats `kb build` reads; each streams records into a {@link KbSink}. */
public sealed interface SourceReader permits DnormReader, CtdReader, TsvReader, OboReader, UmlsRrfReader {

    /** Reads one source (a file, or for umls-rrf a folder of RRF files). */
    void read(String uri, Inputs inputs, KbOptions options, Problems problems, KbBuilder sink);

    static SourceReader forFormat(String format) {
        return switch (format) {
            case "dnorm" -> new DnormReader();
            case "ctd" -> new CtdReader();
            case "tsv" -> new TsvReader();
            case "obo" -> new OboReader();
            case "umls-rrf" -> new UmlsRrfReader();
            default -> throw new io.syncabel.runtime.text.UserError(
                    "unknown format '" + format + "' (expected dnorm, ctd, tsv, obo or umls-rrf)");
        };
    }
}
