package io.syncabel.runtime.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.llm.ChatRequest;
import io.syncabel.runtime.llm.InvalidAnswer;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmException;
import io.syncabel.runtime.llm.RequestPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * LLM-as-a-judge for the top prediction of each mention, as the original: exact code set = STRICT and an
 * empty prediction = NO_RELATION without a call, predicted codes a part of a composite gold = PARTIAL,
 * anything else is labelled EXACT / BROAD / NARROW / NO_RELATION by the model with a short reason. Unlike
 * the original, an answer that never validates is not silently NO_RELATION: the mention is recorded as
 * failed with the reason, so the rates say how much was actually judged.
 */
public final class Judge {
    static final int MAX_REASON = 300;

    static final String SYSTEM = """
            You are a clinical terminology expert. You judge whether a PREDICTED concept is an acceptable \
            normalisation of a mention in a clinical or biomedical text, compared with the GOLD concept(s) chosen by \
            a human annotator. Answer with one JSON object and nothing else.""";

    static final String LABELS = """
            # LABELS
            EXACT: the predicted concept says what the mention means in this context; clinically it is as good as \
            the gold concept even when the code differs (both may be imperfect).
            BROAD: the predicted concept is right in essence but more general than the mention: it leaves out a \
            subtype, location, severity or cause that the text states.
            NARROW: the predicted concept is related but more specific than the text justifies.
            NO_RELATION: there is no reasonable clinical relationship between the predicted concept and what the \
            mention means.
            """;

    /** KB synonyms shown per concept, at most. */
    static final int MAX_SYNONYMS = 12;

    private final LlmClient client;
    private final Function<String, List<String>> synonyms;

    public Judge(LlmClient client) {
        this(client, code -> List.of());
    }

    /** @param synonyms a concept's KB names by code (empty when unknown), shown to the judge for gold and prediction */
    public Judge(LlmClient client, Function<String, List<String>> synonyms) {
        this.client = client;
        this.synonyms = synonyms;
    }

    /** The label a rule decides, if any: STRICT, NO_RELATION (nothing predicted) or PARTIAL. */
    static Optional<Judgement> byRule(Mention m) {
        CodeSet predicted = m.top1();
        if (m.hitAt(1)) {
            return Optional.of(Judgement.rule(m, JudgeLabel.STRICT, "same code set as gold"));
        }
        if (predicted.isEmpty()) {
            return Optional.of(Judgement.rule(m, JudgeLabel.NO_RELATION, "no prediction"));
        }
        if (predicted.isProperPartOf(m.gold())) {
            return Optional.of(Judgement.rule(m, JudgeLabel.PARTIAL, "predicted codes are part of the composite gold"));
        }
        return Optional.empty();
    }

    /** Called with the number of mentions judged so far (in order), after each one. */
    @FunctionalInterface
    public interface Progress {
        void done(int judged) throws InterruptedException;
    }

    public List<Judgement> judge(List<Mention> mentions) throws InterruptedException {
        return judge(mentions, n -> { });
    }

    /** Judges every mention, in order; each ends with exactly one judgement (a label, or failed with a reason). */
    public List<Judgement> judge(List<Mention> mentions, Progress progress) throws InterruptedException {
        try (RequestPool pool = RequestPool.of(client.config().concurrency(), "judge")) {
            List<Future<Judgement>> futures = new ArrayList<>(mentions.size());
            for (Mention m : mentions) {
                Optional<Judgement> rule = byRule(m);
                futures.add(rule.isPresent() ? java.util.concurrent.CompletableFuture.completedFuture(rule.get())
                        : pool.submit(() -> ask(m)));
            }
            List<Judgement> out = new ArrayList<>(mentions.size());
            for (Future<Judgement> f : futures) {
                try {
                    out.add(f.get());
                    progress.done(out.size());
                } catch (ExecutionException e) {
                    // only bugs get here (LLM faults end as failed judgements): keep their stack trace
                    throw new IllegalStateException("judge failed", e.getCause());
                }
            }
            return out;
        }
    }

