package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.KnowledgeBaseStatus;
import io.syncabel.api.v1alpha1.common.ArtifactPolicy;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.store.StoreReader;
import io.syncabel.operator.children.KnowledgeBaseJob;
import io.syncabel.operator.children.StageRun;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** KnowledgeBase: no references; one Job per generation. */
@Singleton
@ControllerConfiguration(triggerReconcilerOnAllEvents = true, generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrControlChanged.class))
public class KnowledgeBaseReconciler extends JobStageReconciler<KnowledgeBase, KnowledgeBaseStatus> {

    @Inject
    public KnowledgeBaseReconciler(OperatorSettings settings, StoreReader store) {
        this(settings, Clock.systemUTC(), store);
    }

    /** Reads the store as the settings say, with the credentials of this process's environment. */
    public KnowledgeBaseReconciler(OperatorSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public KnowledgeBaseReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, StoreReader.forSettings(settings, System.getenv()));
    }

    public KnowledgeBaseReconciler(OperatorSettings settings, Clock clock, StoreReader store) {
        super(settings, clock, store);
    }

    @Override
    protected Class<KnowledgeBase> kind() {
        return KnowledgeBase.class;
    }

    @Override
    protected KnowledgeBaseStatus emptyStatus() {
        return new KnowledgeBaseStatus();
    }

    @Override
    protected ArtifactPolicy artifactPolicy(KnowledgeBase kb) {
        return kb.getSpec().getArtifactPolicy();
    }

    @Override
    protected Inputs inputs(KnowledgeBase kb, Context<KnowledgeBase> context) {
        return new Inputs.Resolved(Map.of(), List.of());
    }

    @Override
    protected Job desiredJob(KnowledgeBase kb, StageRun run) {
        return KnowledgeBaseJob.desired(settings, kb, run);
    }
}
