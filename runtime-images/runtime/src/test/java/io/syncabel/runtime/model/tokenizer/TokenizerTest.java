package io.syncabel.runtime.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    static final List<String> TRICKY = List.of(
            "[BRCA1 mutation] is breast-ovarian cancer, familial 1",
            "{Disorders} The [DMD] gene {x}",
            "Sjögren's syndrome",
            "α-thalassemia and β2-microglobulin",
            "café-au-lait spots; naïve",
            "IL-6 (interleukin 6) / ACE2/TMPRSS2",
            "  double  spaces\ttab\nnewline ",
            "日本語 🧬 DNA",
            "non\u00a0breaking space",
            "x\u00a0.\u2003!y\u3000\u3000z \u00a0\u00a0(",
            "it's 3'-UTR they'll",
            "");

    static List<String> names;
    static BpeVocabulary vocab;

    @TempDir
    static Path dir;

    @BeforeAll
    static void train() throws IOException {
        names = new ArrayList<>();
        Path medic = io.syncabel.runtime.TestData.data("ncbi-disease/medic_06Jul2012.txt");
        for (String line : Files.readAllLines(medic, StandardCharsets.UTF_8).subList(0, 1000)) {
            String right = line.substring(line.indexOf("||") + 2);
            names.addAll(Arrays.asList(right.split("\\|")));
        }
        vocab = new BpeTrainer(700, 2).train(texts());
    }

    /** The names as trie text, plus the odd strings often enough that merges cross their split points. */
    static List<String> texts() {
        List<String> texts = new ArrayList<>();
        names.forEach(n -> texts.add(" is " + n));
        for (int i = 0; i < 5; i++) {
            texts.addAll(TRICKY);
        }
        return texts;
    }

    @Test
    void trainingFillsTheVocabularyAndIsDeterministic() throws IOException {
        assertThat(vocab.size()).isEqualTo(700);
        assertThat(vocab.mergeCount()).isEqualTo(700 - 260);
        List<String> texts = texts();
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        vocab.writeTokenizerJson(a);
        new BpeTrainer(700, 2).train(texts).writeTokenizerJson(b);
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        // the verb that starts every trie sequence is learnt as one token
        assertThat(vocab.encode(" is")).hasSize(1);
        assertThat(new BpeTrainer(100_000 / 2, 1000).train(texts).size())
                .as("minFrequency stops training early").isLessThan(700);
    }

    @Test
    void nativeTokenizerAgreesWithTheJavaEncoderAndRoundTrips() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        vocab.writeTokenizerJson(file);
        try (Tokenizer tok = Tokenizer.load(file)) {
            assertThat(tok.vocabularySize()).isEqualTo(700);
            List<String> all = new ArrayList<>(TRICKY);
            all.addAll(names);
            for (String s : all) {
                int[] ids = tok.encode(s);
                assertThat(ids).as(s).isEqualTo(vocab.encode(s));
                assertThat(Arrays.stream(ids).allMatch(id -> id >= 4 && id < 700)).as(s).isTrue();
                assertThat(tok.decode(ids)).isEqualTo(s).isEqualTo(vocab.decode(ids));
            }
            assertThat(tok.encode(" is Dystrophy")).isEqualTo(concat(tok.encode(" is"), tok.encode(" Dystrophy")));
        }
    }

    @Test
    void aCaseFoldingTokenizerLowerCasesInJavaAndNativelyAlike() throws IOException {
        BpeVocabulary folded = new BpeTrainer(700, 2).train(texts(), true);
        assertThat(folded.lowercase()).isTrue();
        Path file = dir.resolve("folded.json");
        folded.writeTokenizerJson(file);
        try (Tokenizer tok = Tokenizer.load(file)) {
            List<String> all = new ArrayList<>(TRICKY);
            all.addAll(names.subList(0, 300));
            for (String s : all) {
                int[] ids = tok.encode(s);
                assertThat(ids).as(s).isEqualTo(folded.encode(s)).isEqualTo(folded.encode(s.toLowerCase(java.util.Locale.ROOT)));
                assertThat(tok.decode(ids)).isEqualTo(s.toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(tok.encode(" is ANIRIDIA")).isEqualTo(tok.encode(" is Aniridia"));
            assertThat(tok.encode(" A<sep> B</s>")).contains(3).endsWith(2);
        }
        assertThat(vocab.lowercase()).isFalse();
        assertThat(vocab.encode(" ANIRIDIA")).isNotEqualTo(vocab.encode(" aniridia"));
    }

    /** Trained on the odd strings alone, merges span every byte pair, so any split point that differs shows. */
    @Test
    void javaPreTokenizationSplitsWhereTheNativeOneDoes() throws IOException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            texts.addAll(TRICKY);
        }
        BpeVocabulary odd = new BpeTrainer(2000, 2).train(texts);
        Path file = dir.resolve("odd.json");
        odd.writeTokenizerJson(file);
        try (Tokenizer tok = Tokenizer.load(file)) {
            for (String s : TRICKY) {
                assertThat(tok.encode(s)).as(s).isEqualTo(odd.encode(s));
                assertThat(odd.decode(odd.encode(s))).isEqualTo(s);
            }
        }
    }

    @Test
    void specialTokensHaveFixedIdsAndAreOnlyAddedWhenWritten() throws IOException {
        Path file = dir.resolve("specials.json");
        vocab.writeTokenizerJson(file);
        try (Tokenizer tok = Tokenizer.load(file)) {
            assertThat(tok.special().pad()).isZero();
            assertThat(tok.special().start()).isEqualTo(1);
            assertThat(tok.special().end()).isEqualTo(2);
            assertThat(tok.special().separator()).isEqualTo(3);
            int[] a = tok.encode(" A");
            int[] ids = tok.encode(" A<sep> B</s>");
            assertThat(ids).isEqualTo(vocab.encode(" A<sep> B</s>"));
            assertThat(ids).startsWith(a).contains(3).endsWith(2);
            assertThat(tok.encode("[x] is")[0]).as("no <s> prepended").isNotEqualTo(1);
            assertThat(tok.decode(ids)).isEqualTo(" A B");
        }
    }

    @Test
    void refusesATokenizerWithOtherSpecialIds() throws IOException {
        Path file = dir.resolve("foreign.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vocab.writeTokenizerJson(out);
        Files.writeString(file, out.toString(StandardCharsets.UTF_8).replace("\"<sep>\"", "\"<mask>\""));
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(IOException.class).hasMessageContaining("<sep>");
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
