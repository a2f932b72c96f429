package io.syncabel.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.syncabel.api.v1alpha1.KnowledgeBase;
import io.syncabel.api.v1alpha1.SyntheticDataset;
import io.syncabel.api.v1alpha1.SyntheticDatasetSpec;
import io.syncabel.api.v1alpha1.TrainingRunSpec;
import io.syncabel.api.v1alpha1.common.Conditions;
import io.syncabel.api.v1alpha1.common.CorpusSource;
import io.syncabel.api.v1alpha1.common.LlmEndpoint;
import io.syncabel.operator.InputPolicy;
import io.syncabel.operator.OperatorSettings;
import io.syncabel.operator.status.StatusAggregator;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The install's allow-lists (chart values inputs.allowedSchemes / allowedSecrets): a refused resource gets a reason and no Job. */
class InputPolicyTest {
    static final InputPolicy S3_AND_HTTPS_LLM_KEYS = InputPolicy.parse(Optional.of("s3, https"), Optional.of("llm-*,judge-key"));

    @Test
    void inputUrisOfADisallowedSchemeAreRefusedWhereverTheySit() {
        KnowledgeBase kb = Fixtures.kb("kb"); // file:data/medic-slice.txt
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(kb.getSpec())).hasValueSatisfying(m -> assertThat(m)
                .contains("spec.sources[0].uri", "scheme 'file:' is not allowed", "allowed: https, s3"));
        kb.getSpec().getSources().get(0).setUri("s3://data/medic.tsv");
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(kb.getSpec())).isEmpty();
        kb.getSpec().setSemanticGroupsUri("http://example.org/SemGroups.txt");
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(kb.getSpec())).hasValueSatisfying(m -> assertThat(m).contains("spec.semanticGroupsUri", "'http:'"));

        TrainingRunSpec training = new TrainingRunSpec();
        training.setCorpora(List.of(new CorpusSource("https://example.org/train.pubtator", CorpusSource.Format.PUBTATOR, null),
                new CorpusSource("FILE:/etc/passwd", CorpusSource.Format.PUBTATOR, null)));
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(training)).hasValueSatisfying(m -> assertThat(m).contains("spec.corpora[1].uri", "'file:'")
                .doesNotContain("corpora[0]"));
        training.setModel(new TrainingRunSpec.ModelSpec());
        training.getModel().setPretrained(new TrainingRunSpec.Pretrained("file:/models/minilm/", null));
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(training)).hasValueSatisfying(m -> assertThat(m).contains("spec.model.pretrained.uri"));
    }

    @Test
    void anApiKeySecretRefMayOnlyNameAllowedSecrets() {
        SyntheticDatasetSpec spec = llmSynth("llm-api").getSpec();
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(spec)).isEmpty();
        spec.getGenerator().getLlm().setApiKeySecretRef(new SecretKeySelector("accessKey", "syncabel-store", false));
        assertThat(S3_AND_HTTPS_LLM_KEYS.refusal(spec)).hasValueSatisfying(m -> assertThat(m)
                .contains("spec.generator.llm.apiKeySecretRef", "Secret 'syncabel-store'", "allowed: llm-*, judge-key"));
        assertThat(InputPolicy.parse(Optional.of("s3"), Optional.of("judge-key")).allowsSecret("judge-key-2")).as("globs are whole-name").isFalse();
    }

    @Test
    void withoutSettingsEverythingIsAllowed() {
        assertThat(InputPolicy.parse(Optional.empty(), Optional.of(" ")).refusal(Fixtures.kb("kb").getSpec())).isEmpty();
        assertThat(InputPolicy.ANY.refusal(llmSynth("any-secret").getSpec())).isEmpty();
        assertThat(OperatorSettings.defaults().inputPolicy()).isEqualTo(InputPolicy.ANY);
    }

    @Test
    void aRefusedResourceGetsReasonNotAllowedAndTheReconcileMakesNothing() {
        KnowledgeBase kb = Fixtures.kb("kb");
        kb.getMetadata().setGeneration(2L);
        List<String> calls = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Context<KnowledgeBase> context = (Context<KnowledgeBase>) Proxy.newProxyInstance(Context.class.getClassLoader(),
                new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    return method.getName().equals("isPrimaryResourceDeleted") ? false : null;
                });
        var reconciler = new KnowledgeBaseReconciler(OperatorSettings.defaults().withInputPolicy(S3_AND_HTTPS_LLM_KEYS));

        var control = reconciler.reconcile(kb, context);

        assertThat(control.isPatchStatus()).isTrue();
        var ready = StatusAggregator.condition(kb.getStatus(), Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo(Conditions.REASON_NOT_ALLOWED);
        assertThat(ready.getMessage()).contains("spec.sources[0].uri", "'file:'");
        assertThat(calls).as("no client, no secondary resources: no Job").containsOnly("isPrimaryResourceDeleted");
        assertThat(Conditions.DEGRADED_REASONS).contains(Conditions.REASON_NOT_ALLOWED);
    }

    static SyntheticDataset llmSynth(String secret) {
        SyntheticDataset synth = Fixtures.synth("synth", "kb");
        LlmEndpoint llm = new LlmEndpoint();
        llm.setEndpoint("http://vllm.llm.svc:8000/v1");
        llm.setModel("m");
        llm.setApiKeySecretRef(new SecretKeySelector("key", secret, false));
        synth.getSpec().getGenerator().setType(SyntheticDatasetSpec.GeneratorType.LLM);
        synth.getSpec().getGenerator().setLlm(llm);
        return synth;
    }
}
