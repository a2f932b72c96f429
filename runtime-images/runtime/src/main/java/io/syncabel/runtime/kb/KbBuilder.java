package io.syncabel.runtime.kb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects what the readers emit (per concept: cleaned names per language, groups, types, definitions,
 * title candidates) and turns it into a {@link KnowledgeBase}: title selection, ambiguity resolution per
 * (name, group) and the per-group dictionary, following reference §1.2 and §1.5 with deterministic
 * tie-breaks where the original is random.
 *
 * <p>Memory is proportional to the concepts and names kept, never to the rows read: readers stream, and a
 * title candidate is folded into a running best as it arrives.
 */
public final class KbBuilder implements KbSink {

    /** Title ranks, best first (reference §1.2). Other formats use {@link #TITLE} for their preferred name. */
    public static final int TITLE = 0;
    public static final int TITLE_UMLS_PN = 0;
    public static final int TITLE_UMLS_MTH = 1;
    public static final int TITLE_UMLS_ENG = 2;
    public static final int TITLE_UMLS_FRE = 3;
    public static final int TITLE_UMLS_SPA = 4;
    public static final int TITLE_OTHER = 5;
    private static final int RANKS = 6;

    private final KbOptions options;
    private NameCleaner cleaner;
    private final Map<String, Acc> concepts = new HashMap<>();
    private final Map<String, String> interned = new HashMap<>();
    private String currentSource = "";
    private long namesSeen;

    public KbBuilder(KbOptions options) {
        this.options = options;
        this.cleaner = new NameCleaner(options.stripNos(), options.normalizeWhitespace(), options.maxNameLength(), false);
    }

    /** Label of the source now being read (recorded per concept). */
    public KbBuilder source(String label) {
        this.currentSource = intern(label);
        return this;
    }

    /** UMLS names get their first letter upper-cased (reference §1.4); gazetteers keep their case. */
    public void upperFirst(boolean value) {
        cleaner = new NameCleaner(cleaner.stripNos(), cleaner.normalizeWhitespace(), cleaner.maxLength(), value);
    }

    private Acc acc(String code) {
        Acc a = concepts.get(code);
        if (a == null) {
            a = new Acc(code);
            concepts.put(code, a);
        }
        if (!a.sources.contains(currentSource)) {
            a.sources.add(currentSource);
        }
        return a;
    }

    private String intern(String s) {
        return interned.computeIfAbsent(s, k -> k);
    }

    public long namesSeen() {
        return namesSeen;
    }

    public int conceptCount() {
        return concepts.size();
    }

    @Override
    public void name(String code, String raw, String language, int titleRank) {
        namesSeen++;
        String name = cleaner.clean(raw);
        if (name == null) {
            return;
        }
        Acc a = acc(code);
        String lang = intern(language);
        if (!a.hasName(name, lang)) {
            a.names.add(name);
            a.langs.add(lang);
        }
        if (titleRank >= 0) {
            a.offerTitle(titleRank, name, lang);
        }
    }

    @Override
    public void group(String code, String group) {
        Acc a = acc(code);
        String g = intern(group);
        if (!a.groups.contains(g)) {
            a.groups.add(g);
        }
    }

    @Override
    public void type(String code, String type) {
        Acc a = acc(code);
        String t = intern(type);
        if (!a.types.contains(t)) {
            a.types.add(t);
        }
    }

    @Override
    public void definition(String code, String definition) {
        String d = definition.strip();
        Acc a = acc(code);
        if (!d.isEmpty() && !a.definitions.contains(d)) {
            a.definitions.add(d);
        }
    }

    @Override
    public void altId(String code, String altId) {
        Acc a = acc(code);
        if (!altId.isBlank() && !altId.equals(code) && !a.altIds.contains(altId)) {
            a.altIds.add(altId);
        }
    }

    /** Whether the concept was seen (UMLS: kept by the MRSTY filters). */
    public boolean has(String code) {
        return concepts.containsKey(code);
    }

    /** Resolution statistics, for the manifest. */
    public record Resolution(long level0, long level1, long level2, long dropped, long titlesAdded, long allCapsPruned) {
    }

