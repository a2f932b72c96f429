package io.syncabel.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.syncabel.api.v1alpha1.Evaluation;
import io.syncabel.api.v1alpha1.EvaluationSpec;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.KnowledgeBaseSpec;
import io.syncabel.api.v1alpha1.LinkerDeployment;
import io.syncabel.api.v1alpha1.LinkerDeploymentSpec;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.api.v1alpha1.TrainingRun;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.api.v1alpha1.common.LocalObjectRef;
import java.util.List;

/** Small valid resources, shaped like the quickstart's. */
final class Fixtures {
    private Fixtures() {
    }

    static <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> T named(T resource, String name) {
        resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(MockCluster.NS).build());
        return resource;
    }

    static KnowledgeBase kb(String name) {
        KnowledgeBaseSpec spec = new KnowledgeBaseSpec();
        KnowledgeBaseSpec.Source source = new KnowledgeBaseSpec.Source();
        source.setUri("file:data/medic-slice.txt");
        source.setFormat(KnowledgeBaseSpec.Format.DNORM);
        spec.setSources(List.of(source));
        KnowledgeBase kb = named(new KnowledgeBase(), name);
        kb.setSpec(spec);
        return kb;
    }

    static SyntheticDataset synth(String name, String kb) {
        SyntheticDatasetSpec spec = new SyntheticDatasetSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef(kb));
        SyntheticDatasetSpec.Generator generator = new SyntheticDatasetSpec.Generator();
        generator.setType(SyntheticDatasetSpec.GeneratorType.TEMPLATE);
        spec.setGenerator(generator);
        spec.setShards(2);
        SyntheticDataset sd = named(new SyntheticDataset(), name);
        sd.setSpec(spec);
        return sd;
    }

    static TrainingRun training(String name, String kb, String... datasets) {
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setKnowledgeBaseRef(new LocalObjectRef(kb));
        spec.setSyntheticDatasetRefs(java.util.Arrays.stream(datasets).map(LocalObjectRef::new).toList());
        TrainingRun tr = named(new TrainingRun(), name);
        tr.setSpec(spec);
        return tr;
    }

    static LinkerDeployment linker(String name, String trainingRun) {
        LinkerDeploymentSpec spec = new LinkerDeploymentSpec();
        spec.setTrainingRunRef(new LocalObjectRef(trainingRun));
        LinkerDeployment ld = named(new LinkerDeployment(), name);
        ld.setSpec(spec);
        return ld;
    }

    static Evaluation evaluationOfLinker(String name, String linker) {
        EvaluationSpec spec = new EvaluationSpec();
        spec.setLinkerRef(new LocalObjectRef(linker));
        spec.setTestCorpus(new CorpusSource("file:data/ncbi-test.pubtator", CorpusSource.Format.PUBTATOR, CorpusSource.Split.TEST));
        Evaluation ev = named(new Evaluation(), name);
        ev.setSpec(spec);
        return ev;
    }
}
