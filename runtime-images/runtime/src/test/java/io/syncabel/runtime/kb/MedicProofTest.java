package io.syncabel.runtime.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusReader;
import io.syncabel.runtime.corpus.Document;
import io.syncabel.runtime.text.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Issue 3's proof on real data: the full MEDIC vocabulary and every gold id of NCBI-disease. */
class MedicProofTest {

    @Test
    void fullMedicHolds11915Concepts() {
        KnowledgeBase kb = TestData.medic();
        assertThat(kb.concepts()).hasSize(11_915);
        assertThat(kb.groups()).containsExactly("DISO");
        assertThat(kb.nameCount()).isEqualTo(75_635); // distinct (name, group) entries after resolution
        assertThat(kb.concepts().values()).allMatch(c -> c.title() != null);
    }

    @Test
    void everyGoldIdOfNcbiDiseaseResolves() {
        KnowledgeBase kb = TestData.medic();
        List<String> unresolved = new ArrayList<>();
        TreeSet<String> distinct = new TreeSet<>();
        int ids = 0;
        for (String split : List.of("train/NCBItrainset_corpus.txt", "devel/NCBIdevelopset_corpus.txt",
                "test/NCBItestset_corpus.txt")) {
            List<Document> docs = new ArrayList<>();
            CorpusReader.forFormat("pubtator").read(TestData.ncbi().resolve(split), new Problems(false), docs::add);
            for (Document d : docs) {
                for (Document.Mention m : d.mentions()) {
                    for (String id : m.ids()) {
                        ids++;
                        distinct.add(id);
                        if (kb.resolve(id).isEmpty()) {
                            unresolved.add(split + " " + m.id() + " " + id);
                        }
                    }
                }
            }
        }
        assertThat(unresolved).isEmpty();
        assertThat(ids).isEqualTo(7_070); // gold ids over the 6,892 mentions, composites counted per part
        assertThat(distinct).hasSizeGreaterThan(700);
    }
}
