package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.link.BeamSearch.Candidate;
import io.syncabel.runtime.link.BeamSearch.Options;
import io.syncabel.runtime.link.BeamSearch.Query;
import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import io.syncabel.runtime.model.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizer, group tries and beam search together, on real-looking names and text. */
class GroupTriesTest {
    static final List<GroupTries.Name> NAMES = List.of(
            new GroupTries.Name("DISO", "Duchenne muscular dystrophy", 0),
            new GroupTries.Name("DISO", "Muscular dystrophy", 1),
            new GroupTries.Name("DISO", "Muscular Dystrophy, Duchenne", 2),
            new GroupTries.Name("DISO", "Myotonic dystrophy", 3),
            new GroupTries.Name("DISO", "Breast-ovarian cancer, familial 1", 4),
            new GroupTries.Name("DISO", "Sjögren's syndrome", 5),
            new GroupTries.Name("DISO", "α-thalassemia (HbH)", 6),
            new GroupTries.Name("DISO", "Aniridia", 7),
            new GroupTries.Name("DISO", "Aniridia", 8),
            new GroupTries.Name("CHEM", "Aspirin", 9),
            new GroupTries.Name("CHEM", "Muscle relaxant", 10));

    @TempDir
    Path dir;

    static BpeVocabulary vocab() {
        List<String> texts = new ArrayList<>();
        NAMES.forEach(n -> texts.add(" " + GroupTries.VERB + " " + n.text()));
        texts.add("[DMD] is");
        return new BpeTrainer(330, 1).train(texts);
    }

    @Test
    void everyBeamIsANameOfItsGroupWithAllItsIdsAfterASaveAndMap() throws IOException {
        BpeVocabulary vocab = vocab();
        GroupTries built = GroupTries.build(NAMES, vocab::encode, Tokenizer.SPECIAL.end());
        Path file = dir.resolve("tries.bin");
        built.write(file);
        GroupTries tries = GroupTries.map(file);
        assertThat(tries.byGroup().keySet()).containsExactly("CHEM", "DISO");
        assertThat(tries.verbTokens()).isEqualTo(vocab.encode(" is"));

        Map<String, Map<String, TreeSet<Integer>>> ids = new HashMap<>();
        for (GroupTries.Name n : NAMES) {
            ids.computeIfAbsent(n.group(), g -> new HashMap<>())
                    .computeIfAbsent(n.text(), t -> new TreeSet<>()).add(n.id());
        }
        for (String group : List.of("DISO", "CHEM")) {
            NameTrie a = built.byGroup().get(group);
            NameTrie b = tries.byGroup().get(group);
            int start = built.constraint(group).startNode();
            assertThat(b.allowedNext(tries.constraint(group).startNode())).isEqualTo(a.allowedNext(start));
            assertThat(b.nameCount()).isEqualTo(a.nameCount());
        }
        for (long seed = 0; seed < 10; seed++) {
            FakeDecoder decoder = FakeDecoder.random(vocab.size(), seed);
            BeamSearch search = new BeamSearch(decoder, Tokenizer.SPECIAL, vocab::decode);
            List<Query> queries = List.of(
                    new Query(vocab.encode("[DMD]{DISO}"), vocab.encode("[DMD] is"), tries.constraint("DISO")),
                    new Query(vocab.encode("[ASA]{CHEM}"), vocab.encode("[ASA] is"), tries.constraint("CHEM")));
            List<List<Candidate>> out = search.search(queries, new Options(5, 5, 64, true, false));
            for (int q = 0; q < 2; q++) {
                Map<String, TreeSet<Integer>> group = ids.get(q == 0 ? "DISO" : "CHEM");
                assertThat(out.get(q)).isNotEmpty().allSatisfy(c -> assertThat(c.parts()).singleElement().satisfies(p -> {
                    assertThat(group).containsKey(p.text());
                    assertThat(java.util.Arrays.stream(p.nameIds()).boxed().toList()).containsExactlyElementsOf(group.get(p.text()));
                }));
            }
        }
    }

    @Test
    void refusesATokenizerThatGluesTheVerbToTheName() {
        assertThatThrownBy(() -> GroupTries.build(NAMES, s -> s.equals(" is") ? new int[] {5} : new int[] {6, 7}, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
