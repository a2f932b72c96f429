package io.syncabel.runtime.kb;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One concept of the built KB, one line of concepts.jsonl. {@code synonyms} holds, per language, the
 * names this concept owns after ambiguity resolution (the title included when it was kept).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Concept(
        String code,
        List<String> groups,
        List<String> types,
        String title,
        Map<String, List<String>> synonyms,
        List<String> definitions,
        List<String> altIds,
        List<String> sources) {

    public Concept {
        groups = groups == null ? List.of() : groups;
        types = types == null ? List.of() : types;
        synonyms = synonyms == null ? Map.of() : synonyms;
        definitions = definitions == null ? List.of() : definitions;
        altIds = altIds == null ? List.of() : altIds;
        sources = sources == null ? List.of() : sources;
    }

    /** All names over all languages, first occurrence order: the original's CUI_to_Syn (target candidates). */
    public List<String> names() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        synonyms.values().forEach(all::addAll);
        return new ArrayList<>(all);
    }
}
