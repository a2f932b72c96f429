package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.Fields;
import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * CTD's {@code CTD_diseases.tsv}: comment lines start with '#'; columns DiseaseName, DiseaseID
 * (MESH:D… or OMIM:…), AltDiseaseIDs, Definition, ParentIDs, TreeNumbers, ParentTreeNumbers, Synonyms,
 * SlimMappings; lists inside a column are '|'-separated. Ids are canonicalised as for MEDIC ({@link Codes}).
 */
public final class CtdReader implements SourceReader {
    static final int NAME = 0, ID = 1, ALT_IDS = 2, DEFINITION = 3, SYNONYMS = 7;
    static final List<String> COLUMNS = List.of("DiseaseName", "DiseaseID", "AltDiseaseIDs", "Definition", "ParentIDs",
            "TreeNumbers", "ParentTreeNumbers", "Synonyms", "SlimMappings");

    @Override
    public void read(String uri, Inputs inputs, KbOptions options, Problems problems, KbBuilder sink) {
        try (LineSource lines = inputs.open(uri)) {
            long records = 0;
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> f = Fields.split(line, '\t');
                if (f.size() < COLUMNS.size()) {
                    problems.report(lines.name(), lines.lineNumber(),
                            COLUMNS.get(f.size()) + " (column " + (f.size() + 1) + ")",
                            "missing: a CTD row has 9 tab-separated columns, found " + f.size());
                    continue;
                }
                if (f.size() > COLUMNS.size()) {
                    problems.warn(lines.name(), lines.lineNumber(), "column " + (COLUMNS.size() + 1),
                            "a CTD row has 9 tab-separated columns, found " + f.size() + "; the extra ones are ignored");
                }
                String code = Codes.canonical(f.get(ID));
                if (code.isEmpty()) {
                    problems.report(lines.name(), lines.lineNumber(), "DiseaseID (column 2)", "empty");
                    continue;
                }
                if (f.get(NAME).isBlank()) {
                    problems.report(lines.name(), lines.lineNumber(), "DiseaseName (column 1)", "empty for " + code);
                    continue;
                }
                records++;
                sink.name(code, f.get(NAME), "en", KbBuilder.TITLE);
                if (f.size() > SYNONYMS) {
                    for (String s : Fields.split(f.get(SYNONYMS), '|')) {
                        if (!s.isBlank()) {
                            sink.name(code, s, "en", KbSink.NOT_A_TITLE);
                        }
                    }
                }
                if (f.size() > ALT_IDS) {
                    for (String alt : Fields.split(f.get(ALT_IDS), '|')) {
                        if (!alt.isBlank()) {
                            sink.altId(code, Codes.canonical(alt));
                        }
                    }
                }
                if (f.size() > DEFINITION && !f.get(DEFINITION).isBlank()) {
                    sink.definition(code, f.get(DEFINITION));
                }
            }
            if (records == 0) {
                problems.report(lines.name(), lines.lineNumber(), "file", "no disease row in the file (empty?)");
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
