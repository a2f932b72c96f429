package io.syncabel.operator.children;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import java.util.Optional;

/** LinkerDeployment → the Service in front of the linker pods; its in-cluster URL goes to status.url. */
public final class LinkerService {
    private LinkerService() {
    }

    public static int port(LinkerDeployment ld) {
        return Optional.ofNullable(ld.getSpec().getService()).map(LinkerDeploymentSpec.ServiceSpec::getPort).orElse(LinkerServerDeployment.PORT);
    }

    public static String url(LinkerDeployment ld) {
        return "http://" + LinkerServerDeployment.name(ld) + "." + ld.getMetadata().getNamespace() + ".svc:" + port(ld);
    }

    public static Service desired(LinkerDeployment ld) {
        String type = Optional.ofNullable(ld.getSpec().getService()).map(LinkerDeploymentSpec.ServiceSpec::getType)
                .map(t -> switch (t) {
                    case CLUSTER_IP -> "ClusterIP";
                    case NODE_PORT -> "NodePort";
                    case LOAD_BALANCER -> "LoadBalancer";
                }).orElse("ClusterIP");
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(LinkerServerDeployment.name(ld))
                    .withNamespace(ld.getMetadata().getNamespace())
                    .withLabels(Labels.of(ld, Labels.ROLE_RUN))
                    .withOwnerReferences(RuntimePod.ownerReference(ld))
                .endMetadata()
                .withNewSpec()
                    .withType(type)
                    .withSelector(LinkerServerDeployment.selector(ld))
                    .addNewPort().withName("http").withPort(port(ld)).withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
                .endSpec()
                .build();
    }
}
