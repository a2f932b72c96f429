package io.syncabel.runtime.serve;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.syncabel.runtime.link.Linker;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The answer of {@code POST /v1/link} (and, per input, of an OIP v2 infer output element). Each
 * candidate carries our names ({@code codes, name, score, rank}) and the field names of the
 * original's {@code model.sample()} so its users find what they know.
 */
@JsonPropertyOrder({"model", "modelVersion", "kbVersion", "options", "results"})
record LinkResponse(String model, String modelVersion, String kbVersion, Linker.Options options,
                    List<InputResult> results) {

    /** What the original writes as the code of a name that maps to no KB concept. */
    static final String NO_CODE = "NO_CODE";

    @JsonPropertyOrder({"text", "mentions"})
    record InputResult(String text, List<MentionResult> mentions) {
    }

    @JsonPropertyOrder({"mention", "start", "end", "group", "candidates"})
    record MentionResult(String mention, int start, int end, String group, List<CandidateResult> candidates) {
    }

    @JsonPropertyOrder({"codes", "name", "score", "rank", "mention", "semantic_group", "pred_concept_name",
            "pred_concept_code", "beam_score"})
    record CandidateResult(
            List<String> codes,
            String name,
            Double score,
            int rank,
            String mention,
            @JsonProperty("semantic_group") String semanticGroup,
            @JsonProperty("pred_concept_name") String predConceptName,
            @JsonProperty("pred_concept_code") String predConceptCode,
            @JsonProperty("beam_score") Double beamScore) {
    }

    /** Pairs the linker's results (one per query, in {@link LinkRequest#queries()} order) with the inputs. */
    static LinkResponse of(Linker.Info info, LinkRequest request, List<Linker.Result> results) {
        if (results.size() != request.mentionCount()) {
            throw new IllegalStateException("the linker returned " + results.size() + " results for "
                    + request.mentionCount() + " mentions");
        }
        Iterator<Linker.Result> next = results.iterator();
        List<InputResult> out = new ArrayList<>(request.inputs().size());
        for (LinkRequest.Input input : request.inputs()) {
            List<MentionResult> mentions = new ArrayList<>(input.mentions().size());
            for (LinkRequest.Mention m : input.mentions()) {
                mentions.add(mention(input.text(), m, next.next(), request.options().topK()));
            }
            out.add(new InputResult(input.text(), mentions));
        }
        return new LinkResponse(info.model(), info.modelVersion(), info.kbVersion(), request.options(), out);
    }


    private static MentionResult mention(String text, LinkRequest.Mention m, Linker.Result result, int topK) {
        String mention = text.substring(m.start(), m.end());
        List<CandidateResult> candidates = new ArrayList<>();
        // A linker may return more than asked (all beams); the client asked for topK.
        for (Linker.Candidate c : result.candidates().subList(0, Math.min(topK, result.candidates().size()))) {
            Double score = Double.isFinite(c.score()) ? c.score() : null;
            String code = c.codes().isEmpty() ? NO_CODE : String.join("+", c.codes());
            candidates.add(new CandidateResult(c.codes(), c.name(), score, c.rank(), mention, m.group(), c.name(),
                    code, score));
        }
        return new MentionResult(mention, m.start(), m.end(), m.group(), candidates);
    }
}
