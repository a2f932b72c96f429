package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.TestData;
import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.GenerativeLinker;
import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.model.GeneratorFamily;
import io.syncabel.runtime.model.LinkerTraining;
import io.syncabel.runtime.model.LinkerTrainingTest;
import io.syncabel.runtime.model.ModelArtifact;
import io.syncabel.runtime.model.NameTable;
import io.syncabel.runtime.model.TrainingMix;
import io.syncabel.runtime.model.TrainingSettings;
import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.Tokenizer;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.text.Problems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BART-family checkpoint fine-tuned as the linker's generator, with its own tokenizer and special ids: trained,
 * published, reopened and linking under the tries, from the library and from the command line.
 */
class BartGeneratorTest {
    static final int D_MODEL = 64;
    static final int FFN = 128;
    static final int POSITIONS = 64;

    @TempDir
    Path dir;

    KnowledgeBase kb() throws IOException {
        return TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), LinkerTrainingTest.KB)),
                KbOptions.defaults());
    }

    /**
     * A checkpoint with BART's special layout ({@code <s>} 0, {@code <pad>} 1, {@code </s>} 2, {@code <mask>} 3), a
     * cased byte-level BPE of the toy texts (BART's kind of tokenizer) with BART's post-processor ({@code <s> text </s>})
     * and random weights.
     */
    Path checkpoint(KnowledgeBase kb) throws IOException {
        List<String> texts = new ArrayList<>();
        NameTable.of(kb, false).entries().forEach(e -> texts.add(e.name()));
        texts.add(LinkerTrainingTest.pubtator());
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        new BpeTrainer(400, 2).train(texts, false).writeTokenizerJson(json);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(json.toByteArray());
        Map<String, String> renamed = Map.of("<pad>", "<s>", "<s>", "<pad>", "<sep>", "<mask>");
        for (JsonNode t : root.path("added_tokens")) {
            ((ObjectNode) t).put("content", renamed.getOrDefault(t.path("content").asText(), t.path("content").asText()));
        }
        ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
        Map<String, Integer> ids = new java.util.HashMap<>();
        renamed.keySet().forEach(k -> ids.put(k, vocab.remove(k).asInt()));
        ids.forEach((k, id) -> vocab.put(renamed.get(k), id));
        ObjectNode roberta = root.putObject("post_processor").put("type", "RobertaProcessing").put("trim_offsets", true)
                .put("add_prefix_space", false);
        roberta.putArray("sep").add("</s>").add(2);
        roberta.putArray("cls").add("<s>").add(0);
        Path tokenizer = Files.write(dir.resolve("bart-tokenizer.json"), mapper.writeValueAsBytes(root));
        int size = vocab.size();
        ObjectNode config = TinyBart.config(false, size, D_MODEL, FFN, POSITIONS);
        config.put("pad_token_id", 1).put("bos_token_id", 0).put("eos_token_id", 2).put("decoder_start_token_id", 2);
        Path out = dir.resolve("bart");
        HfCheckpoint.write(out, config, TinyBart.tensors(false, 5, size, D_MODEL, FFN, POSITIONS), tokenizer, SentenceEncoder.Pooling.MEAN);
        return out;
    }

    /** The toy KB as an artifact for the command line (kb.txt as {@link #kb} wrote it). */
    String kbArtifact() {
        String uri = "file:" + dir.resolve("kb-artifact") + "/";
        assertThat(SyncabelCli.commandLine().execute("kb", "build", "--format", "dnorm", "--source",
                dir.resolve("kb.txt").toString(), "--out", uri)).isZero();
        return uri;
    }

    @Test
    void aFineTunedBartLinksUnderTheTriesAndIsPublishedAsACheckpointThatReopensTheSame() throws IOException {
        KnowledgeBase kb = kb();
        HfCheckpoint checkpoint = HfCheckpoint.open("file:" + checkpoint(kb) + "/");
        List<CorpusExamples.Item> items = CorpusExamples.read(Files.writeString(dir.resolve("train.pubtator"),
                LinkerTrainingTest.pubtator()), null, kb, "en", true, new Problems(false));
        GeneratorFamily family = GeneratorFamily.all().stream().filter(f -> f.accepts(checkpoint.config())).findFirst().orElseThrow();
        assertThat(family.name()).isEqualTo("bart");

        TrainingSettings settings = new TrainingSettings(40, 1024, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 7);
        NameTable names = NameTable.of(kb, true);
        StringWriter log = new StringWriter();
        LinkerTraining.Result result = new LinkerTraining(kb, settings, OPTIONS, new PrintWriter(log))
                .pretrained(pretrained(family, checkpoint))
                .run(items, items, LinkerTraining.SyntheticExample.kbNames(names), json -> { });
        assertThat(log.toString()).contains("train: the checkpoint's tokenizer").contains("lower-cased").contains("model bart");
        // learnt from random weights in seconds: the bar is "learnt", not "perfect" (CPU training is not bit-reproducible)
        assertThat(result.bestDevRecallAt1()).as(log::toString).isGreaterThanOrEqualTo(80.0);
        assertThat(result.parameters()).isEqualTo(new BartBlock(BartConfig.fromJson(checkpoint.config(), "test")).parameterCount());
        // the case-folded model reads through the checkpoint's tokenizer with a Lowercase normalizer in front
        assertThat(new ObjectMapper().readTree(result.tokenizerJson()).path("normalizer").path("type").asText()).isEqualTo("Lowercase");

        Set<String> kbNames = names.entries().stream().map(NameTable.Entry::name).collect(Collectors.toSet());
        List<GenerativeLinker.Marked> marked = items.stream().map(GenerativeLinker::marked).toList();
        String prefix = "file:" + dir.resolve("model") + "/";
        try (ArtifactStore store = new FolderStore()) {
            ModelArtifact.Info info = new ModelArtifact.Info(result.config(), "file:kb/", "test", "en", result.parameters())
                    .withGenerator(family.name(), checkpoint.config(), result.sourceTemplate());
            try (ArtifactWriter writer = store.create(prefix)) {
                ModelArtifact.write(writer, info, out -> Files.copy(result.bestWeights(), out), result.tokenizerJson(), result.names(),
                        result.tries(), result.seenCodes(), result.metrics(), Map.of(), List.of());
            }
            // the fine-tuned weights are a Hugging Face checkpoint again: the checkpoint's names and shapes
            assertThat(dir.resolve("model/model.safetensors")).exists();
            assertThat(dir.resolve("model/model.params")).doesNotExist();
            assertThat(Safetensors.read(dir.resolve("model/model.safetensors")).keySet())
                    .containsExactlyElementsOf(new BartBlock(BartConfig.fromJson(checkpoint.config(), "test")).expectedTensors().keySet());
            List<String> before;
            try (LinkerTraining.Opened best = result.open(new Linker.Info("test", "v", "test"))) {
                before = answers(best.linker().linkMarked(marked, new Linker.Options(1, 1, true)));
            }
            assertThat(result.sourceTemplate()).as("sources read as transformers feeds BART: <s> text </s>")
                    .isEqualTo(new Tokenizer.SourceTemplate(new int[] {0}, new int[] {2}));
            try (ModelArtifact artifact = ModelArtifact.load(store, prefix)) {
                assertThat(artifact.info().generator()).isEqualTo("bart");
                assertThat(artifact.info().sourceTemplate()).as("recorded in model.json").isEqualTo(result.sourceTemplate());
                assertThat(artifact.tokenizer().special()).as("the checkpoint's ids; <mask> separates composite answers")
                        .isEqualTo(new io.syncabel.runtime.link.SpecialTokens(1, 2, 2, 3));
                GenerativeLinker linker = artifact.linker("test");
                List<List<Linker.Candidate>> predicted = linker.linkMarked(marked, new Linker.Options(1, 1, true));
                assertThat(answers(predicted)).as("the published model answers as the best weights did").isEqualTo(before);
                long correct = java.util.stream.IntStream.range(0, items.size())
                        .filter(i -> predicted.get(i).get(0).codes().equals(List.of(items.get(i).example().code()))).count();
                assertThat(correct).isGreaterThanOrEqualTo(8);
                linker.linkMarked(marked, new Linker.Options(3, 3, true)).forEach(candidates -> candidates.forEach(c ->
                        assertThat(kbNames).containsAll(List.of(c.name().split(io.syncabel.runtime.corpus.ExampleBuilder.SEP)))));
            }
        }
    }

    @Test
    void aStoppedBartRunResumesFromItsCheckpointWithItsOptimiserAndBestWeights() throws IOException {
        KnowledgeBase kb = kb();
        HfCheckpoint checkpoint = HfCheckpoint.open("file:" + checkpoint(kb) + "/");
        GeneratorFamily family = GeneratorFamily.named("bart");
        List<CorpusExamples.Item> items = CorpusExamples.read(Files.writeString(dir.resolve("train.pubtator"),
                LinkerTrainingTest.pubtator()), null, kb, "en", true, new Problems(false));
        List<LinkerTraining.SyntheticExample> synthetic = LinkerTraining.SyntheticExample.kbNames(NameTable.of(kb, true));
        TrainingSettings settings = new TrainingSettings(55, 1024, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 7);
        try (ArtifactStore store = new FolderStore()) {
            String checkpoints = "file:" + dir.resolve("model.checkpoints") + "/";
            StringWriter first = new StringWriter();
            // the pod is stopped at step 50 (the progress report there throws), after the checkpoint of epoch 49
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LinkerTraining(kb, settings, OPTIONS, new PrintWriter(first, true))
                    .pretrained(pretrained(family, checkpoint))
                    .run(items, items, synthetic, json -> {
                        if (json.contains("\"done\":50,")) {
                            throw new IllegalStateException("pod stopped");
                        }
                    }, new io.syncabel.runtime.model.StoreCheckpoints(store, checkpoints, new PrintWriter(first, true))))
                    .hasMessage("pod stopped");
            StringWriter second = new StringWriter();
            try (LinkerTraining.Result result = new LinkerTraining(kb, settings, OPTIONS, new PrintWriter(second, true))
                    .pretrained(pretrained(family, checkpoint))
                    .run(items, items, synthetic, json -> { },
                            new io.syncabel.runtime.model.StoreCheckpoints(store, checkpoints, new PrintWriter(second, true)))) {
                assertThat(second.toString()).contains("resuming at step 49 (epoch 50, batch 0)").doesNotContain("{\"epoch\":49,");
                assertThat(result.metrics()).hasSize(55);
                assertThat(result.bestDevRecallAt1()).as(second::toString).isGreaterThanOrEqualTo(80.0);
                // the best weights are the checkpoint's network again
                try (var in = Files.newInputStream(result.bestWeights())) {
                    family.open(checkpoint.config(), in, false).close();
                }
            }
        }
    }

    static final LinkerTraining.Options OPTIONS = new LinkerTraining.Options("tiny", null, null, 32, 300, 0, TrainingMix.ALTERNATE, 10, 1);

    private static LinkerTraining.Pretrained pretrained(GeneratorFamily family, HfCheckpoint checkpoint) throws IOException {
        return new LinkerTraining.Pretrained(family, checkpoint.config(), Files.readAllBytes(checkpoint.tokenizerFile()), () -> {
            try {
                return family.openCheckpoint(checkpoint.config(), checkpoint.dir());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void trainWithABartCheckpointFineTunesItAsTheGeneratorThatLinkAndServeAnswerWith() throws Exception {
        KnowledgeBase kb = kb();
        Path bart = checkpoint(kb);
        Path train = Files.writeString(dir.resolve("train.pubtator"), LinkerTrainingTest.pubtator());
        String kbArtifact = kbArtifact();
        String model = "file:" + dir.resolve("model") + "/";

        StringWriter refusedErr = new StringWriter();
        var refused = SyncabelCli.commandLine();
        refused.setErr(new PrintWriter(refusedErr, true));
        assertThat(refused.execute("train", "--kb", kbArtifact, "--train", train.toString(), "--pretrained", "file:" + bart,
                "--size", "tiny", "--out", model)).isEqualTo(2);
        assertThat(refusedErr.toString()).contains("--size: shape the project's own network")
                .contains("bart checkpoint whose config.json fixes the generator's shape");
        assertThat(dir.resolve("model")).doesNotExist();
        Path manifest = Files.writeString(dir.resolve("run.yaml"), """
                apiVersion: syncabel.io/v1alpha1
                kind: TrainingRun
                metadata:
                  name: shaped
                spec:
                  knowledgeBaseRef:
                    name: toy
                  model:
                    hiddenSize: 32
                    pretrained:
                      uri: file:%s
                """.formatted(bart));
        StringWriter manifestErr = new StringWriter();
        var fromManifest = SyncabelCli.commandLine();
        fromManifest.setErr(new PrintWriter(manifestErr, true));
        assertThat(fromManifest.execute("train", "-f", manifest.toString(), "--kb", kbArtifact, "--train", train.toString(),
                "--pretrained", "file:" + bart, "--out", model)).isEqualTo(2);
        assertThat(manifestErr.toString()).contains("field spec.model.hiddenSize: shape the project's own network");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("train", "--kb", kbArtifact, "--train", train.toString(), "--dev", train.toString(),
                "--pretrained", "file:" + bart, "--epochs", "3", "--no-reranker", "--out", model)).as(err::toString).isZero();
        assertThat(err.toString()).contains("train: the generator is the bart checkpoint").contains("train: no dense retriever")
                .doesNotContain("dense train:");
        JsonNode summary = new ObjectMapper().readTree(out.toString().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(summary.path("parameters").asLong())
                .isEqualTo(new BartBlock(BartConfig.fromJson(new ObjectMapper().readTree(bart.resolve("config.json").toFile()), "test"))
                        .parameterCount());
        JsonNode modelJson = new ObjectMapper().readTree(dir.resolve("model/model.json").toFile());
        assertThat(modelJson.path("generator").asText()).isEqualTo("bart");
        assertThat(modelJson.path("generatorConfig").path("d_model").asInt()).isEqualTo(D_MODEL);
        assertThat(Files.readString(dir.resolve("model/manifest.json"))).as("the checkpoint and its digest in the lineage")
                .contains("file:" + bart + "/").containsPattern("sha256:[0-9a-f]{64}");

        StringWriter linked = new StringWriter();
        var link = SyncabelCli.commandLine();
        link.setOut(new PrintWriter(linked, true));
        assertThat(link.execute("link", "--model", model, "--beams", "2", "Her [mammary cancer]{DISO} returned.")).isZero();
        assertThat(linked.toString()).contains("\"mention\":\"mammary cancer\"").containsPattern("\"codes\":\\[\"D00[1-6]\"\\]");

        // `syncabel serve` opens it as it opens any model artifact, and answers with KB codes
        List<String> progress = new ArrayList<>();
        var loaded = new io.syncabel.runtime.cli.ModelLinkerProvider().loader().load(model, progress::add);
        try {
            assertThat(progress).anyMatch(l -> l.startsWith("model loaded: " + String.format("%,d", summary.path("parameters").asLong())));
            var answer = loaded.linker().link(List.of(new Linker.Query("Her mammary cancer returned.", 4, 18, "DISO")),
                    new Linker.Options(2, 1, true));
            assertThat(answer.get(0).candidates().get(0).codes()).allMatch(code -> kb.concept(code).isPresent());
        } finally {
            loaded.linker().close();
        }
    }

    @Test
    void oneRunTrainsABartGeneratorAndADenseRetrieverFromABertCheckpointAndTheRerankerLearnsFromBoth() throws Exception {
        KnowledgeBase kb = kb();
        Path bart = checkpoint(kb);
        Path train = Files.writeString(dir.resolve("train.pubtator"), LinkerTrainingTest.pubtator());
        String kbArtifact = kbArtifact();
        String minilm = "file:" + MiniLm.checkpoint() + "/";
        String model = "file:" + dir.resolve("model") + "/";

        // a generator is no sentence encoder, and a BERT-family --pretrained is the dense encoder already
        for (List<String> wrong : List.of(List.of("--pretrained", "file:" + bart, "--dense-pretrained", "file:" + bart),
                List.of("--pretrained", minilm, "--dense-pretrained", minilm))) {
            StringWriter err = new StringWriter();
            var cli = SyncabelCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            List<String> args = new ArrayList<>(List.of("train", "--kb", kbArtifact, "--train", train.toString(), "--out", model));
            args.addAll(wrong);
            assertThat(cli.execute(args.toArray(String[]::new))).isEqualTo(2);
            assertThat(err.toString()).containsAnyOf("a generator, not a sentence encoder", "already the dense retriever's encoder");
        }
        assertThat(dir.resolve("model")).doesNotExist();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("train", "--kb", kbArtifact, "--train", train.toString(), "--dev", train.toString(),
                "--pretrained", "file:" + bart, "--dense-pretrained", minilm, "--dense-steps", "0", "--epochs", "2",
                "--checkpoint-minutes", "0", "--out", model)).as(err::toString).isZero();
        JsonNode modelJson = new ObjectMapper().readTree(dir.resolve("model/model.json").toFile());
        assertThat(modelJson.path("generator").asText()).isEqualTo("bart");
        String densePrefix = "file:" + dir.resolve("model.dense") + "/";
        assertThat(modelJson.path("denseUri").asText()).isEqualTo(densePrefix);
        assertThat(Files.readString(dir.resolve("model/reranker.json"))).as("the re-ranker learnt the dense features")
                .contains("denseCosine");
        assertThat(Files.readString(dir.resolve("model/manifest.json"))).as("both checkpoints in the lineage")
                .contains("file:" + bart + "/").contains(minilm);

        StringWriter linked = new StringWriter();
        var link = SyncabelCli.commandLine();
        link.setOut(new PrintWriter(linked, true));
        assertThat(link.execute("link", "--model", model, "Her [mammary cancer]{DISO} returned.")).isZero();
        assertThat(linked.toString()).containsPattern("\"codes\":\\[\"D00[1-6]\"\\]");
    }

    private static List<String> answers(List<List<Linker.Candidate>> lists) {
        return lists.stream().map(c -> c.get(0).codes() + " " + c.get(0).name()).toList();
    }
}
