package io.syncabel.runtime.synth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One synthetic example, one line of a shard's records.jsonl.
 *
 * @param code          the concept's KB code
 * @param group         the semantic group the example was written for
 * @param mention       the mention as written in the sentence
 * @param sentence      the sentence with this mention marked as the rest of the project marks it, {@code [mention]{Group}}
 * @param generator     template or llm
 * @param model         the LLM's model name (null for the template generator)
 * @param promptVersion version of the prompts or templates that wrote it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"code", "group", "mention", "sentence", "generator", "model", "promptVersion"})
public record SynthRecord(String code, String group, String mention, String sentence, String generator, String model,
        String promptVersion) {
}