    private Judgement ask(Mention m) throws InterruptedException {
        try {
            LlmClient.Answer<Verdict> a = client.complete(prompt(m, synonyms), Judge::parse);
            return new Judgement(m.id(), a.value().label(), a.value().reason(), "llm", a.attempts(), null);
        } catch (LlmException e) {
            return new Judgement(m.id(), null, null, "llm", e.attempts(), e.reason());
        }
    }

    record Verdict(JudgeLabel label, String reason) {
    }

    static ChatRequest prompt(Mention m) {
        return prompt(m, code -> List.of());
    }

    static ChatRequest prompt(Mention m, Function<String, List<String>> synonyms) {
        Candidate top = m.candidates().get(0);
        StringBuilder u = new StringBuilder(LABELS);
        u.append("\n# CONTEXT\n").append(m.context() == null ? "(not available)" : m.context().strip()).append('\n');
        u.append("\n# MENTION\n\"").append(m.text()).append('"');
        if (!m.group().isEmpty()) {
            u.append(" (semantic group: ").append(m.group()).append(')');
        }
        u.append("\n\n# GOLD CONCEPT").append(m.gold().codes().size() > 1 ? "S" : "").append('\n');
        u.append("codes: ").append(String.join(" + ", m.gold().codes())).append('\n');
        u.append("name: ").append(name(m.goldName())).append('\n');
        appendSynonyms(u, m.gold().codes(), m.goldName(), synonyms);
        u.append("\n# PREDICTED CONCEPT").append(top.codes().codes().size() > 1 ? "S" : "").append('\n');
        u.append("codes: ").append(String.join(" + ", top.codes().codes())).append('\n');
        u.append("name: ").append(name(top.name())).append('\n');
        appendSynonyms(u, top.codes().codes(), top.name(), synonyms);
        u.append("""

                Answer with exactly {"label": "<EXACT|BROAD|NARROW|NO_RELATION>", "reason": "<one short sentence>"}.""");
        return ChatRequest.of(SYSTEM, u.toString(), true);
    }

    /** "synonyms: a; b; c" per code (the KB's names other than the one shown), when the KB is known. */
    private static void appendSynonyms(StringBuilder u, List<String> codes, String shown, Function<String, List<String>> synonyms) {
        for (String code : codes) {
            List<String> names = synonyms.apply(code).stream()
                    .filter(n -> shown == null || !n.equalsIgnoreCase(shown.strip()))
                    .distinct().limit(MAX_SYNONYMS).toList();
            if (!names.isEmpty()) {
                u.append(codes.size() > 1 ? "synonyms of " + code + ": " : "synonyms: ").append(String.join("; ", names)).append('\n');
            }
        }
    }

    private static String name(String n) {
        // the original's released files join the names of a composite with <SEP>
        return n == null || n.isBlank() ? "(name not available)" : n.replace("<SEP>", " + ").strip();
    }

    /** Validates an answer: one JSON object (code fences tolerated) with a label among the four; reason optional. */
    static Verdict parse(String content) throws InvalidAnswer {
        String text = content.strip();
        int open = text.indexOf('{');
        int close = text.lastIndexOf('}');
        if (open < 0 || close < open) {
            throw new InvalidAnswer("no JSON object");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text.substring(open, close + 1));
        } catch (JsonProcessingException e) {
            throw new InvalidAnswer("malformed JSON");
        }
        JsonNode label = node.get("label");
        if (label == null || !label.isTextual()) {
            throw new InvalidAnswer("no label");
        }
        Optional<JudgeLabel> parsed = JudgeLabel.parse(label.asText()).filter(JudgeLabel::isLlmLabel);
        if (parsed.isEmpty()) {
            throw new InvalidAnswer("label is not one of EXACT, BROAD, NARROW, NO_RELATION");
        }
        JsonNode reason = node.get("reason");
        String r = reason != null && reason.isTextual() ? reason.asText().strip() : null;
        if (r != null && r.length() > MAX_REASON) {
            r = r.substring(0, MAX_REASON) + "…";
        }
        return new Verdict(parsed.get(), r == null || r.isEmpty() ? null : r);
    }
}
