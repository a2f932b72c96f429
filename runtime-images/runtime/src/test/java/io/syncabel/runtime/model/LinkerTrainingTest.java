package io.syncabel.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.link.GenerativeLinker;
import io.syncabel.runtime.link.Linker;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole generative linker on a toy KB: train, link under the trie, save, load, link again. */
public class LinkerTrainingTest {
    public static final String KB = """
            D001||Duchenne muscular dystrophy|DMD|muscular dystrophy, Duchenne
            D002||Breast cancer|breast carcinoma|mammary cancer
            D003||Wilson disease|hepatolenticular degeneration
            D004||Cystic fibrosis|mucoviscidosis
            D005||Huntington disease|Huntington chorea
            D006||Colorectal cancer|colon cancer|rectal cancer
            """;
    /** Title, abstract, then (mention text, code) pairs found in that order in title + " " + abstract. */
    static final List<List<String>> DOCUMENTS = List.of(
            List.of("Duchenne muscular dystrophy (DMD) is common.", "In DMD boys the heart fails.",
                    "Duchenne muscular dystrophy", "D001", "DMD boys", "D001"),
            List.of("Mammary cancer in women.", "Families with breast cancer were studied.",
                    "Mammary cancer", "D002", "breast cancer", "D002"),
            List.of("Hepatolenticular degeneration and copper.", "Wilson disease patients carry ATP7B mutations.",
                    "Hepatolenticular degeneration", "D003", "Wilson disease", "D003"),
            List.of("Mucoviscidosis lungs.", "Children with cystic fibrosis need care.",
                    "Mucoviscidosis", "D004", "cystic fibrosis", "D004"),
            List.of("Huntington chorea families.", "Colon cancer risk was high.",
                    "Huntington chorea", "D005", "Colon cancer", "D006"));

    /** {@link #KB} built into a KB artifact under {@code dir} (`kb build`, as a user does); returns its URI. */
    public static String toyKbArtifact(Path dir) throws IOException {
        Path kb = Files.writeString(dir.resolve("kb.txt"), KB);
        String uri = "file:" + dir.resolve("kb-artifact") + "/";
        assertThat(io.syncabel.runtime.cli.SyncabelCli.commandLine().execute("kb", "build", "--format", "dnorm", "--source",
                kb.toString(), "--out", uri)).isZero();
        return uri;
    }

    /** The documents in PubTator format, offsets computed (a mention "X boys" marks just "X"). */
    public static String pubtator() {
        StringBuilder out = new StringBuilder();
        for (int d = 0; d < DOCUMENTS.size(); d++) {
            List<String> doc = DOCUMENTS.get(d);
            String text = doc.get(0) + " " + doc.get(1);
            out.append(d + 1).append("|t|").append(doc.get(0)).append('\n');
            out.append(d + 1).append("|a|").append(doc.get(1)).append('\n');
            int from = 0;
            for (int m = 2; m < doc.size(); m += 2) {
                String found = doc.get(m);
                int at = text.indexOf(found, from);
                String mention = found.endsWith(" boys") ? found.substring(0, found.length() - 5) : found;
                out.append(d + 1).append('\t').append(at).append('\t').append(at + mention.length()).append('\t')
                        .append(mention).append("\tSpecificDisease\t").append(doc.get(m + 1)).append('\n');
                from = at + mention.length();
            }
            out.append('\n');
        }
        return out.toString();
    }

    @TempDir
    Path dir;

