package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.EvaluationStatus;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.store.StoreReader;
import io.syncabel.operator.children.EvaluationJob;
import io.syncabel.operator.children.StageRun;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Evaluation: waits for its TrainingRun (model in the pod) or its LinkerDeployment (over HTTP). */
@Singleton
@ControllerConfiguration(triggerReconcilerOnAllEvents = true, generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrControlChanged.class))
public class EvaluationReconciler extends JobStageReconciler<Evaluation, EvaluationStatus> {

    @Inject
    public EvaluationReconciler(OperatorSettings settings, StoreReader store) {
        this(settings, Clock.systemUTC(), store);
    }

    /** Reads the store as the settings say, with the credentials of this process's environment. */
    public EvaluationReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public EvaluationReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, StoreReader.forSettings(settings, System.getenv()));
    }

    public EvaluationReconciler(OperatorSettings settings, Clock clock, StoreReader store) {
        super(settings, clock, store);
    }

    @Override
    protected Class<Evaluation> kind() {
        return Evaluation.class;
    }

    @Override
    protected EvaluationStatus emptyStatus() {
        return new EvaluationStatus();
    }

    @Override
    protected ArtifactPolicy artifactPolicy(Evaluation ev) {
        return ev.getSpec().getArtifactPolicy();
    }

    static List<String> ref(LocalObjectRef ref) {
        return ref == null ? List.of() : List.of(ref.getName());
    }

    @Override
    protected List<EventSource<?, Evaluation>> moreEventSources(EventSourceContext<Evaluation> context) {
        return List.of(
                Upstream.informer(context, TrainingRun.class, ev -> ref(ev.getSpec().getTrainingRunRef())),
                Upstream.informer(context, LinkerDeployment.class, ev -> ref(ev.getSpec().getLinkerRef())));
    }

    @Override
    protected Inputs inputs(Evaluation ev, Context<Evaluation> context) {
        Map<String, String> env = new LinkedHashMap<>();
        if (ev.getSpec().getTrainingRunRef() != null) {
            String name = ev.getSpec().getTrainingRunRef().getName();
            TrainingRun tr = Upstream.get(context, TrainingRun.class, name).orElse(null);
            Optional<Inputs.Waiting> waiting = Upstream.notReady(TrainingRun.class, name, tr);
            if (waiting.isPresent()) {
                return waiting.get();
            }
            env.put("SYNCABEL_INPUT_MODEL", tr.getStatus().getOutputUri());
            return new Inputs.Resolved(env, List.of(new ArtifactInput(tr.getKind(), name, tr.getStatus().getOutputUri(), tr.getStatus().getOutputDigest())));
        }
        String name = ev.getSpec().getLinkerRef().getName();
        LinkerDeployment ld = Upstream.get(context, LinkerDeployment.class, name).orElse(null);
        Optional<Inputs.Waiting> waiting = Upstream.notReady(LinkerDeployment.class, name, ld);
        if (waiting.isPresent()) {
            return waiting.get();
        }
        env.put("SYNCABEL_LINKER_URL", ld.getStatus().getUrl());
        if (ld.getStatus().getModelUri() != null) {
            env.put("SYNCABEL_INPUT_MODEL", ld.getStatus().getModelUri());
        }
        // the model the linker serves, by the digest the linker recorded for it
        String digest = Optional.ofNullable(ld.getStatus().getInputs()).orElse(List.of()).stream()
                .filter(i -> i.getUri() != null && i.getUri().equals(ld.getStatus().getModelUri())).map(ArtifactInput::getDigest)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        return new Inputs.Resolved(env, List.of(new ArtifactInput(ld.getKind(), name, ld.getStatus().getModelUri(), digest)));
    }

    @Override
    protected Job desiredJob(Evaluation ev, StageRun run) {
        return EvaluationJob.desired(settings, ev, run);
    }
}
