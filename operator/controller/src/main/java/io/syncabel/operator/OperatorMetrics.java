package io.syncabel.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;

/**
 * JOSDK's reconcile events as Micrometer meters on /q/metrics:
 * {@code syncabel_operator_reconcile_seconds{controller,outcome}} and
 * {@code syncabel_operator_reconcile_failures_total{kind}}.
 */
public class OperatorMetrics implements Metrics {
    private final MeterRegistry registry;

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
            T result = execution.execute();
            outcome = execution.successTypeName(result);
            return result;
        } finally {
            sample.stop(registry.timer("syncabel.operator.reconcile", "controller", execution.controllerName(), "outcome", outcome));
        }
    }

    @Override
    public void reconciliationFailed(HasMetadata resource, RetryInfo retryInfo, Exception exception, Map<String, Object> metadata) {
        registry.counter("syncabel.operator.reconcile.failures", "kind", resource.getKind()).increment();
    }
}
