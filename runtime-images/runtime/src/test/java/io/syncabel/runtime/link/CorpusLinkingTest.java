package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusLinkingTest {
    @TempDir
    Path dir;

    @Test
    void predictionsAreWrittenWholeWithTheModeOfAnyFileAndDocumentsAreLinkedInOneBatch() throws IOException {
        KnowledgeBase kb = TestData.build("dnorm", TestData.uri(TestData.repoRoot().resolve("examples/quickstart/data/medic-slice.txt")),
                KbOptions.defaults());
        List<CorpusExamples.Item> items = CorpusExamples.read(TestData.repoRoot().resolve("examples/quickstart/data/ncbi-test.pubtator"),
                null, kb, "en", true, new Problems(false));
        List<List<String>> batches = new ArrayList<>();
        Path out = dir.resolve("predictions.jsonl");
        CorpusLinking.write(items, batch -> {
            batches.add(batch.stream().map(i -> i.example().document()).distinct().toList());
            return batch.stream().map(i -> List.<HybridLinking.Fused>of()).toList();
        }, kb, null, MentionDictionary.of(items.subList(0, 1)), out, null);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(items.size());
        // each prediction says whether its text is one of the linker's training mentions (case and spacing aside)
        String first = HybridLinking.normalise(items.get(0).example().mention());
        for (int i = 0; i < items.size(); i++) {
            boolean known = HybridLinking.normalise(items.get(i).example().mention()).equals(first);
            assertThat(io.syncabel.runtime.Json.MAPPER.readTree(lines.get(i)).get("inDictionary").asBoolean()).isEqualTo(known);
        }
        // no document is split across two batches
        for (int b = 1; b < batches.size(); b++) {
            assertThat(batches.get(b)).doesNotContain(batches.get(b - 1).get(batches.get(b - 1).size() - 1));
        }
        assertThat(batches.size()).isGreaterThan(1);
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            Path plain = Files.createFile(dir.resolve("plain.txt"));
            assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
