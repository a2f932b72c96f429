package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrieBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void readsTheNamesSideOfDnormLines() throws IOException {
        Path file = dir.resolve("medic.txt");
        Files.writeString(file, "C565588||Epidermolysis Bullosa With Diaphragmatic Hernia\n"
                + "C567755|613097||Tooth Agenesis, Selective, 6|STHAG6\n\nno separator here\n");
        assertThat(TrieBenchmark.medicNames(file)).containsExactly(
                "Epidermolysis Bullosa With Diaphragmatic Hernia", "Tooth Agenesis, Selective, 6", "STHAG6");
    }

    @Test
    void syntheticNamesAreDistinctReproducibleAndMadeOfRealWords() {
        List<String> real = List.of("Muscular dystrophy", "Breast cancer", "Aniridia", "Tooth Agenesis, Selective, 6");
        List<String> a = TrieBenchmark.syntheticNames(real, 200, new Random(1));
        assertThat(a).hasSize(200).doesNotHaveDuplicates().isEqualTo(TrieBenchmark.syntheticNames(real, 200, new Random(1)));
        HashSet<String> words = new HashSet<>();
        real.forEach(n -> words.addAll(List.of(n.split(" "))));
        assertThat(a).allSatisfy(n -> assertThat(words).containsAll(List.of(n.split(" "))));
    }
}