    KnowledgeBase kb() throws IOException {
        return TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), KB)), KbOptions.defaults());
    }

    /** The toy corpus as training items (short forms expanded). */
    List<CorpusExamples.Item> items(KnowledgeBase kb) throws IOException {
        Path corpus = Files.writeString(dir.resolve("train.pubtator"), pubtator());
        return CorpusExamples.read(corpus, null, kb, "en", true, new Problems(false));
    }

    @Test
    void aTinyModelLearnsTheCorpusAndOnlyEverAnswersKbNamesBeforeAndAfterSaving() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> items = items(kb);
        assertThat(items).hasSize(10);
        assertThat(items.get(1).mention()).as("DMD expanded from its definition").isEqualTo("Duchenne muscular dystrophy");

        TrainingSettings settings = new TrainingSettings(60, 1024, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 7);
        LinkerTraining.Options options = new LinkerTraining.Options("tiny", null, null, 32, 300, 0, TrainingMix.ALTERNATE, 10, 1);
        NameTable names = NameTable.of(kb, true);
        LinkerTraining.Result result = new LinkerTraining(kb, settings, options, new PrintWriter(new StringWriter()))
                .run(items, items, LinkerTraining.SyntheticExample.kbNames(names), json -> { });
        // CPU training is not bit-reproducible across thread schedules, so the bar is "learnt", not "perfect"
        assertThat(result.bestDevRecallAt1()).isGreaterThanOrEqualTo(80.0);

        Set<String> kbNames = names.entries().stream().map(NameTable.Entry::name).collect(Collectors.toSet());
        List<GenerativeLinker.Marked> marked = items.stream()
                .map(i -> new GenerativeLinker.Marked(i.source(), i.mention(), i.example().group())).toList();
        String prefix = "file:" + dir.resolve("model") + "/";
        try (ArtifactStore store = new FolderStore()) {
            try (ArtifactWriter writer = store.create(prefix)) {
                ModelArtifact.write(writer, new ModelArtifact.Info(result.config(), "file:kb/", "test", "en", result.parameters()),
                        out -> Files.copy(result.bestWeights(), out), result.tokenizerJson(), result.names(), result.tries(),
                        result.seenCodes(), result.metrics(), Map.of(), List.of());
            }
            try (ModelArtifact artifact = ModelArtifact.load(store, prefix)) {
                GenerativeLinker linker = artifact.linker("test");
                // clients see a version that names these weights (and fits a URL path), not a URI
                assertThat(linker.info().modelVersion()).matches("[0-9a-f]{12}");
                assertThat(linker.info().kbVersion()).isEqualTo("test");
                // the reloaded model answers exactly as the best weights did before saving (greedy, beam 1)...
                List<List<Linker.Candidate>> predicted = linker.linkMarked(marked, new Linker.Options(1, 1, true));
                List<List<Linker.Candidate>> beforeSaving;
                try (Seq2SeqModel best = Seq2SeqModel.load(result.config(), Files.newInputStream(result.bestWeights()))) {
                    GenerativeLinker inMemory = new GenerativeLinker(best, new ExampleEncoder(artifact.tokenizer()::encode,
                            result.config().maxSourceLength()), artifact.tokenizer()::decode, artifact.tries(), artifact.names(),
                            linker.info());
                    beforeSaving = inMemory.linkMarked(marked, new Linker.Options(1, 1, true));
                }
                java.util.function.Function<List<List<Linker.Candidate>>, List<String>> answers = lists -> lists.stream()
                        .map(c -> c.get(0).codes() + " " + c.get(0).name()).toList();
                assertThat(answers.apply(predicted)).isEqualTo(answers.apply(beforeSaving));
                long correct = java.util.stream.IntStream.range(0, items.size())
                        .filter(i -> predicted.get(i).get(0).codes().equals(List.of(items.get(i).example().code()))).count();
                assertThat(correct).isGreaterThanOrEqualTo(8);
                // ...and wider beams still only ever answer KB names
                linker.linkMarked(marked, new Linker.Options(3, 3, true))
                        .forEach(candidates -> candidates.forEach(c -> assertThat(kbNames)
                                .containsAll(List.of(c.name().split(io.syncabel.runtime.corpus.ExampleBuilder.SEP)))));
                List<Linker.Result> viaInterface = linker.link(List.of(
                        new Linker.Query("Her mammary cancer returned.", 4, 18, "DISO")), new Linker.Options(1, 1, true));
                assertThat(viaInterface.get(0).candidates().get(0).codes()).hasSize(1)
                        .allMatch(code -> kb.concept(code).isPresent());
                assertThat(artifact.seenCodes()).contains("D001", "D006");
            }
            // the same model from the command line, one marked sentence in, one JSON line out
            StringWriter out = new StringWriter();
            var cli = io.syncabel.runtime.cli.SyncabelCli.commandLine();
            cli.setOut(new PrintWriter(out));
            int exit = cli.execute("link", "--model", prefix, "--beams", "1", "Her [mammary cancer]{DISO} returned.");
            assertThat(exit).isZero();
            assertThat(out.toString()).contains("\"mention\":\"mammary cancer\"").containsPattern("\"codes\":\\[\"D00[1-6]\"\\]");

            // a learned re-ranker for this model: model-free layer on the training corpus, model layer on unseen mentions
            Path train = dir.resolve("train.pubtator");
            Path dev = Files.writeString(dir.resolve("dev.pubtator"), """
                    7|t|Breast carcinoma in mothers.
                    7|a|Wilson's disease and colorectal cancer were rare.
                    7\t0\t16\tBreast carcinoma\tDisease\tD002
                    7\t29\t45\tWilson's disease\tDisease\tD003
                    7\t50\t67\tcolorectal cancer\tDisease\tD006

                    """);
            Path reranker = dir.resolve("reranker.json");
            String kbArtifact = "file:" + dir.resolve("kb-artifact") + "/";
            assertThat(io.syncabel.runtime.cli.SyncabelCli.commandLine().execute("kb", "build", "--format", "dnorm",
                    "--source", dir.resolve("kb.txt").toString(), "--out", kbArtifact)).isZero();
            StringWriter fitted = new StringWriter();
            var rerank = io.syncabel.runtime.cli.SyncabelCli.commandLine();
            rerank.setOut(new PrintWriter(fitted));
            assertThat(rerank.execute("rerank", "--model", prefix, "--kb", kbArtifact, "--train", train.toString(), "--dev", dev.toString(),
                    "--candidates", "3", "--folds", "2", "--out", reranker.toString())).isZero();
            // one dev document: no held-out check is possible, the model layer is kept
            assertThat(fitted.toString()).contains("\"rerankerDevLists\":").contains("\"rerankerModelWeights\":")
                    .contains("\"rerankerModelLayer\":\"kept\"").contains("\"rerankerDevTop1WithModelHeldOut\":null");
            assertThat(Files.readString(reranker)).contains("\"modelLogProb\"");
            var wrongRule = io.syncabel.runtime.cli.SyncabelCli.commandLine();
            StringWriter wrongErr = new StringWriter();
            wrongRule.setErr(new PrintWriter(wrongErr, true));
            assertThat(wrongRule.execute("rerank", "--model", prefix, "--kb", kbArtifact, "--train", train.toString(),
                    "--model-layer", "sometimes", "--out", dir.resolve("never.json").toString())).isEqualTo(2);
            assertThat(wrongErr.toString()).contains("--model-layer sometimes: expected auto or always");
            assertThat(dir.resolve("never.json")).doesNotExist();
            // a gold code the KB lacks: an error naming file and line, or skipped and counted on request
            Path unknown = Files.writeString(dir.resolve("unknown.pubtator"), Files.readString(dev).replace("\tD006", "\tD999"));
            for (String policy : List.of("error", "skip")) {
                var link = io.syncabel.runtime.cli.SyncabelCli.commandLine();
                link.setOut(new PrintWriter(new StringWriter()));
                StringWriter linkErr = new StringWriter();
                link.setErr(new PrintWriter(linkErr, true));
                int code = link.execute("link", "--model", prefix, "--kb", kbArtifact, "--corpus", unknown.toString(),
                        "--reranker", reranker.toString(), "--dictionary-corpus", train.toString(), "--unknown-codes", policy,
                        "--out", dir.resolve("unknown-" + policy + ".jsonl").toString());
                if (policy.equals("error")) {
                    assertThat(code).isEqualTo(2);
                    assertThat(linkErr.toString()).contains("unknown.pubtator:5").contains("D999");
                } else {
                    assertThat(code).as(linkErr::toString).isZero();
                    assertThat(linkErr.toString()).contains("link: skipped 1 gold code not in the knowledge base");
                    assertThat(Files.readAllLines(dir.resolve("unknown-skip.jsonl"))).hasSize(2);
                }
            }
            for (String without : List.of("", "--without-model")) {
                Path predictions = dir.resolve("predictions" + without + ".jsonl");
                List<String> args = new java.util.ArrayList<>(List.of("link", "--model", prefix, "--kb", kbArtifact, "--corpus", dev.toString(),
                        "--reranker", reranker.toString(), "--dictionary-corpus", train.toString(), "--out", predictions.toString()));
                if (!without.isEmpty()) {
                    args.add(without);
                }
                var link = io.syncabel.runtime.cli.SyncabelCli.commandLine();
                link.setOut(new PrintWriter(new StringWriter()));
                StringWriter linkErr = new StringWriter();
                link.setErr(new PrintWriter(linkErr, true));
                assertThat(link.execute(args.toArray(String[]::new))).as(linkErr::toString).isZero();
                List<String> lines = Files.readAllLines(predictions);
                assertThat(lines).hasSize(3).allMatch(l -> l.contains("\"retrievalScore\""));
                assertThat(lines.stream().filter(l -> l.contains("\"modelLogProb\"")).count())
                        .as("the model is consulted only with its layer").isEqualTo(without.isEmpty() ? 3 : 0);
            }
        }
    }

    @Test
    void aStoppedRunResumesFromItsLastCheckpointWithoutRedoingTheEpochsBefore() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> items = items(kb);
        TrainingSettings settings = new TrainingSettings(60, 1024, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 7);
        LinkerTraining.Options options = new LinkerTraining.Options("tiny", null, null, 32, 300, 0, TrainingMix.ALTERNATE, 10, 1);
        List<LinkerTraining.SyntheticExample> synthetic = LinkerTraining.SyntheticExample.kbNames(NameTable.of(kb, true));
        try (ArtifactStore store = new FolderStore()) {
            String checkpoints = "file:" + dir.resolve("model.checkpoints") + "/";
            StringWriter firstLog = new StringWriter();
            // the pod is stopped at step 50 (the progress report there throws), after the checkpoint of the last epoch end
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LinkerTraining(kb, settings, options, new PrintWriter(firstLog, true))
                    .run(items, items, synthetic, json -> {
                        if (json.contains("\"done\":50,")) {
                            throw new IllegalStateException("pod stopped");
                        }
                    }, new StoreCheckpoints(store, checkpoints, new PrintWriter(firstLog, true))))
                    .hasMessage("pod stopped");
            // progress from the first step on, with its rate and ETA
            assertThat(firstLog.toString()).containsPattern("train: epoch 1 step 1/\\d+ loss [0-9.]+ \\([0-9.]+ min, [0-9.]+ steps/min, eta [0-9.]+ min\\)");
            List<String> done = firstLog.toString().lines().filter(l -> l.startsWith("train: {\"epoch\":")).toList();
            assertThat(done).hasSizeGreaterThan(1);
            var last = java.util.regex.Pattern.compile("\"epoch\":(\\d+),\"step\":(\\d+),").matcher(done.get(done.size() - 1));
            assertThat(last.find()).isTrue();
            int lastEpoch = Integer.parseInt(last.group(1));
            long lastStep = Long.parseLong(last.group(2));
            assertThat(lastStep).isLessThan(50);
            assertThat(store.list(checkpoints)).as("only the newest checkpoint is kept").isNotEmpty()
                    .allMatch(uri -> uri.startsWith(checkpoints + String.format("step-%010d/", lastStep)));

            StringWriter secondLog = new StringWriter();
            LinkerTraining.Result result = new LinkerTraining(kb, settings, options, new PrintWriter(secondLog, true))
                    .run(items, items, synthetic, json -> { }, new StoreCheckpoints(store, checkpoints, new PrintWriter(secondLog, true)));
            assertThat(secondLog.toString()).contains("resuming at step " + lastStep + " (epoch " + (lastEpoch + 1) + ", batch 0)")
                    .doesNotContain("{\"epoch\":" + lastEpoch + ",").contains("{\"epoch\":" + (lastEpoch + 1) + ",")
                    .contains("{\"epoch\":60,");
            // the metrics of both attempts, each epoch once, in order
            assertThat(result.metrics()).hasSize(60);
            for (int e = 0; e < 60; e++) {
                assertThat(result.metrics().get(e)).startsWith("{\"epoch\":" + (e + 1) + ",");
            }
            assertThat(result.bestDevRecallAt1()).isGreaterThanOrEqualTo(80.0);

            // a checkpoint made with other settings is never resumed
            StringWriter thirdLog = new StringWriter();
            TrainingSettings other = new TrainingSettings(2, 1024, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 8);
            LinkerTraining.Result fresh = new LinkerTraining(kb, other, options, new PrintWriter(thirdLog, true))
                    .run(items, items, synthetic, json -> { }, new StoreCheckpoints(store, checkpoints, new PrintWriter(thirdLog, true)));
            assertThat(thirdLog.toString()).contains("made with other settings or data; starting from scratch")
                    .doesNotContain("resuming");
            assertThat(fresh.metrics()).hasSize(2);
        }
    }

    /** With a weight average, every evaluation point links dev twice and the best of both series is kept. */
    @Test
    void theWeightAverageCompetesWithTheWeightsOnDev() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> items = items(kb);
        TrainingSettings settings = new TrainingSettings(12, 1024, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 7, 0.9f);
        LinkerTraining.Options options = new LinkerTraining.Options("tiny", null, null, 32, 300, 0, TrainingMix.ALTERNATE, 10, 1);
        List<LinkerTraining.SyntheticExample> synthetic = LinkerTraining.SyntheticExample.kbNames(NameTable.of(kb, true));
        LinkerTraining.Result result = new LinkerTraining(kb, settings, options, new PrintWriter(new StringWriter(), true))
                .run(items, items, synthetic, json -> { });
        assertThat(result.metrics()).hasSize(12);
        double best = -1;
        for (String metric : result.metrics()) {
            var m = java.util.regex.Pattern.compile("\"devRecallAt1\":([0-9.]+),\"devRecallAt1Averaged\":([0-9.]+),").matcher(metric);
            assertThat(m.find()).as(metric).isTrue();
            best = Math.max(best, Math.max(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))));
        }
        assertThat(result.bestDevRecallAt1()).isCloseTo(best, org.assertj.core.data.Offset.offset(0.01));
        try (LinkerTraining.Result r = result) {
            assertThat(Files.size(r.bestWeights())).isPositive();
        }
    }

    @Test
    void aRunStoppedBeforeItsFirstEvaluationResumesFromItsTimerCheckpoint() throws IOException {
        KnowledgeBase kb = kb();
        List<CorpusExamples.Item> items = items(kb);
        // small batches: many steps before the first epoch ends (the first evaluation point)
        TrainingSettings settings = new TrainingSettings(2, 64, 3e-3f, 10, 0.0f, 0.0f, 1.0f, 7);
        LinkerTraining.Options options = new LinkerTraining.Options("tiny", null, null, 32, 300, 0, TrainingMix.ALTERNATE, 10, 1);
        List<LinkerTraining.SyntheticExample> synthetic = LinkerTraining.SyntheticExample.kbNames(NameTable.of(kb, true));
        try (ArtifactStore store = new FolderStore()) {
            String checkpoints = "file:" + dir.resolve("timer.checkpoints") + "/";
            // the pod is killed right after the timer's checkpoint at step 3
            StringWriter firstLog = new StringWriter() {
                @Override
                public void write(String s, int off, int len) {
                    super.write(s, off, len);
                    if (toString().contains("checkpoint at step 3 (timer)")) {
                        throw new IllegalStateException("pod stopped");
                    }
                }
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LinkerTraining(kb, settings, options, new PrintWriter(firstLog, true))
                    .checkpointInterval(java.time.Duration.ofNanos(1))
                    .run(items, items, synthetic, json -> { }, new StoreCheckpoints(store, checkpoints, new PrintWriter(new StringWriter()))))
                    .hasMessage("pod stopped");
            assertThat(firstLog.toString()).as("stopped before any evaluation point").doesNotContain("train: {\"epoch\":");
            StringWriter secondLog = new StringWriter();
            LinkerTraining.Result result = new LinkerTraining(kb, settings, options, new PrintWriter(secondLog, true))
                    .run(items, items, synthetic, json -> { }, new StoreCheckpoints(store, checkpoints, new PrintWriter(secondLog, true)));
            assertThat(secondLog.toString()).contains("resuming at step 3 (epoch 1, batch 3)").doesNotContain("step 1/");
            assertThat(result.metrics()).hasSize(2);
            assertThat(Files.size(result.bestWeights())).as("the best weights so far, from the timer checkpoint").isPositive();
        }
    }
}
