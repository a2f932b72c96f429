package io.syncabel.runtime.kb;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.text.Fields;
import io.syncabel.runtime.text.LineSource;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A UMLS release folder (MRCONSO.RRF, MRSTY.RRF, optional MRDEF.RRF, each possibly .gz) plus the SemGroups
 * file, read as the original does (reference §1.1–1.4), in three streaming passes: MRSTY first (which
 * concepts, in which groups, pass the filters), then MRCONSO (names and title candidates of those concepts
 * only), then MRDEF. Only the kept concepts are held in memory, never the rows.
 *
 * <p>Groups are the full SemGroups names ("Disorders"), as everywhere downstream in the original; the
 * group filter accepts the 4-letter category or the name. Languages: all LATs by default (the original
 * kept ENG, FRE, SPA); names get ISO codes (ENG → en). MTH strings are English names and title
 * candidates; TTY=PN is the preferred title.
 */
public final class UmlsRrfReader implements SourceReader {

    private record SemType(String category, String group, String tui, String name) {
    }

    static final Map<String, String> LANGUAGES = Map.ofEntries(
            Map.entry("ENG", "en"), Map.entry("FRE", "fr"), Map.entry("SPA", "es"), Map.entry("GER", "de"),
            Map.entry("ITA", "it"), Map.entry("POR", "pt"), Map.entry("DUT", "nl"), Map.entry("JPN", "ja"),
            Map.entry("CHI", "zh"), Map.entry("RUS", "ru"), Map.entry("CZE", "cs"), Map.entry("SWE", "sv"),
            Map.entry("POL", "pl"), Map.entry("KOR", "ko"), Map.entry("NOR", "no"), Map.entry("FIN", "fi"),
            Map.entry("DAN", "da"), Map.entry("HUN", "hu"), Map.entry("TUR", "tr"), Map.entry("GRE", "el"),
            Map.entry("HEB", "he"), Map.entry("ARA", "ar"), Map.entry("EST", "et"), Map.entry("CRO", "hr"),
            Map.entry("LAV", "lv"), Map.entry("BAQ", "eu"), Map.entry("UKR", "uk"));

    @Override
    public void read(String uri, Inputs inputs, KbOptions options, Problems problems, KbBuilder sink) {
        if (options.semanticGroupsUri() == null) {
            throw new UserError(uri + ": umls-rrf needs the SemGroups file (spec.semanticGroupsUri, --semantic-groups)");
        }
        Map<String, SemType> types = semGroups(options.semanticGroupsUri(), inputs, problems);
        // Alone in the build, the builder's concepts are exactly the MRSTY-kept CUIs, and asking the builder
        // also primes its last-concept cache for the name that follows; beside other sources, a set decides.
        boolean alone = sink.conceptCount() == 0;
        String folder = uri.endsWith("/") ? uri : uri + "/";
        Set<String> kept = mrsty(inputs.child(folder, List.of("MRSTY.RRF", "MRSTY.RRF.gz"), true), types, inputs,
                options, problems, sink);
        sink.upperFirst(true);
        Predicate<String> isKept = alone ? sink::has : kept::contains;
        mrconso(inputs.child(folder, List.of("MRCONSO.RRF", "MRCONSO.RRF.gz"), true), isKept, inputs, options,
                problems, sink);
        sink.upperFirst(false);
        String mrdef = inputs.child(folder, List.of("MRDEF.RRF", "MRDEF.RRF.gz"), false);
        if (mrdef != null) {
            mrdef(mrdef, isKept, inputs, problems, sink);
        }
    }

