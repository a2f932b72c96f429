package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentStatus;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.children.LinkerServerDeployment;
import io.syncabel.operator.children.LinkerService;
import io.syncabel.operator.children.StageRun;
import io.syncabel.operator.runs.PodProblems;
import io.syncabel.operator.runs.Problem;
import io.syncabel.operator.status.StatusAggregator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LinkerDeployment: waits for its TrainingRun (unless it names a modelUri), then keeps a Deployment,
 * a Service and optionally an HPA in the desired shape, as dependent resources of one workflow
 * ({@link LinkerWorkflow}) that also puts back what others changed. Ready means: the rollout of the current
 * template is complete, every replica passes /v2/health/ready, and no pod is crashing.
 */
@Singleton
@ControllerConfiguration(triggerReconcilerOnAllEvents = true, generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrControlChanged.class))
public class LinkerDeploymentReconciler extends StageReconciler<LinkerDeployment, LinkerDeploymentStatus> {
    private final LinkerWorkflow children;

    @Inject
    public LinkerDeploymentReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public LinkerDeploymentReconciler(OperatorSettings settings, Clock clock) {
        super(settings, clock);
        children = new LinkerWorkflow(settings);
    }

    @Override
    protected Class<LinkerDeployment> kind() {
        return LinkerDeployment.class;
    }

    @Override
    protected LinkerDeploymentStatus emptyStatus() {
        return new LinkerDeploymentStatus();
    }

    /** A linker writes no artifacts: nothing to delete. */
    @Override
    protected ArtifactPolicy artifactPolicy(LinkerDeployment ld) {
        return ArtifactPolicy.RETAIN;
    }

    @Override
    protected List<EventSource<?, LinkerDeployment>> moreEventSources(EventSourceContext<LinkerDeployment> context) {
        List<EventSource<?, LinkerDeployment>> sources = new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(context, children.workflow));
        sources.add(Upstream.informer(context, TrainingRun.class,
                ld -> ld.getSpec().getTrainingRunRef() == null ? List.of() : List.of(ld.getSpec().getTrainingRunRef().getName())));
        return sources;
    }

    Inputs inputs(LinkerDeployment ld, Context<LinkerDeployment> context) {
        if (ld.getSpec().getTrainingRunRef() == null) {
            String uri = ld.getSpec().getModelUri();
            return new Inputs.Resolved(Map.of("SYNCABEL_INPUT_MODEL", uri), List.of(new ArtifactInput("Source", uri, uri, null)));
        }
        String name = ld.getSpec().getTrainingRunRef().getName();
        TrainingRun tr = Upstream.get(context, TrainingRun.class, name).orElse(null);
        Optional<Inputs.Waiting> waiting = Upstream.notReady(TrainingRun.class, name, tr);
        if (waiting.isPresent()) {
            return waiting.get();
        }
        String uri = tr.getStatus().getOutputUri();
        return new Inputs.Resolved(Map.of("SYNCABEL_INPUT_MODEL", uri), List.of(new ArtifactInput(tr.getKind(), name, uri, tr.getStatus().getOutputDigest())));
    }

    @Override
    protected Optional<Duration> reconcileStage(LinkerDeployment ld, Context<LinkerDeployment> context, StatusAggregator<LinkerDeploymentStatus> status) {
        long generation = ld.getMetadata().getGeneration();
        // a linker that serves keeps serving (and Ready) while its TrainingRun re-trains
        Optional<Inputs.Resolved> inputs = Upstream.resolvedOrWait(inputs(ld, context), status, generation);
        if (inputs.isEmpty()) {
            return Optional.empty();
        }
        Inputs.Resolved resolved = inputs.get();
        StageRun run = new StageRun(String.valueOf(generation), null, resolved.env(), resolved.lineage());
        String name = LinkerServerDeployment.name(ld);
        context.managedWorkflowAndDependentResourceContext().put(LinkerWorkflow.RUN, run);
        children.workflow.reconcile(ld, context);
        // the dependent's cache holds what it just wrote, so this is the Deployment as it now is
        Deployment deployment = children.deployment.getSecondaryResource(ld, context)
                .orElseThrow(() -> new IllegalStateException("Deployment " + name + " is neither cached nor created"));

        LinkerDeploymentStatus s = status.status();
        s.setUrl(LinkerService.url(ld));
        s.setModelUri(resolved.env().get("SYNCABEL_INPUT_MODEL"));
        s.setInputs(resolved.lineage());
        DeploymentStatus ds = Optional.ofNullable(deployment.getStatus()).orElseGet(DeploymentStatus::new);
        s.setReplicas(deployment.getSpec().getReplicas());
        s.setReadyReplicas(Optional.ofNullable(ds.getReadyReplicas()).orElse(0));

        List<Pod> pods = context.getSecondaryResources(Pod.class).stream().toList();
        Optional<Problem> problem = PodProblems.find(pods);
        Optional<DeploymentCondition> stuck = Optional.ofNullable(ds.getConditions()).orElse(List.of()).stream()
                .filter(c -> ("Progressing".equals(c.getType()) && "False".equals(c.getStatus()))
                        || ("ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())))
                .findFirst();
        int want = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
        if (stuck.isPresent()) {
            DeploymentCondition c = stuck.get();
            String detail = problem.map(p -> "; " + p.message()).orElse("");
            // the ReplicaSet's FailedCreate (admission refused the pods) is its own reason, as for Jobs
            String reason = Conditions.REASON_FAILED_CREATE.equals(c.getReason()) ? Conditions.REASON_FAILED_CREATE : Conditions.REASON_FAILED;
            status.ready(false, reason, "Deployment " + name + ": " + c.getReason() + ": " + c.getMessage() + detail, generation);
        } else if (problem.isPresent()) {
            status.ready(false, problem.get().reason(), problem.get().message(), generation);
        } else if (want == 0) {
            status.ready(false, Conditions.REASON_PENDING, "Deployment " + name + " is scaled to 0 replicas", generation);
        } else if (rolledOut(deployment, want)) {
            status.ready(true, Conditions.REASON_SUCCEEDED, "serving " + s.getModelUri() + " at " + s.getUrl(), generation);
        } else {
            status.ready(false, Conditions.REASON_PENDING, "Deployment " + name + ": " + s.getReadyReplicas() + "/" + want
                    + " replicas ready", generation);
        }
        return Optional.empty();
    }

    /** The current template is rolled out and every replica is ready (what kubectl rollout status checks). */
    static boolean rolledOut(Deployment d, int want) {
        DeploymentStatus ds = d.getStatus();
        if (ds == null) {
            return false;
        }
        long generation = Optional.ofNullable(d.getMetadata().getGeneration()).orElse(0L);
        boolean observed = Optional.ofNullable(ds.getObservedGeneration()).orElse(0L) >= generation;
        return observed
                && Optional.ofNullable(ds.getUpdatedReplicas()).orElse(0) >= want
                && Optional.ofNullable(ds.getReadyReplicas()).orElse(0) >= want
                && Optional.ofNullable(ds.getAvailableReplicas()).orElse(0) >= want
                && Optional.ofNullable(ds.getReplicas()).orElse(0) <= want;
    }
}
