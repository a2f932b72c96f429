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

    // Real MRCONSO and most terminologies list a concept's rows together: remembering the last concept
    // saves the map lookup (a cache miss on large KBs) for most rows.
    private String lastCode;
    private Acc lastAcc;

    private Acc acc(String code) {
        Acc a = code.equals(lastCode) ? lastAcc : concepts.get(code);
        if (a == null) {
            a = new Acc(code);
            concepts.put(code, a);
        }
        if (!a.sources.contains(currentSource)) {
            a.sources.add(currentSource);
        }
        lastCode = code;
        lastAcc = a;
        return a;
    }

    private String intern(String s) {
        return interned.computeIfAbsent(s, k -> k);
    }

    public int conceptCount() {
        return concepts.size();
    }

    @Override
    public void name(String code, String raw, String language, int titleRank) {
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
        if (code.equals(lastCode)) {
            return true;
        }
        Acc a = concepts.get(code);
        if (a != null) {
            lastCode = code;
            lastAcc = a;
        }
        return a != null;
    }

    /** Resolution statistics, for the manifest. */
    public record Resolution(long level0, long level1, long level2, long dropped, long titlesAdded, long allCapsPruned) {
    }

    public KnowledgeBase build(TreeMap<String, Object> metadata) {
        List<Acc> accs = new ArrayList<>(concepts.values());
        accs.sort((x, y) -> x.code.compareTo(y.code));
        // Concepts without a group (DNorm, CTD, untyped rows) take the default group.
        long totalNames = 0;
        Set<String> allGroups = new HashSet<>();
        for (Acc a : accs) {
            if (a.groups.isEmpty()) {
                a.groups.add(intern(options.defaultGroup()));
            }
            a.kept = new boolean[a.groups.size()][a.names.size()];
            totalNames += a.names.size();
            allGroups.addAll(a.groups);
        }
        // group -> name -> the concept (Acc) or its concepts (ArrayList<Acc>, in code order). Most names have
        // one concept, so no list is allocated for them: this map is the largest structure of a build.
        int expected = (int) Math.min(1 << 28, totalNames / allGroups.size() + 16);
        Map<String, Map<String, Object>> byGroup = new TreeMap<>();
        for (Acc a : accs) {
            for (String g : a.groups) {
                Map<String, Object> names = byGroup.computeIfAbsent(g, k -> new HashMap<>(expected));
                for (String n : a.names) {
                    names.merge(n, a, KbBuilder::addConcept);
                }
            }
        }
        long l0 = 0, l1 = 0, l2 = 0, dropped = 0;
        // Level 0: (name, group) with exactly one concept.
        for (var g : byGroup.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                if (e.getValue() instanceof Acc a) {
                    a.keep(g.getKey(), e.getKey());
                    a.level0 = true;
                    l0++;
                }
            }
        }
        // Level 1: among ambiguous rows, only concepts without any level-0 name compete (a name shared by A,
        // which has no unambiguous name, and B, which has some, goes to A). The check is per concept over
        // all groups, as the original's CUI filter is.
        List<Object[]> stillAmbiguous = new ArrayList<>();
        for (var g : byGroup.entrySet()) {
            for (var e : g.getValue().entrySet()) {
                if (!(e.getValue() instanceof List<?> list)) {
                    continue;
                }
                List<Acc> rest = new ArrayList<>(2);
                for (Object o : list) {
                    if (!((Acc) o).level0) {
                        rest.add((Acc) o);
                    }
                }
                dropped += list.size() - rest.size();
                if (rest.size() == 1) {
                    rest.get(0).keep(g.getKey(), e.getKey());
                    rest.get(0).level1 = true;
                    l1++;
                } else if (!rest.isEmpty()) {
                    stillAmbiguous.add(new Object[] {g.getKey(), e.getKey(), rest});
                }
            }
        }
        // Level 2: concepts that still own no name get it; the lexicographically smallest code wins (the
        // original keeps an arbitrary row here). Candidates are in code order.
        for (Object[] row : stillAmbiguous) {
            @SuppressWarnings("unchecked")
            List<Acc> rest = (List<Acc>) row[2];
            Acc winner = null;
            for (Acc a : rest) {
                if (!a.level0 && !a.level1) {
                    winner = a;
                    break;
                }
            }
            if (winner == null) {
                dropped += rest.size();
                continue;
            }
            winner.keep((String) row[0], (String) row[1]);
            dropped += rest.size() - 1;
            l2++;
        }
        // Titles that no concept kept as a name anywhere come back as names of their concept.
        Set<String> allKept = new HashSet<>((int) Math.min(1 << 28, totalNames));
        for (Acc a : accs) {
            a.forEachKept((g, n) -> allKept.add(n));
        }
        long titlesAdded = 0;
        for (Acc a : accs) {
            String[] t = a.title();
            a.titleName = t == null ? null : t[0];
            a.titleLang = t == null ? null : t[1];
            if (a.titleName != null && !allKept.contains(a.titleName)) {
                for (String g : a.groups) {
                    a.keep(g, a.titleName);
                }
                titlesAdded++;
            }
        }
        // ALL-CAPS pruning: "COPPER TOXICOSIS" goes when the concept also keeps "Copper toxicosis".
        long pruned = 0;
        for (Acc a : accs) {
            pruned += a.pruneAllCaps();
        }
        // Assemble concepts and the dictionary.
        Map<String, Concept> out = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> dictionary = new TreeMap<>(); // names: hashed; the writer sorts
        for (Acc a : accs) {
            Map<String, List<String>> synonyms = new TreeMap<>();
            // Title first, then the source's order: candidates keep a stable, meaningful order.
            if (a.titleName != null && a.isKept(a.titleName)) {
                synonyms.computeIfAbsent(a.titleLang, k -> new ArrayList<>(4)).add(a.titleName);
            }
            for (int i = 0; i < a.names.size(); i++) {
                String n = a.names.get(i);
                if (a.keptAnywhere(i) && !n.equals(a.titleName)) {
                    List<String> list = synonyms.computeIfAbsent(a.langs.get(i), k -> new ArrayList<>(4));
                    if (!list.contains(n)) {
                        list.add(n);
                    }
                }
            }
            for (int g = 0; g < a.groups.size(); g++) {
                Map<String, List<String>> d = dictionary.computeIfAbsent(a.groups.get(g), k -> new HashMap<>());
                for (int i = 0; i < a.names.size(); i++) {
                    if (a.kept[g][i]) {
                        List<String> cs = d.computeIfAbsent(a.names.get(i), k -> new ArrayList<>(1));
                        if (cs.isEmpty() || !cs.get(cs.size() - 1).equals(a.code)) {
                            cs.add(a.code);
                        }
                    }
                }
            }
            out.put(a.code, new Concept(a.code, List.copyOf(a.groups), sortedCopy(a.types), a.titleName,
                    synonyms, List.copyOf(a.definitions), List.copyOf(a.altIds), List.copyOf(a.sources)));
        }
        Resolution resolution = new Resolution(l0, l1, l2, dropped, titlesAdded, pruned);
        return KnowledgeBase.of(out, dictionary, null, metadata, resolution);
    }

    /** Map.merge function: one concept stays a bare Acc, a second one makes a list (in code order). */
    @SuppressWarnings("unchecked")
    private static Object addConcept(Object existing, Object added) {
        if (existing instanceof Acc a) {
            if (a == added) {
                return a; // the same name in two languages of one concept
            }
            List<Acc> list = new ArrayList<>(2);
            list.add(a);
            list.add((Acc) added);
            return list;
        }
        List<Acc> list = (List<Acc>) existing;
        if (list.get(list.size() - 1) != added) {
            list.add((Acc) added);
        }
        return list;
    }

    private static List<String> sortedCopy(List<String> l) {
        return l.size() <= 1 ? List.copyOf(l) : List.copyOf(new TreeSet<>(l));
    }

    /** Python's {@code s == s.upper()}: no lower-case letter (a string without letters counts as all-caps). */
    static boolean isAllCaps(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isLowerCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
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
        // resolution state: kept[group index][name index], level flags, the chosen title
        boolean[][] kept;
        boolean level0;
        boolean level1;
        String titleName;
        String titleLang;

        /** Keeps every entry of this name string (it may be listed once per language) in the group. */
        void keep(String group, String name) {
            int g = groups.indexOf(group);
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals(name)) {
                    kept[g][i] = true;
                }
            }
        }

        boolean keptAnywhere(int i) {
            for (boolean[] k : kept) {
                if (k[i]) {
                    return true;
                }
            }
            return false;
        }

        boolean isKept(String name) {
            for (int i = 0; i < names.size(); i++) {
                if (keptAnywhere(i) && names.get(i).equals(name)) {
                    return true;
                }
            }
            return false;
        }

        void forEachKept(java.util.function.BiConsumer<String, String> action) {
            for (int g = 0; g < kept.length; g++) {
                for (int i = 0; i < names.size(); i++) {
                    if (kept[g][i]) {
                        action.accept(groups.get(g), names.get(i));
                    }
                }
            }
        }

        /** Drops kept all-caps names whose lower case equals a kept mixed-case name's; returns how many. */
        int pruneAllCaps() {
            int pruned = 0;
            for (int i = 0; i < names.size(); i++) {
                if (!keptAnywhere(i) || !isAllCaps(names.get(i))) {
                    continue;
                }
                String lower = names.get(i).toLowerCase(Locale.ROOT);
                boolean rival = false;
                for (int j = 0; j < names.size() && !rival; j++) {
                    rival = j != i && keptAnywhere(j) && !isAllCaps(names.get(j))
                            && names.get(j).toLowerCase(Locale.ROOT).equals(lower);
                }
                if (rival) {
                    for (boolean[] k : kept) {
                        if (k[i]) {
                            k[i] = false;
                            pruned++;
                        }
                    }
                }
            }
            return pruned;
        }

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

        /** Python's {@code s[0].isupper() and s[1:].islower()}: a cased rest with no upper-case letter. */
        static double score(String s) {
            if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) {
                return s.length();
            }
            boolean cased = false;
            for (int i = 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isUpperCase(c) || Character.isTitleCase(c)) {
                    return s.length();
                }
                cased |= Character.isLowerCase(c);
            }
            return cased ? s.length() - 0.5 : s.length();
        }
    }
}
