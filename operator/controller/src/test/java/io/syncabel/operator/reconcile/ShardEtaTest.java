package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.syncabel.api.v1alpha1.SyntheticDatasetStatus;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.runs.RunState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardEtaTest {
    static RunState running(int done) {
        return new RunState(RunState.Phase.RUNNING, "Running", "", "2026-11-27T10:00:00Z", null,
                JsonNodeFactory.instance.objectNode(), done, 8);
    }

    static SyntheticDatasetReconciler at(String now) {
        return new SyntheticDatasetReconciler(OperatorSettings.defaults(), Clock.fixed(Instant.parse(now), ZoneOffset.UTC), uri -> Optional.empty());
    }

    @Test
    void theEtaExtrapolatesFinishedShardsAndMovesOnlyWhenOneFinishes() {
        SyntheticDatasetStatus status = new SyntheticDatasetStatus();
        at("2026-11-27T10:20:00Z").progress(status, running(2), Optional.empty());
        assertThat(status.getShardsDone()).isEqualTo("2/8");
        assertThat(status.getProgress()).isEqualTo("2/8 shards");
        assertThat(status.getEstimatedCompletionTime()).isEqualTo("2026-11-27T11:20:00Z");

        at("2026-11-27T10:25:00Z").progress(status, running(2), Optional.empty());
        assertThat(status.getEstimatedCompletionTime()).as("no shard finished: unchanged").isEqualTo("2026-11-27T11:20:00Z");

        at("2026-11-27T10:30:00Z").progress(status, running(4), Optional.empty());
        assertThat(status.getEstimatedCompletionTime()).isEqualTo("2026-11-27T11:00:00Z");

        at("2026-11-27T10:40:00Z").progress(status, new RunState(RunState.Phase.SUCCEEDED, "Succeeded", "", "2026-11-27T10:00:00Z",
                "2026-11-27T10:40:00Z", JsonNodeFactory.instance.objectNode(), 8, 8), Optional.empty());
        assertThat(status.getEstimatedCompletionTime()).isNull();
        assertThat(status.getProgress()).isNull();
        assertThat(status.getShardsDone()).isEqualTo("8/8");
    }
}
