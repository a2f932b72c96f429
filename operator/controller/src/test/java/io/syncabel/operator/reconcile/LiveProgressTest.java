package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.syncabel.api.v1alpha1.KnowledgeBaseStatus;
import io.syncabel.api.v1alpha1.TrainingRunStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.runs.Progress;
import io.syncabel.operator.runs.RunState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** progress.json into status: the text, the figures it carries, and an ETA from the pace since the Job started. */
class LiveProgressTest {
    static final String START = "2026-11-27T10:00:00Z";

    static RunState state(RunState.Phase phase) {
        return new RunState(phase, "", "", START, null, JsonNodeFactory.instance.objectNode(), 0, 1);
    }

    static Optional<Progress> progress(String json) {
        return Progress.parse(json);
    }

    static Clock at(String now) {
        return Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
    }

    @Test
    void theProgressFileIsParsedLeniently() {
        assertThat(progress("{\"done\":25,\"total\":100,\"message\":\"epoch 1/4\",\"updatedAt\":\"2026-11-27T10:10:00Z\"}"))
                .hasValueSatisfying(p -> {
                    assertThat(p.describe()).isEqualTo("25/100 (25%): epoch 1/4");
                    assertThat(p.updatedAt()).isEqualTo(Instant.parse("2026-11-27T10:10:00Z"));
                });
        assertThat(progress("{\"done\":120000,\"total\":null,\"message\":\"reading MRCONSO\"}").orElseThrow().describe())
                .isEqualTo("120000 done: reading MRCONSO");
        assertThat(progress("{\"done\":3,\"total\":3}").orElseThrow().describe()).isEqualTo("3/3 (100%)");
        assertThat(progress("not json")).isEmpty();
        assertThat(progress("[1,2]")).isEmpty();
        assertThat(progress("{\"total\":3}")).as("no done").isEmpty();
    }

    @Test
    void theEtaAppliesThePaceSoFarToWhatIsLeft() {
        Progress p = progress("{\"done\":25,\"total\":100,\"updatedAt\":\"2026-11-27T10:10:00Z\"}").orElseThrow();
        assertThat(p.eta(Instant.parse(START), Instant.parse("2026-11-27T10:11:00Z"))).contains(Instant.parse("2026-11-27T10:40:00Z"));
        Progress noTime = progress("{\"done\":50,\"total\":100}").orElseThrow();
        assertThat(noTime.eta(Instant.parse(START), Instant.parse("2026-11-27T10:20:00Z"))).contains(Instant.parse("2026-11-27T10:40:00Z"));
        assertThat(progress("{\"done\":0,\"total\":100}").orElseThrow().eta(Instant.parse(START), Instant.parse(START))).isEmpty();
        assertThat(progress("{\"done\":5}").orElseThrow().eta(Instant.parse(START), Instant.parse("2026-11-27T10:20:00Z"))).isEmpty();
    }

    @Test
    void aRunningTrainingRunShowsProgressFiguresAndEta() {
        TrainingRunReconciler reconciler = new TrainingRunReconciler(OperatorSettings.defaults(), at("2026-11-27T10:11:00Z"),
                uri -> Optional.empty());
        TrainingRunStatus status = reconciler.progress(new TrainingRunStatus(), state(RunState.Phase.RUNNING),
                progress("{\"done\":300,\"total\":1200,\"epoch\":3,\"loss\":2.5,\"message\":\"epoch 3/12\",\"updatedAt\":\"2026-11-27T10:10:00Z\"}"));
        assertThat(status.getProgress()).isEqualTo("300/1200 (25%): epoch 3/12");
        assertThat(status.getEstimatedCompletionTime()).isEqualTo("2026-11-27T10:40:00Z");
        assertThat(status.getEpoch()).isEqualTo(3);
        assertThat(status.getLoss()).isEqualTo(2.5);

        TrainingRunStatus unread = reconciler.progress(status, state(RunState.Phase.RUNNING), Optional.empty());
        assertThat(unread.getProgress()).as("a failed read keeps what was shown").isEqualTo("300/1200 (25%): epoch 3/12");

        TrainingRunStatus done = reconciler.progress(status, state(RunState.Phase.SUCCEEDED), Optional.empty());
        assertThat(done.getProgress()).isNull();
        assertThat(done.getEstimatedCompletionTime()).isNull();
    }

    @Test
    void theEtaMovesOnlyWhenTheRuntimeReportsSomethingNew() {
        Optional<Progress> report = progress("{\"done\":10,\"total\":null,\"message\":\"reading\"}");
        KnowledgeBaseStatus first = new KnowledgeBaseReconciler(OperatorSettings.defaults(), at("2026-11-27T10:05:00Z"), uri -> Optional.empty())
                .progress(new KnowledgeBaseStatus(), state(RunState.Phase.RUNNING), report);
        assertThat(first.getProgress()).isEqualTo("10 done: reading");
        assertThat(first.getEstimatedCompletionTime()).as("no total, no ETA").isNull();

        Optional<Progress> counted = progress("{\"done\":1,\"total\":4}");
        KnowledgeBaseStatus withEta = new KnowledgeBaseReconciler(OperatorSettings.defaults(), at("2026-11-27T10:05:00Z"), uri -> Optional.empty())
                .progress(new KnowledgeBaseStatus(), state(RunState.Phase.RUNNING), counted);
        assertThat(withEta.getEstimatedCompletionTime()).isEqualTo("2026-11-27T10:20:00Z");
        KnowledgeBaseStatus later = new KnowledgeBaseReconciler(OperatorSettings.defaults(), at("2026-11-27T10:09:00Z"), uri -> Optional.empty())
                .progress(withEta, state(RunState.Phase.RUNNING), counted);
        assertThat(later.getEstimatedCompletionTime()).as("same report, same ETA: no status write").isEqualTo("2026-11-27T10:20:00Z");
    }
}
