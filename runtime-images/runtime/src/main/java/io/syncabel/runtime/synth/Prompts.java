package io.syncabel.runtime.synth;

import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.llm.ChatRequest;
import java.util.List;
import java.util.Map;

/**
 * The LLM prompts, per language, in the structure of the original (reference section 2.3): a system message with
 * the role, the input fields, the tasks, a few real sentences of the same group as style examples and the output
 * format; a user message with the concept's fields. The wording is the project's own.
 */
public final class Prompts {
    public static final String VERSION = "synth-prompts-v1";
    static final int MAX_DEFINITIONS = 3;
    static final int MAX_SYNONYMS = 30;

    private record Language(String system, String styleHeader, String user, String noDefinition, String marker) {
    }

    private static final Map<String, Language> LANGUAGES = Map.of(
            "en", new Language("""
                    You write training data for a biomedical entity-linking model, in the style of PubMed abstracts.

                    # Input
                    You receive one concept of a terminology: its code, title, semantic group, semantic types, \
                    definitions and known mentions (synonyms).

                    # Tasks
                    1. Choose %1$d mentions of the concept: keep the known mentions that read naturally in professional \
                    biomedical writing and add new, realistic variants (abbreviations, acronyms, full forms, lay or \
                    functional names). Avoid commas, parentheses, ALL CAPS words other than acronyms, underscores and \
                    terms in another language.
                    2. Write one sentence of 15 to 30 words for each mention, using that mention exactly once, \
                    written between square brackets: [mention]. Vary the contexts (study designs, populations, \
                    organisms, outcomes). Each mention is used in exactly one sentence.

                    %2$s
                    %3$s

                    # Output format
                    ## Mentions
                    1. <mention>
                    ...
                    ## Examples
                    example: <sentence with one [mention]>
                    (exactly %1$d lines starting with "example: ", nothing after them)""",
                    "# Style examples (real sentences of the same group)",
                    "- Code: %s\n- Title: %s\n- Semantic group: %s\n- Semantic types: %s\n- Definitions:\n%s\n- Mentions: %s",
                    "No definition found", "example:"),
            "fr", new Language("""
                    Vous écrivez des données d'entraînement pour un modèle de liaison d'entités biomédicales, dans le \
                    style de résumés scientifiques et de notices médicales en français.

                    # Entrée
                    Vous recevez un concept d'une terminologie : son code, son titre, son groupe sémantique, ses types \
                    sémantiques, ses définitions et ses mentions connues (synonymes).

                    # Tâches
                    1. Choisissez %1$d mentions du concept : gardez les mentions connues qui sonnent naturelles dans un \
                    texte médical professionnel et ajoutez des variantes nouvelles et réalistes (abréviations, sigles, \
                    formes complètes, noms usuels). Évitez les virgules, les parenthèses, les mots en majuscules autres \
                    que les sigles, les tirets bas et les termes dans une autre langue.
                    2. Écrivez pour chaque mention une phrase de 15 à 30 mots qui l'utilise une seule fois, entre \
                    crochets : [mention]. Variez les contextes. Chaque mention sert dans une seule phrase.

                    %2$s
                    %3$s

                    # Format de sortie
                    ## Mentions finales
                    1. <mention>
                    ...
                    ## Phrases contextuelles
                    exemple : <phrase avec une [mention]>
                    (exactement %1$d lignes commençant par "exemple : ", rien après)""",
                    "# Exemples de phrases (phrases réelles du même groupe)",
                    "- Code : %s\n- Titre : %s\n- Groupe sémantique : %s\n- Types sémantiques : %s\n- Définitions :\n%s\n- Mentions : %s",
                    "Aucune définition trouvée", "exemple :"),
            "es", new Language("""
                    Escribe datos de entrenamiento para un modelo de enlace de entidades biomédicas, con el estilo de \
                    notas clínicas en español.

                    # Entrada
                    Recibes un concepto de una terminología: su código, título, grupo semántico, tipos semánticos, \
                    definiciones y menciones conocidas (sinónimos).

                    # Tareas
                    1. Elige %1$d menciones del concepto: conserva las menciones conocidas que suenan naturales en un \
                    texto clínico y añade variantes nuevas y realistas (abreviaturas, siglas, formas completas, nombres \
                    coloquiales). Evita punto y coma, paréntesis, palabras en mayúsculas salvo siglas, guiones bajos y \
                    términos en otros idiomas.
                    2. Escribe para cada mención una frase de 10 a 25 palabras que la use una sola vez, entre \
                    corchetes: [mención]. Varía los escenarios clínicos. Cada mención aparece en una sola frase.

                    %2$s
                    %3$s

                    # Formato de salida
                    ## Menciones finales
                    1. <mención>
                    ...
                    ## Ejemplos
                    ejemplo: <frase con una [mención]>
                    (exactamente %1$d líneas que empiezan por "ejemplo: ", nada después)""",
                    "# Ejemplos de estilo de notas clínicas (frases reales del mismo grupo)",
                    "- Código: %s\n- Título: %s\n- Grupo semántico: %s\n- Tipos semánticos: %s\n- Definiciones:\n%s\n- Menciones: %s",
                    "No se encontró ninguna definición", "ejemplo:"));

    private Prompts() {
    }

    public static boolean supports(String language) {
        return LANGUAGES.containsKey(language);
    }

    /** The answer-line marker of the language: "example:", "exemple :", "ejemplo:". */
    public static String marker(String language) {
        return lang(language).marker();
    }

    public static ChatRequest request(String language, Unit unit, Concept concept, List<String> names,
            List<StyleCorpus.Context> style, int examples) {
        Language l = lang(language);
        StringBuilder styleLines = new StringBuilder();
        for (StyleCorpus.Context c : style) {
            styleLines.append("- ").append(c.bracketed().strip()).append('\n');
        }
        String system = String.format(l.system(), examples, style.isEmpty() ? "" : l.styleHeader(),
                styleLines.toString().stripTrailing()).replaceAll("\n{3,}", "\n\n");
        StringBuilder definitions = new StringBuilder();
        List<String> defs = concept.definitions();
        if (defs.isEmpty()) {
            definitions.append(l.noDefinition());
        }
        for (int i = 0; i < Math.min(defs.size(), MAX_DEFINITIONS); i++) {
            definitions.append(i == 0 ? "" : "\n").append("  ").append(i + 1).append(". ").append(defs.get(i).strip());
        }
        StringBuilder mentions = new StringBuilder();
        for (int i = 0; i < Math.min(names.size(), MAX_SYNONYMS); i++) {
            mentions.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append('\'');
        }
        String title = concept.title() != null ? concept.title() : names.isEmpty() ? concept.code() : names.get(0);
        String types = concept.types().isEmpty() ? "-" : String.join(", ", concept.types());
        String user = String.format(l.user(), concept.code(), title, unit.group(), types, definitions, mentions);
        return ChatRequest.of(system, user, false);
    }

    private static Language lang(String language) {
        Language l = LANGUAGES.get(language);
        if (l == null) {
            throw new io.syncabel.runtime.text.UserError("language " + language + ": expected en, fr or es");
        }
        return l;
    }
}
