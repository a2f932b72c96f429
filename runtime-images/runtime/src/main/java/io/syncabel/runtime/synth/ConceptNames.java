package io.syncabel.runtime.synth;

import io.syncabel.runtime.corpus.ExampleBuilder;
import io.syncabel.runtime.kb.Concept;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A concept's names as mentions: those of the wanted language first, else all its names, else its title. */
final class ConceptNames {
    private ConceptNames() {
    }

    static List<String> of(Concept c, String language) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : c.synonyms().entrySet()) {
            if (sameLanguage(e.getKey(), language)) {
                e.getValue().forEach(n -> add(names, n));
            }
        }
        if (names.isEmpty()) {
            c.names().forEach(n -> add(names, n));
        }
        if (names.isEmpty() && c.title() != null) {
            add(names, c.title());
        }
        return new ArrayList<>(names);
    }

    private static void add(LinkedHashSet<String> names, String n) {
        String clean = ExampleBuilder.cleanNatural(n).strip().replaceAll("\\s+", " ");
        if (!clean.isEmpty()) {
            names.add(clean);
        }
    }

    static boolean sameLanguage(String kbLanguage, String language) {
        String a = kbLanguage.toLowerCase(Locale.ROOT);
        String b = language.toLowerCase(Locale.ROOT);
        return a.equals(b) || a.startsWith(b) || switch (b) {
            case "en" -> a.equals("eng");
            case "fr" -> a.equals("fre") || a.equals("fra");
            case "es" -> a.equals("spa");
            default -> false;
        };
    }
}
