package io.syncabel.runtime.kb;

/**
 * What a terminology reader emits, record by record, so no reader holds a whole file. Codes are
 * canonical ({@link Codes}); names are raw (the builder cleans them).
 */
public interface KbSink {
    /** Title candidates outrank each other by rank (0 best); see {@link KbBuilder} for the UMLS cascade. */
    int NOT_A_TITLE = -1;

    void name(String code, String name, String language, int titleRank);

    void group(String code, String group);

    void type(String code, String type);

    void definition(String code, String definition);

    /** Another identifier of the concept (MEDIC alt ids, CTD AltDiseaseIDs, OBO alt_id): gold ids resolve through it. */
    void altId(String code, String altId);
}
