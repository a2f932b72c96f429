package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.Labels;
import io.syncabel.operator.children.LinkerAutoscaler;
import io.syncabel.operator.children.LinkerServerDeployment;
import io.syncabel.operator.children.LinkerService;
import io.syncabel.operator.children.StageRun;
import java.util.HashMap;

/**
 * A LinkerDeployment's Deployment, Service and HorizontalPodAutoscaler as JOSDK dependent resources
 * in one workflow. Each reconcile compares the live object with the desired one and writes only what
 * differs: with server-side apply (production, {@code syncabel.operator.use-ssa}) the operator owns
 * exactly the fields it sets and takes them back when someone else changed them (a {@code kubectl scale}
 * without autoscaling, an edited Service port); a deleted child is re-created. Without SSA (the mock
 * server) JOSDK's generic matcher and updater do the same for the fields the desired object sets.
 * <p>
 * The reconciler runs the workflow only once the model is known: it puts the {@link StageRun} into the
 * context under {@link #RUN}, where the Deployment's desired state reads it.
 */
final class LinkerWorkflow {
    /** Context key of the current {@link StageRun} (model URI and lineage). */
    static final String RUN = "syncabel.io/linker-run";

    static final Condition<HorizontalPodAutoscaler, LinkerDeployment> AUTOSCALED =
            (dependent, ld, context) -> ld.getSpec().getAutoscaling() != null;

    final DeploymentDependent deployment;
    final ServiceDependent service;
    final AutoscalerDependent autoscaler;
    final Workflow<LinkerDeployment> workflow;

    LinkerWorkflow(OperatorSettings settings) {
        deployment = new DeploymentDependent(settings);
        service = new ServiceDependent();
        autoscaler = new AutoscalerDependent();
        workflow = new WorkflowBuilder<LinkerDeployment>()
                .addDependentResource(deployment)
                .addDependentResource(service)
                // a precondition, not an activation condition: JOSDK deletes a dependent whose
                // precondition fails, while an inactive one would be left behind
                .addDependentResourceAndConfigure(autoscaler)
                .withReconcilePrecondition(AUTOSCALED)
                .build();
    }

    /** Only the linker children of this operator are cached, as for every other informer it runs. */
    static <R extends HasMetadata> void configure(CRUDKubernetesDependentResource<R, LinkerDeployment> dependent, Class<R> type) {
        dependent.configureWith(new KubernetesDependentResourceConfigBuilder<R>()
                .withKubernetesDependentInformerConfig(InformerConfiguration.builder(type)
                        .withLabelSelector(Labels.selectorFor(LinkerDeployment.class))
                        .build())
                .build());
    }

    /** JOSDK's match and update read the annotations of the desired object, which a builder leaves null. */
    static <R extends HasMetadata> R withAnnotations(R desired) {
        if (desired.getMetadata().getAnnotations() == null) {
            desired.getMetadata().setAnnotations(new HashMap<>());
        }
        return desired;
    }

    /**
     * What the three share: all are named {@code <name>-linker}, and each desired object already carries
     * the controller owner reference (with blockOwnerDeletion), so JOSDK adds none of its own.
     */
    abstract static class LinkerChild<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, LinkerDeployment> {
        LinkerChild(Class<R> type) {
            super(type);
            configure(this, type);
        }

        abstract R shape(LinkerDeployment ld, Context<LinkerDeployment> context);

        @Override
        protected R desired(LinkerDeployment ld, Context<LinkerDeployment> context) {
            return withAnnotations(shape(ld, context));
        }

        @Override
        protected boolean addOwnerReference() {
            return false;
        }

        /** By name, without computing the desired object (the HPA's cannot be computed once autoscaling is off). */
        @Override
        protected ResourceID targetSecondaryResourceID(LinkerDeployment ld, Context<LinkerDeployment> context) {
            return new ResourceID(LinkerServerDeployment.name(ld), ld.getMetadata().getNamespace());
        }
    }

    static final class DeploymentDependent extends LinkerChild<Deployment> {
        private final OperatorSettings settings;

        DeploymentDependent(OperatorSettings settings) {
            super(Deployment.class);
            this.settings = settings;
        }

        @Override
        Deployment shape(LinkerDeployment ld, Context<LinkerDeployment> context) {
            StageRun run = context.managedWorkflowAndDependentResourceContext().getMandatory(RUN, StageRun.class);
            return LinkerServerDeployment.desired(settings, ld, run);
        }

        /**
         * Without SSA an update replaces the whole spec: with autoscaling the desired object has no replica
         * count, which would reset the HPA's to 1. (With SSA the operator simply does not own the field.)
         */
        @Override
        public Deployment update(Deployment actual, Deployment desired, LinkerDeployment ld, Context<LinkerDeployment> context) {
            if (!useSSA(context) && desired.getSpec().getReplicas() == null) {
                desired.getSpec().setReplicas(actual.getSpec().getReplicas());
            }
            return super.update(actual, desired, ld, context);
        }
    }

    static final class ServiceDependent extends LinkerChild<Service> {
        ServiceDependent() {
            super(Service.class);
        }

        @Override
        Service shape(LinkerDeployment ld, Context<LinkerDeployment> context) {
            return LinkerService.desired(ld);
        }

        /** Without SSA an update replaces the spec: the addresses the API server allocated stay. */
        @Override
        public Service update(Service actual, Service desired, LinkerDeployment ld, Context<LinkerDeployment> context) {
            if (!useSSA(context)) {
                desired.getSpec().setClusterIP(actual.getSpec().getClusterIP());
                desired.getSpec().setClusterIPs(actual.getSpec().getClusterIPs());
            }
            return super.update(actual, desired, ld, context);
        }
    }

    static final class AutoscalerDependent extends LinkerChild<HorizontalPodAutoscaler> {
        AutoscalerDependent() {
            super(HorizontalPodAutoscaler.class);
        }

        @Override
        HorizontalPodAutoscaler shape(LinkerDeployment ld, Context<LinkerDeployment> context) {
            return LinkerAutoscaler.desired(ld);
        }
    }
}
