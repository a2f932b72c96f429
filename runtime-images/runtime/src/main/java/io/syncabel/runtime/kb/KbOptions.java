package io.syncabel.runtime.kb;

import java.util.Set;

/**
 * What to keep and how to clean it, the runtime's view of a KnowledgeBase spec (defaults applied).
 * Filters left empty keep everything.
 *
 * @param languages          ISO codes (en, fr) or UMLS LATs (ENG, FRE); both spellings match
 * @param sourceVocabularies UMLS SABs to keep
 * @param semanticGroups     group codes (DISO) or names (Disorders) to keep
 * @param semanticTypes      TUIs to keep
 * @param semanticGroupsUri  SemGroups file (CAT|Group|TUI|Type), required by umls-rrf
 */
public record KbOptions(
        String defaultGroup,
        Set<String> languages,
        Set<String> sourceVocabularies,
        UmlsPreset preset,
        Set<String> semanticGroups,
        Set<String> semanticTypes,
        String semanticGroupsUri,
        boolean stripNos,
        boolean normalizeWhitespace,
        int maxNameLength,
        boolean lenient) {

    public static final String DEFAULT_GROUP = "DISO";

    public static KbOptions defaults() {
        return new KbOptions(DEFAULT_GROUP, Set.of(), Set.of(), null, Set.of(), Set.of(), null, true, true,
                NameCleaner.DEFAULT_MAX_LENGTH, false);
    }

    public KbOptions withLenient(boolean value) {
        return new KbOptions(defaultGroup, languages, sourceVocabularies, preset, semanticGroups, semanticTypes,
                semanticGroupsUri, stripNos, normalizeWhitespace, maxNameLength, value);
    }

    public KbOptions withSemanticGroupsUri(String uri) {
        return new KbOptions(defaultGroup, languages, sourceVocabularies, preset, semanticGroups, semanticTypes,
                uri, stripNos, normalizeWhitespace, maxNameLength, lenient);
    }

    /** Whether a name in this language (ISO code) is kept. */
    public boolean keepsLanguage(String iso, String lat) {
        return languages.isEmpty() || languages.contains(iso) || (lat != null && languages.contains(lat));
    }
}
