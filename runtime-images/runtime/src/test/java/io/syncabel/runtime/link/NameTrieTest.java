package io.syncabel.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameTrieTest {
    static final int EOS = 2;

    @TempDir
    Path dir;

    NameTrie small() {
        return NameTrie.builder(EOS)
                .add(new int[] {5, 6, 7}, 0)
                .add(new int[] {5, 6}, 1)
                .add(new int[] {5, 8}, 2)
                .add(new int[] {5, 6, 7}, 3)
                .add(new int[] {5, 9, 300}, 4)
                .add(new int[] {5, 6, 7}, 3)
                .build();
    }

    @Test
    void walksEdgesAndReportsNamesWhereTheyEnd() {
        NameTrie trie = small();
        int verb = trie.child(trie.root(), 5);
        assertThat(trie.allowedNext(trie.root())).containsExactly(5);
        assertThat(trie.allowedNext(verb)).containsExactly(6, 8, 9);
        int n56 = trie.child(verb, 6);
        assertThat(trie.allowedNext(n56)).containsExactly(EOS, 7);
        assertThat(trie.nameIds(n56)).containsExactly(1);
        int n567 = trie.walk(trie.root(), new int[] {5, 6, 7});
        assertThat(trie.allowedNext(n567)).containsExactly(EOS);
        assertThat(trie.nameIds(n567)).as("shared sequence, duplicate id dropped").containsExactly(0, 3);
        assertThat(trie.isComplete(verb)).isFalse();
        assertThat(trie.nameIds(verb)).isEmpty();
        assertThat(trie.child(verb, 7)).isEqualTo(-1);
        assertThat(trie.child(verb, 70000)).isEqualTo(-1);
        assertThat(trie.walk(trie.root(), new int[] {5, 9, 301})).isEqualTo(-1);
        assertThat(trie.nodeCount()).isEqualTo(7);
        assertThat(trie.sequenceCount()).isEqualTo(4);
        assertThat(trie.nameCount()).isEqualTo(5);
        assertThat(trie.maxDepth()).isEqualTo(3);
    }

    @Test
    void rejectsTokensItCannotStore() {
        assertThatThrownBy(() -> NameTrie.builder(EOS).add(new int[] {5, EOS}, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NameTrie.builder(EOS).add(new int[] {NameTrie.MAX_TOKEN + 1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTrieAllowsNothing() {
        NameTrie trie = NameTrie.builder(EOS).build();
        assertThat(trie.nodeCount()).isEqualTo(1);
        assertThat(trie.allowedNext(trie.root())).isEmpty();
    }

    /** Every prefix of every sequence, against a map of prefix -> next tokens built the obvious way. */
    @Test
    void matchesANaiveTrieOnRandomSequences() throws IOException {
        Random rnd = new Random(42);
        Map<List<Integer>, TreeSet<Integer>> next = new HashMap<>();
        Map<List<Integer>, TreeSet<Integer>> names = new HashMap<>();
        NameTrie.Builder builder = NameTrie.builder(EOS);
        List<int[]> all = new ArrayList<>();
        for (int id = 0; id < 1500; id++) {
            int[] seq = new int[1 + rnd.nextInt(8)];
            seq[0] = 7;
            for (int i = 1; i < seq.length; i++) {
                // a small alphabet forces shared prefixes; some large ids exercise the 16-bit edges
                seq[i] = rnd.nextInt(10) == 0 ? 60000 + rnd.nextInt(5) : 3 + rnd.nextInt(12);
            }
            builder.add(seq, id);
            all.add(seq);
            List<Integer> prefix = new ArrayList<>();
            for (int t : seq) {
                next.computeIfAbsent(List.copyOf(prefix), k -> new TreeSet<>()).add(t);
                prefix.add(t);
            }
            next.computeIfAbsent(List.copyOf(prefix), k -> new TreeSet<>()).add(EOS);
            names.computeIfAbsent(List.copyOf(prefix), k -> new TreeSet<>()).add(id);
        }
        NameTrie built = builder.build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        built.write(bytes);
        assertThat(bytes.size()).isEqualTo(built.sizeInBytes());
        Path file = dir.resolve("group.trie");
        built.write(file);
        for (NameTrie trie : List.of(built, NameTrie.read(new ByteArrayInputStream(bytes.toByteArray())),
                NameTrie.map(file))) {
            assertThat(trie.nodeCount()).isEqualTo(next.size());
            for (int[] seq : all) {
                int node = trie.root();
                List<Integer> prefix = new ArrayList<>();
                for (int t : seq) {
                    assertThat(boxed(trie.allowedNext(node))).containsExactlyElementsOf(next.get(prefix));
                    assertThat(trie.child(node, t + 100)).isEqualTo(-1);
                    node = trie.child(node, t);
                    prefix.add(t);
                }
                assertThat(boxed(trie.allowedNext(node))).containsExactlyElementsOf(next.get(prefix));
                assertThat(boxed(trie.nameIds(node)))
                        .containsExactlyElementsOf(names.get(prefix));
            }
        }
    }

    @Test
    void readRejectsForeignOrTruncatedBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        small().write(bytes);
        byte[] data = bytes.toByteArray();
        assertThatThrownBy(() -> NameTrie.read(new ByteArrayInputStream(Arrays.copyOf(data, data.length - 8))))
                .isInstanceOf(IOException.class);
        byte[] foreign = data.clone();
        foreign[0] = 'X';
        assertThatThrownBy(() -> NameTrie.read(new ByteArrayInputStream(foreign)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
