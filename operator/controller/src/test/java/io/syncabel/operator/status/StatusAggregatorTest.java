package io.syncabel.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.syncabel.api.v1alpha1.KnowledgeBaseStatus;
import io.syncabel.api.v1alpha1.common.Conditions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
    static final Clock T1 = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    static final Clock T2 = Clock.fixed(Instant.parse("2026-11-27T11:00:00Z"), ZoneOffset.UTC);

    static KnowledgeBaseStatus running() {
        return new StatusAggregator<>(null, KnowledgeBaseStatus::new, T1).ready(false, "Running", "Job x is running", 1)
                .changed().orElseThrow();
    }

    @Test
    void firstReconcileWritesReadyAndObservedGeneration() {
        KnowledgeBaseStatus status = running();
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        var ready = StatusAggregator.condition(status, Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("Running");
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(ready.getObservedGeneration()).isEqualTo(1L);
    }

    @Test
    void nothingChangedMeansNoWrite() {
        KnowledgeBaseStatus status = running();
        var again = new StatusAggregator<>(status, KnowledgeBaseStatus::new, T2).ready(false, "Running", "Job x is running", 1);
        assertThat(again.changed()).isEmpty();
    }

    @Test
    void lastTransitionTimeMovesOnlyWhenTheStatusDoes() {
        KnowledgeBaseStatus status = running();
        KnowledgeBaseStatus sameStatusNewReason = new StatusAggregator<>(status, KnowledgeBaseStatus::new, T2)
                .ready(false, "OOMKilled", "pod y was OOMKilled", 1).changed().orElseThrow();
        assertThat(StatusAggregator.condition(sameStatusNewReason, Conditions.READY).orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-11-27T10:00:00Z");

        KnowledgeBaseStatus succeeded = new StatusAggregator<>(status, KnowledgeBaseStatus::new, T2)
                .ready(true, "Succeeded", "done", 1).changed().orElseThrow();
        assertThat(StatusAggregator.condition(succeeded, Conditions.READY).orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-11-27T11:00:00Z");
        assertThat(status.getConditions().get(0).getStatus()).as("the input is not modified").isEqualTo("False");
    }

    @Test
    void pausedShowsAConditionAndKeepsObservedGeneration() {
        KnowledgeBaseStatus status = running();
        KnowledgeBaseStatus paused = new StatusAggregator<>(status, KnowledgeBaseStatus::new, T2).paused(2).changed().orElseThrow();
        assertThat(paused.getObservedGeneration()).isEqualTo(1L);
        assertThat(StatusAggregator.condition(paused, Conditions.PAUSED).orElseThrow().getStatus()).isEqualTo("True");
        assertThat(new StatusAggregator<>(paused, KnowledgeBaseStatus::new, T2).paused(2).changed()).isEmpty();

        KnowledgeBaseStatus resumed = new StatusAggregator<>(paused, KnowledgeBaseStatus::new, T2)
                .ready(false, "Running", "Job x is running", 2).changed().orElseThrow();
        assertThat(StatusAggregator.condition(resumed, Conditions.PAUSED)).isEmpty();
    }

    @Test
    void headlinesCopyKnownFieldsAndSkipTheRest() {
        var summary = JsonNodeFactory.instance.objectNode();
        summary.put("concepts", 413).put("names", 2100).put("kbVersion", "2012-07-06").put("unknown", 1)
                .put("skippedLines", "not a number").put("outputUri", "s3://elsewhere/");
        summary.putObject("conceptsPerGroup").put("DISO", 413);
        KnowledgeBaseStatus status = running();
        status.setOutputUri("s3://syncabel/ns/knowledgebases/kb/1/");
        KnowledgeBaseStatus copied = Headlines.copy(summary, status);
        assertThat(copied.getConcepts()).isEqualTo(413L);
        assertThat(copied.getNames()).isEqualTo(2100L);
        assertThat(copied.getKbVersion()).isEqualTo("2012-07-06");
        assertThat(copied.getConceptsPerGroup()).containsEntry("DISO", 413L);
        assertThat(copied.getSkippedLines()).isNull();
        assertThat(copied.getOutputUri()).isEqualTo("s3://syncabel/ns/knowledgebases/kb/1/");
        assertThat(copied.getConditions()).isEqualTo(status.getConditions());
    }
}
