package io.syncabel.runtime.cli;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.eval.Baselines;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.Problems;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel baselines`: the dictionary baselines on a test corpus, for comparison with a model. */
@Command(name = "baselines", mixinStandardHelpOptions = true,
        description = "Recall@1 of exact-match and TF-IDF dictionary linkers, with and without training mentions.")
final class BaselinesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--kb", required = true, paramLabel = "URI")
    String kb;

    @Option(names = "--train", paramLabel = "FILE", description = "Training corpora whose mentions join the dictionary (repeatable).")
    List<Path> train = new ArrayList<>();

    @Option(names = "--test", required = true, paramLabel = "FILE")
    Path test;

    @Option(names = "--corpus-format", paramLabel = "FORMAT")
    String format;

    @Mixin
    UnknownCodesOption unknownCodes;

    @Override
    public Integer call() throws IOException {
        String kbUri = Uris.prefix(kb);
        KnowledgeBase knowledgeBase;
        try (ArtifactStore store = Stores.forUri(kbUri)) {
            knowledgeBase = KbArtifact.load(store, kbUri);
        }
        Problems problems = unknownCodes.problems(false);
        List<CorpusExamples.Item> trainItems = new ArrayList<>();
        for (Path p : train) {
            trainItems.addAll(CorpusExamples.read(p, format, knowledgeBase, "en", false, problems));
        }
        List<CorpusExamples.Item> testItems = CorpusExamples.read(test, format, knowledgeBase, "en", false, problems);
        unknownCodes.report(problems, "baselines", spec.commandLine().getErr());
        if (testItems.isEmpty()) {
            throw new UserError(test + ": no linkable mention (no gold code of the corpus is in the knowledge base)");
        }
        Map<String, Double> figures = Baselines.compute(knowledgeBase, trainItems, testItems);
        StringBuilder line = new StringBuilder("mentions=" + testItems.size());
        figures.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
