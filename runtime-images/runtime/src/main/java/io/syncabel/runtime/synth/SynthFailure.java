package io.syncabel.runtime.synth;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A concept that got no examples, one line of a shard's failures.jsonl: why, after how many attempts. */
@JsonPropertyOrder({"code", "group", "reason", "attempts"})
public record SynthFailure(String code, String group, String reason, int attempts) {
}
