package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetStatus;
import io.syncabel.api.v1alpha1.common.ArtifactInput;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.store.StoreReader;
import io.syncabel.operator.children.StageRun;
import io.syncabel.operator.children.SyntheticDatasetJob;
import io.syncabel.operator.runs.Progress;
import io.syncabel.operator.runs.RunState;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SyntheticDataset: waits for its KnowledgeBase, then one Indexed Job (a completion per shard) per run. */
@Singleton
@ControllerConfiguration(triggerReconcilerOnAllEvents = true, generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrControlChanged.class))
public class SyntheticDatasetReconciler extends JobStageReconciler<SyntheticDataset, SyntheticDatasetStatus> {

    @Inject
    public SyntheticDatasetReconciler(OperatorSettings settings, StoreReader store) {
        this(settings, Clock.systemUTC(), store);
    }

    /** Reads the store as the settings say, with the credentials of this process's environment. */
    public SyntheticDatasetReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public SyntheticDatasetReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, StoreReader.forSettings(settings, System.getenv()));
    }

    public SyntheticDatasetReconciler(OperatorSettings settings, Clock clock, StoreReader store) {
        super(settings, clock, store);
    }

    @Override
    protected Class<SyntheticDataset> kind() {
        return SyntheticDataset.class;
    }

    @Override
    protected SyntheticDatasetStatus emptyStatus() {
        return new SyntheticDatasetStatus();
    }

    @Override
    protected ArtifactPolicy artifactPolicy(SyntheticDataset sd) {
        return sd.getSpec().getArtifactPolicy();
    }

    @Override
    protected List<EventSource<?, SyntheticDataset>> moreEventSources(EventSourceContext<SyntheticDataset> context) {
        return List.of(Upstream.informer(context, KnowledgeBase.class, sd -> List.of(sd.getSpec().getKnowledgeBaseRef().getName())));
    }

    @Override
    protected Inputs inputs(SyntheticDataset sd, Context<SyntheticDataset> context) {
        String name = sd.getSpec().getKnowledgeBaseRef().getName();
        KnowledgeBase kb = Upstream.get(context, KnowledgeBase.class, name).orElse(null);
        Optional<Inputs.Waiting> waiting = Upstream.notReady(KnowledgeBase.class, name, kb);
        if (waiting.isPresent()) {
            return waiting.get();
        }
        String uri = kb.getStatus().getOutputUri();
        return new Inputs.Resolved(Map.of("SYNCABEL_INPUT_KNOWLEDGE_BASE", uri),
                List.of(new ArtifactInput(kb.getKind(), name, uri, kb.getStatus().getOutputDigest())));
    }

    @Override
    protected Job desiredJob(SyntheticDataset sd, StageRun run) {
        return SyntheticDatasetJob.desired(settings, sd, run);
    }

    /**
     * One shard: its progress.json, as for every stage. Several shards write to the same prefix, so
     * there progress.json says little about the whole: progress and ETA count finished shards instead.
     */
    @Override
    protected SyntheticDatasetStatus progress(SyntheticDatasetStatus status, RunState state, Optional<Progress> live) {
        int done = Optional.ofNullable(state.succeeded()).orElse(0);
        int total = Optional.ofNullable(state.completions()).orElse(1);
        String shardsDone = done + "/" + total;
        boolean moved = !shardsDone.equals(status.getShardsDone());
        status.setShardsDone(shardsDone);
        if (total <= 1) {
            return super.progress(status, state, live);
        }
        status.setProgress(state.phase() == RunState.Phase.SUCCEEDED ? null : shardsDone + " shards");
        if (state.phase() != RunState.Phase.RUNNING || done == 0 || state.startTime() == null) {
            status.setEstimatedCompletionTime(null);
        } else if (moved || status.getEstimatedCompletionTime() == null) {
            // re-estimated only when a shard finishes, so an unchanged Job gives an unchanged status
            status.setEstimatedCompletionTime(eta(Instant.parse(state.startTime()), Instant.now(clock), done, total).toString());
        }
        return status;
    }

    /** Linear in shards: the shards left take as long each as the finished ones did on average. */
    static Instant eta(Instant start, Instant now, int done, int total) {
        Duration perShard = Duration.between(start, now).dividedBy(done);
        return now.plus(perShard.multipliedBy(total - done)).truncatedTo(ChronoUnit.SECONDS);
    }
}