    private static Map<String, SemType> semGroups(String uri, Inputs inputs, Problems problems) {
        Map<String, SemType> byTui = new HashMap<>();
        try (LineSource lines = inputs.open(uri)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = Fields.split(line, '|');
                if (f.size() < 4 || f.get(2).isBlank() || f.get(1).isBlank()) {
                    problems.report(lines.name(), lines.lineNumber(), "CAT|Group|TUI|Type",
                            "expected 4 '|'-separated columns, found " + f.size());
                    continue;
                }
                byTui.put(f.get(2).strip(), new SemType(f.get(0).strip(), f.get(1).strip(), f.get(2).strip(),
                        f.get(3).strip()));
            }
            if (byTui.isEmpty()) {
                throw new UserError(lines.name() + ":" + lines.lineNumber() + ": field file: no semantic type row");
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byTui;
    }

    private static Set<String> mrsty(String uri, Map<String, SemType> types, Inputs inputs, KbOptions options,
            Problems problems, KbBuilder sink) {
        Set<String> kept = new HashSet<>();
        String[] f = new String[5];
        try (LineSource lines = inputs.open(uri)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                if (line.isEmpty()) {
                    continue;
                }
                int n = Fields.split(line, '|', f);
                if (n < 4 || f[0].isEmpty() || f[1].isEmpty()) {
                    problems.report(lines.name(), lines.lineNumber(), "CUI|TUI|STN|STY",
                            "expected at least 4 '|'-separated columns, found " + n);
                    continue;
                }
                SemType type = types.get(f[1]);
                if (type == null) {
                    problems.report(lines.name(), lines.lineNumber(), "TUI (column 2)",
                            f[1] + " is not in the SemGroups file");
                    continue;
                }
                if (options.preset() != null && !options.preset().keeps(f[2], type.category())) {
                    continue;
                }
                if (!options.semanticGroups().isEmpty() && !options.semanticGroups().contains(type.category())
                        && !options.semanticGroups().contains(type.group())) {
                    continue;
                }
                if (!options.semanticTypes().isEmpty() && !options.semanticTypes().contains(type.tui())) {
                    continue;
                }
                kept.add(f[0]);
                sink.group(f[0], type.group());
                sink.type(f[0], type.tui());
            }
            if (lines.lineNumber() == 0) {
                throw new UserError(lines.name() + ": field file: empty");
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kept;
    }

    private static void mrconso(String uri, Predicate<String> kept, Inputs inputs, KbOptions options, Problems problems,
            KbBuilder sink) {
        int[] ends = new int[16];
        Map<String, String> isoByLat = new HashMap<>();
        boolean anySab = options.sourceVocabularies().isEmpty();
        try (LineSource lines = inputs.open(uri)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                if (line.isEmpty()) {
                    continue;
                }
                // Only the separator positions are found per row; just the fields used become strings.
                int n = Fields.ends(line, '|', ends);
                if (n < 15) {
                    problems.report(lines.name(), lines.lineNumber(), "STR (column 15)",
                            "missing: expected at least 15 '|'-separated columns, found " + n);
                    continue;
                }
                String cui = Fields.field(line, ends, 0);
                if (!kept.test(cui)) {
                    continue;
                }
                String lat = Fields.field(line, ends, 1);
                boolean mth = Fields.fieldEquals(line, ends, 11, "MTH");
                String iso = mth ? "en" // MTH strings are English names in the original, whatever their LAT
                        : isoByLat.computeIfAbsent(lat, l -> LANGUAGES.getOrDefault(l, l.toLowerCase(Locale.ROOT)));
                if (!mth && !options.keepsLanguage(iso, lat)) { // the original keeps every MTH row
                    continue;
                }
                if (!anySab && !options.sourceVocabularies().contains(Fields.field(line, ends, 11))) {
                    continue;
                }
                String str = Fields.field(line, ends, 14);
                if (str.isEmpty()) {
                    continue;
                }
                if (Fields.fieldEquals(line, ends, 12, "PN")) {
                    sink.name(cui, str, iso, KbBuilder.TITLE_UMLS_PN);
                }
                int rank;
                if (mth) {
                    rank = KbBuilder.TITLE_UMLS_MTH;
                } else if (!Fields.fieldEquals(line, ends, 2, "P")) {
                    rank = KbSink.NOT_A_TITLE;
                } else {
                    rank = switch (lat) {
                        case "ENG" -> KbBuilder.TITLE_UMLS_ENG;
                        case "FRE" -> KbBuilder.TITLE_UMLS_FRE;
                        case "SPA" -> KbBuilder.TITLE_UMLS_SPA;
                        default -> KbBuilder.TITLE_OTHER;
                    };
                }
                sink.name(cui, str, iso, rank);
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mrdef(String uri, Predicate<String> kept, Inputs inputs, Problems problems, KbBuilder sink) {
        String[] f = new String[7];
        try (LineSource lines = inputs.open(uri)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                inputs.row();
                if (line.isEmpty()) {
                    continue;
                }
                int n = Fields.split(line, '|', f);
                if (n < 6) {
                    problems.report(lines.name(), lines.lineNumber(), "DEF (column 6)",
                            "missing: expected at least 6 '|'-separated columns, found " + n);
                    continue;
                }
                if (kept.test(f[0])) {
                    sink.definition(f[0], f[5]);
                }
            }
            inputs.done(uri, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
