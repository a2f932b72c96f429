package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunStatus;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.store.StoreReader;
import io.syncabel.operator.children.StageRun;
import io.syncabel.operator.children.TrainingRunJob;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** TrainingRun: waits for its KnowledgeBase and every SyntheticDataset, then one Job per run. */
@Singleton
@ControllerConfiguration(triggerReconcilerOnAllEvents = true, generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrControlChanged.class))
public class TrainingRunReconciler extends JobStageReconciler<TrainingRun, TrainingRunStatus> {

    @Inject
    public TrainingRunReconciler(OperatorSettings settings, StoreReader store) {
        this(settings, Clock.systemUTC(), store);
    }

    /** Reads the store as the settings say, with the credentials of this process's environment. */
    public TrainingRunReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public TrainingRunReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, StoreReader.forSettings(settings, System.getenv()));
    }

    public TrainingRunReconciler(OperatorSettings settings, Clock clock, StoreReader store) {
        super(settings, clock, store);
    }

    @Override
    protected Class<TrainingRun> kind() {
        return TrainingRun.class;
    }

    @Override
    protected TrainingRunStatus emptyStatus() {
        return new TrainingRunStatus();
    }

    @Override
    protected ArtifactPolicy artifactPolicy(TrainingRun tr) {
        return tr.getSpec().getArtifactPolicy();
    }

    static List<String> datasets(TrainingRun tr) {
        return Optional.ofNullable(tr.getSpec().getSyntheticDatasetRefs()).orElse(List.of()).stream().map(LocalObjectRef::getName).toList();
    }

    @Override
    protected List<EventSource<?, TrainingRun>> moreEventSources(EventSourceContext<TrainingRun> context) {
        return List.of(
                Upstream.informer(context, KnowledgeBase.class, tr -> List.of(tr.getSpec().getKnowledgeBaseRef().getName())),
                Upstream.informer(context, SyntheticDataset.class, TrainingRunReconciler::datasets));
    }

    @Override
    protected Inputs inputs(TrainingRun tr, Context<TrainingRun> context) {
        Map<String, String> env = new LinkedHashMap<>();
        List<ArtifactInput> lineage = new ArrayList<>();
        String kbName = tr.getSpec().getKnowledgeBaseRef().getName();
        KnowledgeBase kb = Upstream.get(context, KnowledgeBase.class, kbName).orElse(null);
        Optional<Inputs.Waiting> waiting = Upstream.notReady(KnowledgeBase.class, kbName, kb);
        if (waiting.isPresent()) {
            return waiting.get();
        }
        env.put("SYNCABEL_INPUT_KNOWLEDGE_BASE", kb.getStatus().getOutputUri());
        lineage.add(new ArtifactInput(kb.getKind(), kbName, kb.getStatus().getOutputUri(), kb.getStatus().getOutputDigest()));
        List<String> uris = new ArrayList<>();
        for (String name : datasets(tr)) {
            SyntheticDataset sd = Upstream.get(context, SyntheticDataset.class, name).orElse(null);
            waiting = Upstream.notReady(SyntheticDataset.class, name, sd);
            if (waiting.isPresent()) {
                return waiting.get();
            }
            uris.add(sd.getStatus().getOutputUri());
            lineage.add(new ArtifactInput(sd.getKind(), name, sd.getStatus().getOutputUri(), sd.getStatus().getOutputDigest()));
        }
        if (!uris.isEmpty()) {
            env.put("SYNCABEL_INPUT_SYNTHETIC_DATASETS", String.join(",", uris));
        }
        // an external input, as a LinkerDeployment's modelUri: its digest is the spec's until the run reports the one it read
        TrainingRunJob.pretrained(tr).ifPresent(p -> lineage.add(new ArtifactInput("Source", p.getUri(), p.getUri(), p.getDigest())));
        TrainingRunJob.densePretrained(tr).ifPresent(p -> lineage.add(new ArtifactInput("Source", p.getUri(), p.getUri(), p.getDigest())));
        return new Inputs.Resolved(env, lineage);
    }

    @Override
    protected Job desiredJob(TrainingRun tr, StageRun run) {
        return TrainingRunJob.desired(settings, tr, run);
    }
}
