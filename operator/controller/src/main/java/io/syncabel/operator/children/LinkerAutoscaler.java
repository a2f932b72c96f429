package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import java.util.Optional;

/** LinkerDeployment with autoscaling → a HorizontalPodAutoscaler on CPU utilisation. */
public final class LinkerAutoscaler {
    public static final int DEFAULT_CPU_PERCENT = 70;

    private LinkerAutoscaler() {
    }

    public static HorizontalPodAutoscaler desired(LinkerDeployment ld) {
        LinkerDeploymentSpec.Autoscaling a = ld.getSpec().getAutoscaling();
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                    .withName(LinkerServerDeployment.name(ld))
                    .withNamespace(ld.getMetadata().getNamespace())
                    .withLabels(Labels.of(ld, Labels.ROLE_RUN))
                    .withOwnerReferences(RuntimePod.ownerReference(ld))
                .endMetadata()
                .withNewSpec()
                    .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(LinkerServerDeployment.name(ld)).endScaleTargetRef()
                    .withMinReplicas(Optional.ofNullable(a.getMinReplicas()).orElse(1))
                    .withMaxReplicas(a.getMaxReplicas())
                    .addNewMetric().withType("Resource")
                        .withNewResource().withName("cpu")
                            .withNewTarget().withType("Utilization")
                                .withAverageUtilization(Optional.ofNullable(a.getTargetCpuUtilizationPercentage()).orElse(DEFAULT_CPU_PERCENT))
                            .endTarget()
                        .endResource()
                    .endMetric()
                .endSpec()
                .build();
    }
}
