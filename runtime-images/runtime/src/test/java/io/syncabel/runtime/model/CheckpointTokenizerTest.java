package io.syncabel.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.link.GroupTries;
import io.syncabel.runtime.link.SpecialTokens;
import io.syncabel.runtime.model.tokenizer.Tokenizer;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pretrained checkpoint's own tokenizer as the linker reads and writes with it: here mBART-50's kind, a SentencePiece
 * Unigram model behind a Metaspace pre-tokenizer ("▁" for spaces), with its special tokens where the checkpoint puts
 * them. The invariant generation relies on: a target is the forced prefix followed by the name's trie sequence, and
 * those tokens decode back to the name.
 */
class CheckpointTokenizerTest {
    static final List<String> NAMES = List.of("Duchenne muscular dystrophy", "breast cancer", "Wilson's disease",
            "hepatolenticular degeneration", "colorectal cancer", "cancer, familial 1", "α-thalassemia");

    @TempDir
    Path dir;

    /** mBART-50's layout: <s> 0, <pad> 1, </s> 2, <unk> 3, then pieces, a language code and <mask> as added tokens. */
    Path sentencePieceTokenizer(boolean withMask) throws IOException {
        return sentencePieceTokenizer(withMask, false);
    }

    /** As above; {@code template}: with mBART-50's post-processor, {@code en_XX text </s>}. */
    Path sentencePieceTokenizer(boolean withMask, boolean template) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        TreeSet<String> pieces = new TreeSet<>();
        for (String text : NAMES) {
            for (String word : ("[x] is " + text).split(" ")) {
                pieces.add("▁" + word);
                word.codePoints().forEach(c -> pieces.add(new String(Character.toChars(c))));
            }
        }
        pieces.addAll(List.of("▁", "[", "]", "▁is", "▁[", "x"));
        ArrayNode vocab = mapper.createArrayNode();
        List<String> specials = List.of("<s>", "<pad>", "</s>", "<unk>");
        specials.forEach(t -> vocab.addArray().add(t).add(0.0));
        pieces.forEach(p -> vocab.addArray().add(p).add(-1.0 - p.codePointCount(0, p.length()) * 0.01 - (p.length() == 1 ? 5 : 0)));
        int french = vocab.size();
        vocab.addArray().add("fr_XX").add(0.0);
        int language = vocab.size();
        vocab.addArray().add("en_XX").add(0.0);
        int mask = vocab.size();
        if (withMask) {
            vocab.addArray().add("<mask>").add(0.0);
        }
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < specials.size(); id++) {
            addedToken(added, id, specials.get(id));
        }
        addedToken(added, french, "fr_XX");
        addedToken(added, language, "en_XX");
        if (withMask) {
            addedToken(added, mask, "<mask>");
        }
        root.putNull("normalizer");
        ObjectNode meta = mapper.createObjectNode().put("type", "Metaspace").put("replacement", "▁")
                .put("prepend_scheme", "always").put("split", true);
        root.set("pre_tokenizer", meta);
        if (template) {
            ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
            for (String kind : List.of("single", "pair")) {
                ArrayNode layout = post.putArray(kind);
                layout.addObject().putObject("SpecialToken").put("id", "en_XX").put("type_id", 0);
                layout.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
                if (kind.equals("pair")) {
                    layout.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
                }
                layout.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
            }
            ObjectNode specialTokens = post.putObject("special_tokens");
            specialTokens.putObject("en_XX").put("id", "en_XX").<ObjectNode>set("ids", mapper.createArrayNode().add(language))
                    .set("tokens", mapper.createArrayNode().add("en_XX"));
            specialTokens.putObject("</s>").put("id", "</s>").<ObjectNode>set("ids", mapper.createArrayNode().add(2))
                    .set("tokens", mapper.createArrayNode().add("</s>"));
        } else {
            root.putNull("post_processor");
        }
        root.set("decoder", meta.deepCopy());
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram").put("unk_id", 3).set("vocab", vocab);
        model.put("byte_fallback", false);
        Path file = dir.resolve((withMask ? "tokenizer" : "no-mask") + (template ? "-template" : "") + ".json");
        Files.write(file, mapper.writeValueAsBytes(root));
        return file;
    }

    private static void addedToken(ArrayNode added, int id, String content) {
        added.addObject().put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
    }

    @Test
    void aSentencePieceCheckpointsTargetsAreTriePathsThatDecodeToTheirNames() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(sentencePieceTokenizer(true), 1, 2, 2)) {
            SpecialTokens special = tokenizer.special();
            assertThat(special.separator()).as("<mask> separates composite answers").isEqualTo(tokenizer.vocabularySize() - 1);
            ExampleEncoder encoder = new ExampleEncoder(tokenizer::encode, 32, special);
            List<GroupTries.Name> trieNames = new java.util.ArrayList<>();
            for (int i = 0; i < NAMES.size(); i++) {
                trieNames.add(new GroupTries.Name("DISO", NAMES.get(i), i));
            }
            GroupTries tries = GroupTries.build(trieNames, encoder::tokens, special.end());
            for (String name : NAMES) {
                int[] tail = encoder.nameTail(name);
                assertThat(tokenizer.decode(tail).strip()).as(name).isEqualTo(name);
                assertThat(Arrays.stream(tail).anyMatch(t -> t == 3)).as(name + ": no unknown piece").isFalse();
                int[] target = encoder.target("x", List.of(name));
                // the target is what the whole sentence encodes to: the prefix then the name, nothing merged across
                assertThat(target).as(name).containsExactly(tokenizer.encode("[x] is " + name));
                assertThat(Arrays.copyOfRange(target, encoder.prefix("x").length, target.length)).containsExactly(tail);
            }
            int[] composite = encoder.target("x", List.of(NAMES.get(1), NAMES.get(4)));
            assertThat(composite).contains(special.separator());
            assertThat(tries.byGroup()).containsKey("DISO");
        }
    }

    @Test
    void anMbart50SourceIsReadInsideItsLanguageCodeAndEndTokenWithinTheLength() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(sentencePieceTokenizer(true, true), 1, 2, 2);
                Tokenizer bare = Tokenizer.load(sentencePieceTokenizer(true, false), 1, 2, 2)) {
            int language = tokenizer.vocabularySize() - 2; // en_XX, before <mask>
            assertThat(tokenizer.sourceTemplate()).isEqualTo(new Tokenizer.SourceTemplate(new int[] {language}, new int[] {2}));
            assertThat(bare.sourceTemplate()).as("no post-processor: sources read bare").isEqualTo(Tokenizer.SourceTemplate.NONE);
            assertThat(tokenizer.encode("breast cancer")).as("plain encoding adds nothing").containsExactly(bare.encode("breast cancer"));
            String marked = "[x]{DISO} is breast cancer";
            int[] plain = new ExampleEncoder(bare::encode, 64, bare.special()).source(marked, "x");
            ExampleEncoder wrapped = new ExampleEncoder(tokenizer::encode, 64, tokenizer.special(), tokenizer.sourceTemplate());
            int[] source = wrapped.source(marked, "x");
            assertThat(source).startsWith(language).endsWith(2);
            assertThat(Arrays.copyOfRange(source, 1, source.length - 1)).containsExactly(plain);
            // the template's tokens count within the source length: the text is cut around the mention to make room
            int[] cut = new ExampleEncoder(tokenizer::encode, 6, tokenizer.special(), tokenizer.sourceTemplate()).source(marked, "x");
            assertThat(cut).hasSize(6).startsWith(language).endsWith(2);
            // targets never carry the source template
            assertThat(wrapped.target("x", List.of("breast cancer"))).doesNotContain(language);
            assertThatThrownBy(() -> new ExampleEncoder(tokenizer::encode, 2, tokenizer.special(), tokenizer.sourceTemplate()))
                    .hasMessageContaining("no room");
        }
    }

    @Test
    void anMbart50CheckpointReadsAndWritesTheCorpusLanguage() throws IOException {
        GeneratorFamily bart = GeneratorFamily.named("bart");
        ObjectNode config = new ObjectMapper().createObjectNode().put("model_type", "mbart").put("decoder_start_token_id", 2);
        byte[] json = Files.readAllBytes(sentencePieceTokenizer(true, true));
        GeneratorFamily.Localised french = bart.localise(config, json, "fr", "ckpt");
        assertThat(french.languageCode()).isEqualTo("fr_XX");
        try (Tokenizer english = Tokenizer.load(json, "en", 1, 2, 2);
                Tokenizer tokenizer = Tokenizer.load(french.tokenizerJson(), "fr", 1, 2, 2)) {
            int fr = english.vocabularySize() - 3;
            assertThat(tokenizer.sourceTemplate()).as("fr_XX text </s>, as src_lang = fr_XX")
                    .isEqualTo(new Tokenizer.SourceTemplate(new int[] {fr}, new int[] {2}));
            assertThat(french.config().path("forced_bos_token_id").asInt()).as("</s> then fr_XX start the decoder").isEqualTo(fr);
            assertThat(french.config().path("decoder_start_token_id").asInt()).isEqualTo(2);
            assertThat(tokenizer.encode("breast cancer")).containsExactly(english.encode("breast cancer"));
        }
        assertThat(config.has("forced_bos_token_id")).as("the checkpoint's own config is left alone").isFalse();
        // newer tokenizer.json files nest the template in a Sequence of post-processors
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode nested = (ObjectNode) mapper.readTree(json);
        ObjectNode sequence = mapper.createObjectNode().put("type", "Sequence");
        sequence.putArray("processors").add(nested.remove("post_processor"));
        nested.set("post_processor", sequence);
        byte[] nestedFrench = bart.localise(config, mapper.writeValueAsBytes(nested), "fr", "ckpt").tokenizerJson();
        try (Tokenizer tokenizer = Tokenizer.load(nestedFrench, "fr", 1, 2, 2)) {
            int fr = french.config().path("forced_bos_token_id").asInt();
            assertThat(tokenizer.sourceTemplate()).isEqualTo(new Tokenizer.SourceTemplate(new int[] {fr}, new int[] {2}));
        }
        // mBART-cc25 starts its decoder with the language code itself (en_XX, the id after fr_XX's here)
        int fr = french.config().path("forced_bos_token_id").asInt();
        ObjectNode cc25 = config.deepCopy().put("decoder_start_token_id", fr + 1);
        GeneratorFamily.Localised cc25French = bart.localise(cc25, json, "fr", "ckpt");
        assertThat(cc25French.config().path("decoder_start_token_id").asInt()).isEqualTo(fr);
        assertThat(cc25French.config().has("forced_bos_token_id")).isFalse();
        assertThatThrownBy(() -> bart.localise(config, json, "de", "file:ckpt/")).isInstanceOf(UserError.class)
                .hasMessageContaining("file:ckpt/: no language code for 'de'").hasMessageContaining("fr_XX, en_XX");
        // a checkpoint without language codes (BART, BioBART) is read as it is
        byte[] plain = Files.readAllBytes(sentencePieceTokenizer(true, false)).clone();
        String withoutCodes = new String(plain, java.nio.charset.StandardCharsets.UTF_8).replace("fr_XX", "fr-xx").replace("en_XX", "en-xx");
        GeneratorFamily.Localised unchanged = bart.localise(config, withoutCodes.getBytes(java.nio.charset.StandardCharsets.UTF_8), "de", "c");
        assertThat(unchanged.languageCode()).isNull();
        assertThat(unchanged.config()).isSameAs(config);
    }

    @Test
    void aCheckpointTokenizerWithoutAnyUsableSeparatorIsRefusedNamingIt() throws IOException {
        Path file = sentencePieceTokenizer(false);
        // <unk> is still there: it stands in (a name never tokenises to it when the vocabulary covers its characters)
        try (Tokenizer tokenizer = Tokenizer.load(file, 1, 2, 2)) {
            assertThat(tokenizer.special().separator()).isEqualTo(3);
        }
        String json = Files.readString(file).replace("\"<unk>\"", "\"<oov>\"");
        Path none = Files.writeString(dir.resolve("none.json"), json);
        assertThatThrownBy(() -> Tokenizer.load(none, 1, 2, 2)).isInstanceOf(IOException.class)
                .hasMessageContaining("none.json").hasMessageContaining("no special token to separate composite answers");
    }
}
