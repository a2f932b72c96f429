package io.syncabel.runtime.cli;

import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.corpus.CorpusReader;
import io.syncabel.runtime.corpus.Example;
import io.syncabel.runtime.corpus.ExampleBuilder;
import io.syncabel.runtime.kb.KbArtifact;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.Problems;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel corpus ...`: annotated corpora. */
@Command(name = "corpus", description = "Annotated corpora: turn gold mentions into training/evaluation examples.",
        subcommands = {CorpusCommand.Prepare.class})
final class CorpusCommand {

    /** `syncabel corpus prepare`: one example per linkable gold mention, as JSONL, for inspection and training. */
    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Write one example per linkable gold mention: source [mention]{Group}, target [mention] is <name>.")
    static final class Prepare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--kb", required = true, paramLabel = "URI", description = "Knowledge-base artifact (file: or s3://, or a folder path).")
        String kb;

        @Option(names = "--corpus", required = true, paramLabel = "PATH", description = "Corpus file (a folder for brat).")
        Path corpus;

        @Option(names = "--corpus-format", paramLabel = "FORMAT", description = "pubtator, brat or jsonl (default: from the file name, else pubtator).")
        String format;

        @Option(names = "--out", required = true, paramLabel = "EXAMPLES.JSONL", description = "Output file (written whole or not at all).")
        Path out;

        @Option(names = "--language", defaultValue = "en", paramLabel = "LANG", description = "Target verb: en (is), fr (est), es (es). Default en.")
        String language;

        @Option(names = "--lenient", description = "Skip bad lines and unknown concept ids (counted) instead of failing.")
        boolean lenient;

        @Mixin
        UnknownCodesOption unknownCodes;

        @Override
        public Integer call() throws IOException {
            String kbUri = StoreUris.isS3(kb) || StoreUris.isFile(kb) ? kb : "file:" + Path.of(kb).toAbsolutePath();
            if (!kbUri.endsWith("/")) {
                kbUri = kbUri + "/";
            }
            if (!Files.exists(corpus)) {
                throw new UserError(corpus + ": no such file or folder");
            }
            KnowledgeBase knowledgeBase;
            try (ArtifactStore store = Stores.forUri(kbUri)) {
                knowledgeBase = KbArtifact.load(store, kbUri);
            }
            Problems problems = unknownCodes.problems(lenient);
            ExampleBuilder builder = new ExampleBuilder(knowledgeBase, language, problems);
            CorpusReader reader = CorpusReader.forFormat(CorpusExamples.formatOf(corpus, format));
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = FolderStore.newTempFile(parent, ".examples");
            long[] counts = new long[2];
            try {
                try (Writer w = new BufferedWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))) {
                    reader.read(corpus, problems, doc -> {
                        counts[0]++;
                        try {
                            for (Example e : builder.examples(doc)) {
                                w.write(Json.MAPPER.writeValueAsString(e));
                                w.write('\n');
                                counts[1]++;
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (counts[0] % 1000 == 0) {
                            System.err.printf("corpus prepare: %,d documents, %,d examples%n", counts[0], counts[1]);
                        }
                    });
                }
                unknownCodes.report(problems, "corpus prepare", spec.commandLine().getErr());
                if (counts[1] == 0) {
                    throw new UserError(corpus + ": no linkable mention (" + builder.mentions() + " mentions: "
                            + builder.withoutIds() + " without a gold code, " + builder.unknownIds()
                            + " codes not in the knowledge base, " + builder.withoutNames() + " whose concepts own no name)");
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("documents", counts[0]);
            summary.put("mentions", builder.mentions());
            summary.put("examples", counts[1]);
            summary.put("mentionsWithoutIds", builder.withoutIds());
            summary.put("mentionsWithoutNames", builder.withoutNames());
            summary.put("unknownIds", builder.unknownIds());
            summary.put("skippedLines", problems.skipped());
            if (!problems.examples().isEmpty()) {
                summary.put("skippedExamples", problems.examples());
            }
            Summary.emit(spec.commandLine().getOut(), summary);
            return 0;
        }
    }
}
