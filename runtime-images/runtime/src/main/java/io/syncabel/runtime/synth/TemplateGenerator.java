package io.syncabel.runtime.synth;

import io.syncabel.runtime.kb.Concept;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The offline generator (no LLM), in the spirit of GenBioEL's KB-guided examples: the concept's synonyms substituted
 * for the mention of real sentences of the same group from the style corpus (two examples in three), and placed in
 * short templates of the language (the third, or all of them when the group has no real sentence). Every random
 * choice comes from a source seeded by the seed and the unit alone, so the output of a unit does not depend on
 * sharding, batching or order.
 */
public final class TemplateGenerator implements Generator {
    public static final String NAME = "template";
    public static final String VERSION = "templates-v1";
    static final String SLOT = "{M}";

    /** Templates per language: for disorders, and neutral ones for any other group. */
    static final Map<String, List<String>> DISORDER_TEMPLATES = Map.of(
            "en", List.of(
                    "Patients with {M} were enrolled in a prospective cohort study.",
                    "The clinical features of {M} vary widely between affected families.",
                    "We describe a case of {M} in a young adult.",
                    "Genetic testing confirmed the diagnosis of {M}.",
                    "The incidence of {M} has increased over the last decade.",
                    "Mutations in this gene have been reported in {M}.",
                    "Treatment options for {M} remain limited.",
                    "A family history of {M} was recorded at the first visit."),
            "fr", List.of(
                    "Les patients atteints de {M} ont été inclus dans une étude prospective.",
                    "Le diagnostic de {M} a été confirmé par l'examen clinique.",
                    "Nous rapportons un cas de {M} chez un adulte jeune.",
                    "La prise en charge de {M} reste difficile.",
                    "L'incidence de {M} a augmenté au cours de la dernière décennie.",
                    "Des antécédents familiaux de {M} ont été notés lors de la première consultation."),
            "es", List.of(
                    "Paciente con antecedentes de {M} que acude a consulta.",
                    "Se confirmó el diagnóstico de {M} mediante pruebas complementarias.",
                    "Presentamos un caso de {M} en un adulto joven.",
                    "El tratamiento de {M} sigue siendo limitado.",
                    "Se registraron antecedentes familiares de {M} en la primera visita.",
                    "La incidencia de {M} ha aumentado en la última década."));
    static final Map<String, List<String>> NEUTRAL_TEMPLATES = Map.of(
            "en", List.of(
                    "The role of {M} was examined in this study.",
                    "Results concerning {M} are discussed below.",
                    "Little is known about {M} in this population.",
                    "We report new findings on {M}."),
            "fr", List.of(
                    "Le rôle de {M} a été étudié dans ce travail.",
                    "Les résultats concernant {M} sont discutés ci-dessous.",
                    "Peu de données existent sur {M} dans cette population."),
            "es", List.of(
                    "Se estudió el papel de {M} en este trabajo.",
                    "Los resultados relativos a {M} se comentan a continuación.",
                    "Hay pocos datos sobre {M} en esta población."));

    private final StyleCorpus style;
    private final String language;
    private final int perConcept;
    private final long seed;

    public TemplateGenerator(StyleCorpus style, String language, int perConcept, long seed) {
        if (!DISORDER_TEMPLATES.containsKey(language)) {
            throw new io.syncabel.runtime.text.UserError("language " + language + ": expected en, fr or es");
        }
        this.style = style;
        this.language = language;
        this.perConcept = perConcept;
        this.seed = seed;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String model() {
        return null;
    }

    @Override
    public String promptVersion() {
        return VERSION;
    }

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public Outcome generate(Unit unit, Concept concept) {
        List<String> names = ConceptNames.of(concept, language);
        if (names.isEmpty()) {
            return new Outcome.Failed("concept has no name", 1, false);
        }
        Random random = new Random(unitSeed(seed, unit));
        Collections.shuffle(names, random);
        List<StyleCorpus.Context> contexts = style.contexts(unit.group());
        List<String> templates = isDisorder(unit.group()) ? DISORDER_TEMPLATES.get(language) : NEUTRAL_TEMPLATES.get(language);
        List<SynthRecord> records = new ArrayList<>(perConcept);
        Set<String> sentences = new HashSet<>();
        for (int j = 0; j < perConcept; j++) {
            String name = names.get(j % names.size());
            String sentence = null;
            String mention = name;
            for (int tries = 0; tries < 4 && (sentence == null || sentences.contains(sentence)); tries++) {
                boolean fromContext = !contexts.isEmpty() && (j + tries) % 3 != 2;
                if (fromContext) {
                    StyleCorpus.Context c = contexts.get(random.nextInt(contexts.size()));
                    mention = fitCase(name, c.left().isBlank());
                    sentence = c.marked(mention, unit.group());
                } else {
                    String t = templates.get(random.nextInt(templates.size()));
                    mention = fitCase(name, t.startsWith(SLOT));
                    sentence = t.replace(SLOT, "[" + mention + "]{" + unit.group() + "}");
                }
            }
            if (sentences.add(sentence)) {
                records.add(new SynthRecord(unit.code(), unit.group(), mention, sentence, NAME, null, VERSION));
            }
        }
        return new Outcome.Generated(records, 1);
    }

    /**
     * KB names are often title-cased ("Visual amnesia", "Breast Neoplasms"); in running text a capitalised first word
     * that is not an acronym is lowercased, and a mention that opens the sentence gets a capital.
     */
    static String fitCase(String name, boolean sentenceStart) {
        if (name.isEmpty()) {
            return name;
        }
        if (sentenceStart) {
            return Character.toUpperCase(name.charAt(0)) + name.substring(1);
        }
        if (name.length() > 1 && Character.isUpperCase(name.charAt(0)) && Character.isLowerCase(name.charAt(1))) {
            return Character.toLowerCase(name.charAt(0)) + name.substring(1);
        }
        return name;
    }

    static boolean isDisorder(String group) {
        return group.equals("DISO") || group.equalsIgnoreCase("Disorders") || group.contains("Disease")
                || group.equals("ENFE") || group.equals("Disease");
    }

    /** A seed from the run's seed and the unit only (String.hashCode is specified, so stable across JVMs). */
    static long unitSeed(long seed, Unit unit) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= unit.code().hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= (long) unit.group().hashCode() << 32;
        return h;
    }
}