    public KnowledgeBase build(TreeMap<String, Object> metadata) {
        List<String> codes = new ArrayList<>(concepts.keySet());
        codes.sort(null);
        // Concepts without a group (DNorm, CTD, untyped rows) take the default group.
        for (Acc a : concepts.values()) {
            if (a.groups.isEmpty()) {
                a.groups.add(intern(options.defaultGroup()));
            }
        }
        // (group -> name -> codes), codes in sorted order because we iterate sorted codes.
        Map<String, Map<String, List<String>>> byGroup = new TreeMap<>();
        for (String code : codes) {
            Acc a = concepts.get(code);
            for (String g : a.groups) {
                Map<String, List<String>> names = byGroup.computeIfAbsent(g, k -> new HashMap<>());
                for (String n : a.names) {
                    List<String> cs = names.computeIfAbsent(n, k -> new ArrayList<>(1));
                    if (cs.isEmpty() || !cs.get(cs.size() - 1).equals(code)) {
                        cs.add(code);
                    }
                }
            }
        }
        // kept: code -> group -> names
        Map<String, Map<String, Set<String>>> kept = new HashMap<>();
        long l0 = 0, l1 = 0, l2 = 0, dropped = 0;
        // Level 0: (name, group) with exactly one code.
        Set<String> withLevel0 = new HashSet<>();
        for (var g : byGroup.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                if (e.getValue().size() == 1) {
                    keep(kept, e.getValue().get(0), g.getKey(), e.getKey());
                    withLevel0.add(e.getValue().get(0));
                    l0++;
                }
            }
        }
        // Level 1: among ambiguous rows, only codes without any level-0 name compete (a name shared by A,
        // which has no unambiguous name, and B, which has some, goes to A). The check is per code over
        // all groups, as the original's CUI filter is.
        Set<String> withLevel01 = new HashSet<>(withLevel0);
        Map<String, Map<String, List<String>>> stillAmbiguous = new TreeMap<>();
        for (var g : byGroup.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                if (e.getValue().size() == 1) {
                    continue;
                }
                List<String> rest = e.getValue().stream().filter(c -> !withLevel0.contains(c)).toList();
                dropped += e.getValue().size() - rest.size();
                if (rest.size() == 1) {
                    keep(kept, rest.get(0), g.getKey(), e.getKey());
                    withLevel01.add(rest.get(0));
                    l1++;
                } else if (!rest.isEmpty()) {
                    stillAmbiguous.computeIfAbsent(g.getKey(), k -> new HashMap<>()).put(e.getKey(), rest);
                }
            }
        }
        // Level 2: codes that still own no name get the name; the lexicographically smallest code wins
        // (the original keeps an arbitrary row here).
        for (var g : stillAmbiguous.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                List<String> rest = e.getValue().stream().filter(c -> !withLevel01.contains(c)).toList();
                if (rest.isEmpty()) {
                    dropped += e.getValue().size();
                    continue;
                }
                keep(kept, rest.get(0), g.getKey(), e.getKey()); // codes are sorted
                dropped += e.getValue().size() - 1;
                l2++;
            }
        }
        // Titles that no concept kept as a name anywhere come back as names of their concept.
        Set<String> allKept = new HashSet<>();
        kept.values().forEach(m -> m.values().forEach(allKept::addAll));
        long titlesAdded = 0;
        Map<String, String> titles = new HashMap<>();
        Map<String, String> titleLangs = new HashMap<>();
        for (String code : codes) {
            Acc a = concepts.get(code);
            String[] t = a.title();
            if (t == null) {
                continue;
            }
            titles.put(code, t[0]);
            titleLangs.put(code, t[1]);
        }
        for (String code : codes) {
            String title = titles.get(code);
            if (title != null && !allKept.contains(title)) {
                for (String g : concepts.get(code).groups) {
                    keep(kept, code, g, title);
                }
                titlesAdded++;
            }
        }
        // ALL-CAPS pruning: "COPPER TOXICOSIS" goes when the concept also keeps "Copper toxicosis".
        long pruned = 0;
        for (var e : kept.entrySet()) {
            Set<String> lowerOfMixed = new HashSet<>();
            e.getValue().values().forEach(ns -> ns.stream().filter(n -> !isAllCaps(n))
                    .forEach(n -> lowerOfMixed.add(n.toLowerCase(Locale.ROOT))));
            for (Set<String> ns : e.getValue().values()) {
                int before = ns.size();
                ns.removeIf(n -> isAllCaps(n) && lowerOfMixed.contains(n.toLowerCase(Locale.ROOT)));
                pruned += before - ns.size();
            }
        }
        // Assemble concepts and the dictionary.
        Map<String, Concept> out = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> dictionary = new TreeMap<>();
        for (String code : codes) {
            Acc a = concepts.get(code);
            Map<String, Set<String>> mine = kept.getOrDefault(code, Map.of());
            Set<String> owned = new HashSet<>();
            mine.values().forEach(owned::addAll);
            Map<String, List<String>> synonyms = new TreeMap<>();
            String title = titles.get(code);
            // Title first, then the source's order: candidates keep a stable, meaningful order.
            if (title != null && owned.contains(title)) {
                synonyms.computeIfAbsent(titleLangs.get(code), k -> new ArrayList<>()).add(title);
            }
            for (int i = 0; i < a.names.size(); i++) {
                String n = a.names.get(i);
                if (owned.contains(n) && !n.equals(title)) {
                    List<String> list = synonyms.computeIfAbsent(a.langs.get(i), k -> new ArrayList<>());
                    if (!list.contains(n)) {
                        list.add(n);
                    }
                }
            }
            for (var ge : mine.entrySet()) {
                Map<String, List<String>> d = dictionary.computeIfAbsent(ge.getKey(), k -> new TreeMap<>());
                for (String n : ge.getValue()) {
                    List<String> cs = d.computeIfAbsent(n, k -> new ArrayList<>(1));
                    cs.add(code);
                }
            }
            out.put(code, new Concept(code, List.copyOf(a.groups), sortedCopy(a.types), title,
                    synonyms, List.copyOf(a.definitions), List.copyOf(a.altIds), List.copyOf(a.sources)));
        }
        dictionary.values().forEach(d -> d.values().forEach(cs -> cs.sort(null)));
        Resolution resolution = new Resolution(l0, l1, l2, dropped, titlesAdded, pruned);
        return KnowledgeBase.of(out, dictionary, null, metadata, resolution);
    }

    private static List<String> sortedCopy(List<String> l) {
        return List.copyOf(new TreeSet<>(l));
    }

    private static void keep(Map<String, Map<String, Set<String>>> kept, String code, String group, String name) {
        kept.computeIfAbsent(code, k -> new TreeMap<>())
                .computeIfAbsent(group, k -> new java.util.LinkedHashSet<>()).add(name);
    }

    /** A string without letters counts as all-caps, as in the original (upper(s) == s). */
    static boolean isAllCaps(String s) {
        return s.equals(s.toUpperCase(Locale.ROOT));
    }

    /** Per-concept accumulator; lists, not sets: a concept has few names and lists cost far less memory. */
    private static final class Acc {
        final String code;
        final List<String> names = new ArrayList<>(4);
        final List<String> langs = new ArrayList<>(4);
        final List<String> groups = new ArrayList<>(1);
        final List<String> types = new ArrayList<>(1);
        final List<String> definitions = new ArrayList<>(0);
        final List<String> altIds = new ArrayList<>(0);
        final List<String> sources = new ArrayList<>(1);
        String[] bestTitle;
        String[] bestLang;
        boolean[] multiple;

        Acc(String code) {
            this.code = code;
        }

        boolean hasName(String name, String lang) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals(name) && langs.get(i).equals(lang)) {
                    return true;
                }
            }
            return false;
        }

        void offerTitle(int rank, String name, String lang) {
            if (bestTitle == null) {
                bestTitle = new String[RANKS];
                bestLang = new String[RANKS];
                multiple = new boolean[RANKS];
            }
            String current = bestTitle[rank];
            if (current == null) {
                bestTitle[rank] = name;
                bestLang[rank] = lang;
                return;
            }
            if (current.equals(name)) {
                return;
            }
            multiple[rank] = true;
            // The first preferred name stays for rank 0; MTH, English and other ranks keep the "shortest".
            if (rank != TITLE_UMLS_PN && rank != TITLE_UMLS_FRE && rank != TITLE_UMLS_SPA
                    && shorter(name, current)) {
                bestTitle[rank] = name;
                bestLang[rank] = lang;
            }
        }

        /** {title, language}, or null: the reference §1.2 cascade. */
        String[] title() {
            if (bestTitle == null) {
                return names.isEmpty() ? null : new String[] {names.get(0), langs.get(0)};
            }
            for (int r = 0; r < RANKS; r++) {
                if (bestTitle[r] == null) {
                    continue;
                }
                if ((r == TITLE_UMLS_FRE || r == TITLE_UMLS_SPA) && multiple[r]) {
                    continue; // French and Spanish titles count only when unique
                }
                return new String[] {bestTitle[r], bestLang[r]};
            }
            return null;
        }

        /** len − 0.5 when Capitalised-then-lower-case; ties to the lexicographically smaller (the original is arbitrary). */
        static boolean shorter(String a, String b) {
            double sa = score(a);
            double sb = score(b);
            return sa < sb || (sa == sb && a.compareTo(b) < 0);
        }

        static double score(String s) {
            boolean capitalised = s.length() > 0 && Character.isUpperCase(s.charAt(0))
                    && s.substring(1).equals(s.substring(1).toLowerCase(Locale.ROOT));
            return s.length() - (capitalised ? 0.5 : 0);
        }
    }
}
