package io.syncabel.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class OperatorHealthTest {

    static OperatorHealth health(boolean leaderElection) {
        OperatorLifecycle lifecycle = new OperatorLifecycle();
        lifecycle.leaderElection = leaderElection;
        OperatorHealth health = new OperatorHealth();
        health.lifecycle = lifecycle;
        return health;
    }

    @Test
    void aStandbyReplicaIsReadyAndAnUnstartedOperatorIsNot() {
        HealthCheckResponse standby = health(true).call();
        assertThat(standby.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(standby.getData().orElseThrow()).containsEntry("role", "standby");

        HealthCheckResponse notStarted = health(false).call();
        assertThat(notStarted.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
