package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.model.ExampleEncoder;
import io.syncabel.runtime.model.NameTable;
import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A composite mention ("ovarian and breast cancer") decodes to several names joined by <sep>, hence several codes. */
class CompositeDecodingTest {
    @TempDir
    Path dir;

    @Test
    void aModelThatWritesTwoNamesAnswersWithBothConcepts() throws IOException {
        KnowledgeBase kb = TestData.build("dnorm", TestData.uri(Files.writeString(dir.resolve("kb.txt"), """
                D001||Ovarian cancer
                D002||Breast cancer
                D003||Colon cancer
                """)), KbOptions.defaults());
        NameTable names = NameTable.of(kb);
        List<String> texts = new ArrayList<>();
        names.entries().forEach(e -> texts.add(" is " + e.name()));
        texts.add("[ovarian and breast cancer]{DISO} is");
        BpeVocabulary bpe = new BpeTrainer(300, 2).train(texts);
        ExampleEncoder encoder = new ExampleEncoder(bpe::encode, 32);
        GroupTries tries = GroupTries.build(names.trieNames(), bpe::encode, BpeVocabulary.END);
        String mention = "ovarian and breast cancer";
        // the trained target of a composite mention: the first name, <sep>, the second, </s>
        int[] target = encoder.target(mention, List.of("Ovarian cancer", "Breast cancer"));
        int prefix = encoder.prefix(mention).length;
        int[] wanted = new int[target.length - prefix + 1];
        System.arraycopy(target, prefix, wanted, 0, target.length - prefix);
        wanted[wanted.length - 1] = BpeVocabulary.END;
        int vocab = bpe.size();
        FakeDecoder decoder = FakeDecoder.writing(vocab, prefix, wanted);
        assertThat(wanted).contains(BpeVocabulary.SEPARATOR);
        GenerativeLinker linker = new GenerativeLinker(decoder, encoder, bpe::decode, tries, names, new Linker.Info("fake", "1", "1"));
        List<Linker.Result> results = linker.link(List.of(new Linker.Query("Families with ovarian and breast cancer.", 14, 39, "DISO")),
                new Linker.Options(3, 3, true));
        Linker.Candidate top = results.get(0).candidates().get(0);
        assertThat(top.codes()).containsExactly("D001", "D002");
        assertThat(top.name()).isEqualTo("Ovarian cancer<SEP>Breast cancer");
    }
}
