package io.syncabel.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * /q/health/ready: the operator started and every informer is watching (JOSDK's own health view);
 * a standby replica under leader election is ready too.
 */
@Readiness
@ApplicationScoped
public class OperatorHealth implements HealthCheck {
    @Inject
    OperatorLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("syncabel-operator");
        if (lifecycle.standby()) {
            // not leading: nothing runs here, and a NotReady standby would block rollouts of the operator
            return builder.up().withData("role", "standby").build();
        }
        return lifecycle.operator().map(op -> {
            var info = op.getRuntimeInfo();
            boolean up = info.isStarted() && info.allEventSourcesAreHealthy();
            builder.status(up).withData("controllers", info.getRegisteredControllers().size());
            if (!up) {
                builder.withData("unhealthy", info.unhealthyEventSources().toString());
            }
            return builder.build();
        }).orElseGet(() -> builder.down().withData("reason", "operator not started").build());
    }
}
