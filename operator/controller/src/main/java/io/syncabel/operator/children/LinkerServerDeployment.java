package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import io.syncabel.operator.OperatorSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LinkerDeployment → a Deployment running {@code syncabel serve}, ready when the server answers
 * {@code /v2/health/ready} (model and trie loaded), restarted when it stops answering {@code /v2/health/live}. Rollout Recreate (or RollingUpdate with
 * maxSurge 0) never asks for a second GPU during an update.
 */
public final class LinkerServerDeployment {
    public static final String SUFFIX = "linker";
    public static final int PORT = 8080;
    public static final String READY_PATH = "/v2/health/ready";
    /** Answers 200 once the port is open, also while the model loads (docs/linker-api.md). */
    public static final String LIVE_PATH = "/v2/health/live";
    /** Spec fields that shape the Deployment, Service or HPA but not the pods: editing them rolls nothing. */
    static final List<String> NOT_IN_POD = List.of("replicas", "autoscaling", "service", "rollout");

    private LinkerServerDeployment() {
    }

    public static String name(LinkerDeployment ld) {
        return Names.child(ld.getMetadata().getName(), SUFFIX);
    }

    /** Pods are selected by resource, not by generation, so a rollout replaces them in place. */
    public static Map<String, String> selector(LinkerDeployment ld) {
        return Map.of(Labels.KIND, ld.getKind(), Labels.NAME, Labels.value(ld.getMetadata().getName()));
    }

    public static Deployment desired(OperatorSettings settings, LinkerDeployment ld, StageRun run) {
        LinkerDeploymentSpec spec = ld.getSpec();
        // a linker only reads its model and KB: it gets the read-only store credentials where the install has them
        var container = RuntimePod.container(settings.readOnlyStore(), RuntimePod.resourceJson(ld, NOT_IN_POD), List.of("serve"), run,
                        spec.getResources())
                .addNewPort().withName("http").withContainerPort(PORT).withProtocol("TCP").endPort()
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath(READY_PATH).withPort(new IntOrString("http")).endHttpGet()
                    .withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                // a hung server (no answer on the port at all) is restarted; a loading or unready one is not,
                // since liveness answers during the load, and serve itself exits when the load times out
                .withNewLivenessProbe()
                    .withNewHttpGet().withPath(LIVE_PATH).withPort(new IntOrString("http")).endHttpGet()
                    .withInitialDelaySeconds(15).withPeriodSeconds(10).withTimeoutSeconds(5).withFailureThreshold(6)
                .endLivenessProbe()
                .build();
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(name(ld))
                    .withNamespace(ld.getMetadata().getNamespace())
                    .withLabels(Labels.of(ld, Labels.ROLE_RUN))
                    .withOwnerReferences(RuntimePod.ownerReference(ld))
                .endMetadata()
                .withNewSpec()
                    // with an autoscaler the HPA owns the replica count
                    .withReplicas(spec.getAutoscaling() != null ? null : Optional.ofNullable(spec.getReplicas()).orElse(1))
                    .withNewSelector().withMatchLabels(selector(ld)).endSelector()
                    .withStrategy(strategy(spec.getRollout()))
                    .withNewTemplate()
                        .withNewMetadata().withLabels(Labels.ofPods(ld, Labels.ROLE_RUN)).endMetadata()
                        .withSpec(RuntimePod.podSpec(settings, spec.getScheduling(), "Always", spec.getResources()).withContainers(container).build())
                    .endTemplate()
                .endSpec()
                .build();
    }

    static DeploymentStrategy strategy(LinkerDeploymentSpec.Rollout rollout) {
        if (rollout == LinkerDeploymentSpec.Rollout.RECREATE) {
            return new DeploymentStrategyBuilder().withType("Recreate").build();
        }
        return new DeploymentStrategyBuilder().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString("25%")).withMaxUnavailable(new IntOrString("25%")).endRollingUpdate()
                .build();
    }
}
