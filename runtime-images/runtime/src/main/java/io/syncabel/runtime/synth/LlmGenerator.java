package io.syncabel.runtime.synth;

import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.llm.ChatRequest;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Examples written by an OpenAI-compatible chat endpoint through {@link LlmClient}, which bounds concurrency and
 * retries timeouts, 429 (honouring Retry-After), 5xx, dropped connections and answers {@link AnswerParser} rejects.
 * A unit whose retries are spent fails with the client's short reason. The prompt of a unit depends on the unit and
 * the seed only (style examples are drawn from a source seeded per unit), so a rerun asks the same questions.
 */
public final class LlmGenerator implements Generator {
    public static final String NAME = "llm";
    static final int STYLE_EXAMPLES = 5;

    private final LlmClient client;
    private final StyleCorpus style;
    private final String language;
    private final int perConcept;
    private final long seed;

    public LlmGenerator(LlmClient client, StyleCorpus style, String language, int perConcept, long seed) {
        if (!Prompts.supports(language)) {
            throw new io.syncabel.runtime.text.UserError("language " + language + ": expected en, fr or es");
        }
        this.client = client;
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
        return client.config().model();
    }

    @Override
    public String promptVersion() {
        return Prompts.VERSION;
    }

    @Override
    public int parallelism() {
        return client.config().concurrency();
    }

    @Override
    public Map<String, Long> usage() {
        return client.usage().asMap();
    }

    public ChatRequest request(Unit unit, Concept concept) {
        List<String> names = ConceptNames.of(concept, language);
        Random random = new Random(TemplateGenerator.unitSeed(seed, unit));
        return Prompts.request(language, unit, concept, names, style.sample(unit.group(), STYLE_EXAMPLES, random), perConcept);
    }

    @Override
    public Outcome generate(Unit unit, Concept concept) throws InterruptedException {
        AnswerParser parser = new AnswerParser(language, perConcept);
        try {
            LlmClient.Answer<List<AnswerParser.Parsed>> answer = client.complete(request(unit, concept), parser::parse);
            List<SynthRecord> records = new ArrayList<>();
            for (AnswerParser.Parsed p : answer.value()) {
                records.add(new SynthRecord(unit.code(), unit.group(), p.mention(), p.marked(unit.group()), NAME, model(),
                        Prompts.VERSION));
            }
            return new Outcome.Generated(records, answer.attempts());
        } catch (LlmException e) {
            return new Outcome.Failed(e.reason(), e.attempts(), isTransport(e.reason()));
        }
    }

    /** Reasons that say the endpoint is unreachable or overloaded rather than that this concept's answers were bad. */
    static boolean isTransport(String reason) {
        return reason.startsWith("timeout") || reason.startsWith("connection failed") || reason.startsWith("http 5")
                || reason.startsWith("rate limited") || reason.startsWith("http 408") || reason.startsWith("malformed response")
                || reason.startsWith("http 401") || reason.startsWith("http 403") || reason.startsWith("http 404");
    }
}
