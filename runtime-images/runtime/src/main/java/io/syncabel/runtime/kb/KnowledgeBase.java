package io.syncabel.runtime.kb;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The built knowledge base as later stages use it: concepts by code, a name → codes dictionary per group
 * (exact string match within the group, as the original's text_to_code), gold-id resolution and the
 * TF-IDF model. Built by {@link KbBuilder} or loaded from an artifact by {@link KbArtifact#load}.
 */
public final class KnowledgeBase {
    private final Map<String, Concept> concepts;
    private final Map<String, Map<String, List<String>>> dictionary;
    private final Map<String, String> altIdToCode;
    private final TreeMap<String, Object> metadata;
    private final KbBuilder.Resolution resolution;
    private TfIdf tfidf;
    private TfIdfLinker linker;

    private KnowledgeBase(Map<String, Concept> concepts, Map<String, Map<String, List<String>>> dictionary,
            TfIdf tfidf, TreeMap<String, Object> metadata, KbBuilder.Resolution resolution) {
        this.concepts = concepts;
        this.dictionary = dictionary;
        this.tfidf = tfidf;
        this.metadata = metadata == null ? new TreeMap<>() : metadata;
        this.resolution = resolution;
        this.altIdToCode = new HashMap<>();
        for (Concept c : concepts.values()) {
            for (String alt : c.altIds()) {
                // The first concept (in code order) claiming an alt id keeps it: deterministic.
                altIdToCode.putIfAbsent(alt, c.code());
            }
        }
    }

    static KnowledgeBase of(Map<String, Concept> concepts, Map<String, Map<String, List<String>>> dictionary,
            TfIdf tfidf, TreeMap<String, Object> metadata, KbBuilder.Resolution resolution) {
        return new KnowledgeBase(concepts, dictionary, tfidf, metadata, resolution);
    }

    public Map<String, Concept> concepts() {
        return Collections.unmodifiableMap(concepts);
    }

    public Optional<Concept> concept(String code) {
        return Optional.ofNullable(concepts.get(code));
    }

    /**
     * The KB code a gold id refers to: the id itself, its canonical spelling ({@code OMIM:123456} for a
     * MEDIC bare number, {@code D012345} for {@code MESH:D012345}), or an alternative id of a concept.
     */
    public Optional<String> resolve(String goldId) {
        String id = goldId.strip();
        if (concepts.containsKey(id)) {
            return Optional.of(id);
        }
        String canonical = Codes.canonical(id);
        if (concepts.containsKey(canonical)) {
            return Optional.of(canonical);
        }
        String viaAlt = altIdToCode.get(id);
        if (viaAlt == null) {
            viaAlt = altIdToCode.get(canonical);
        }
        return Optional.ofNullable(viaAlt);
    }

    /** Groups in the dictionary, sorted. */
    public Set<String> groups() {
        return dictionary.keySet();
    }

    /** name → codes of one group (exact match; usually one code, several only where titles collide). */
    public Map<String, List<String>> dictionary(String group) {
        return dictionary.getOrDefault(group, Map.of());
    }

    public Map<String, Map<String, List<String>>> dictionaries() {
        return dictionary;
    }

    public List<String> codesFor(String group, String name) {
        return dictionary(group).getOrDefault(name, List.of());
    }

    /** Distinct (name, group) entries, the KB's "names" figure. */
    public long nameCount() {
        return dictionary.values().stream().mapToLong(Map::size).sum();
    }

    public TreeMap<String, Object> metadata() {
        return metadata;
    }

    public KbBuilder.Resolution resolution() {
        return resolution;
    }

    /** The TF-IDF model, fitted on the distinct dictionary names when the KB did not come with one. */
    public synchronized TfIdf tfidf() {
        if (tfidf == null) {
            LinkedHashSet<String> names = new LinkedHashSet<>();
            dictionary.values().forEach(d -> names.addAll(d.keySet()));
            tfidf = TfIdf.fit(names);
        }
        return tfidf;
    }

    /** The dictionary baseline linker (TF-IDF nearest names), built on first use. */
    public synchronized TfIdfLinker linker() {
        if (linker == null) {
            linker = new TfIdfLinker(tfidf(), dictionary);
        }
        return linker;
    }

    /** Concepts per group and names per group and per language, for the manifest and the CR status. */
    public Map<String, Object> counts() {
        Map<String, Long> conceptsPerGroup = new TreeMap<>();
        Map<String, Long> synonymsPerLanguage = new TreeMap<>();
        for (Concept c : concepts.values()) {
            c.groups().forEach(g -> conceptsPerGroup.merge(g, 1L, Long::sum));
            c.synonyms().forEach((lang, ns) -> synonymsPerLanguage.merge(lang, (long) ns.size(), Long::sum));
        }
        Map<String, Long> namesPerGroup = new TreeMap<>();
        dictionary.forEach((g, d) -> namesPerGroup.put(g, (long) d.size()));
        Map<String, Object> counts = new TreeMap<>();
        counts.put("concepts", concepts.size());
        counts.put("names", nameCount());
        counts.put("conceptsPerGroup", conceptsPerGroup);
        counts.put("namesPerGroup", namesPerGroup);
        counts.put("synonymsPerLanguage", synonymsPerLanguage);
        counts.put("conceptsWithoutNames", concepts.values().stream().filter(c -> c.synonyms().isEmpty()).count());
        return counts;
    }
}
