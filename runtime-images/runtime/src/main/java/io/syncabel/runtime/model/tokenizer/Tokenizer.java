package io.syncabel.runtime.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncabel.runtime.link.SpecialTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The project's tokenizer at train and serve time: a {@code tokenizer.json} written by
 * {@link BpeVocabulary}, run by DJL's native Hugging Face tokenizer. Encoding never adds special
 * tokens (the model code places {@code <s>} and {@code </s>} where they belong), never truncates, and
 * decoding does not "clean up" spaces, so that {@code decode(encode(s)) == s}.
 */
public final class Tokenizer implements AutoCloseable {

    /** The fixed special ids every tokenizer.json of this project has. */
    public static final SpecialTokens SPECIAL =
            new SpecialTokens(BpeVocabulary.PAD, BpeVocabulary.START, BpeVocabulary.END, BpeVocabulary.SEPARATOR);

    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false",
            "truncation", "false",
            "padding", "false",
            "cleanupTokenizationSpaces", "false",
            "modelMaxLength", "1000000");

    /** Tokens a checkpoint's tokenizer may have that never occur in a KB name, in the order tried as the separator. */
    static final java.util.List<String> SEPARATOR_CANDIDATES = java.util.List.of("<sep>", "[SEP]", "<mask>", "[MASK]", "<unk>", "[UNK]");

    private final HuggingFaceTokenizer hf;
    private final int vocabularySize;
    private final SpecialTokens special;

    private Tokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, SpecialTokens special) {
        this.hf = tokenizer;
        this.vocabularySize = vocabularySize;
        this.special = special;
    }

    /** Loads a tokenizer.json offline; refuses one whose special tokens do not sit at the fixed ids. */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        return load(java.nio.file.Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
    }

    /** As above from the file's bytes; {@code source} names it in errors. */
    public static Tokenizer load(byte[] tokenizerJson, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        JsonNode added = root.path("added_tokens");
        for (int id = 0; id < BpeVocabulary.SPECIALS.size(); id++) {
            JsonNode t = added.path(id);
            if (t.path("id").asInt(-1) != id || !BpeVocabulary.SPECIALS.get(id).equals(t.path("content").asText())) {
                throw new IOException(source + ": special token " + BpeVocabulary.SPECIALS.get(id)
                        + " is not at id " + id);
            }
        }
        return new Tokenizer(huggingFace(tokenizerJson), root.path("model").path("vocab").size(), SPECIAL);
    }

    /**
     * Loads a pretrained checkpoint's tokenizer.json (any layout) with the special ids its config names: pad, decoder
     * start and end come from the caller; the separator of composite answers is the first of {@code <sep>},
     * {@code [SEP]}, {@code <mask>}, {@code [MASK]}, {@code <unk>}, {@code [UNK]} among its added (special) tokens,
     * none of which a KB name tokenises to.
     */
    public static Tokenizer load(Path tokenizerJson, int pad, int start, int end) throws IOException {
        return load(java.nio.file.Files.readAllBytes(tokenizerJson), tokenizerJson.toString(), pad, start, end);
    }

    /** As above from the file's bytes; {@code source} names it in errors. */
    public static Tokenizer load(byte[] tokenizerJson, String source, int pad, int start, int end) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        int separator = -1;
        for (String candidate : SEPARATOR_CANDIDATES) {
            for (JsonNode t : root.path("added_tokens")) {
                if (separator < 0 && candidate.equals(t.path("content").asText()) && t.path("id").canConvertToInt()) {
                    separator = t.path("id").asInt();
                }
            }
        }
        if (separator < 0) {
            throw new IOException(source + ": no special token to separate composite answers (looked for "
                    + String.join(", ", SEPARATOR_CANDIDATES) + " among added_tokens)");
        }
        return new Tokenizer(huggingFace(tokenizerJson), root.path("model").path("vocab").size(),
                new SpecialTokens(pad, start, end, separator));
    }

    private static HuggingFaceTokenizer huggingFace(byte[] tokenizerJson) throws IOException {
        return HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(tokenizerJson), OPTIONS);
    }

    /**
     * A checkpoint's tokenizer.json that lower-cases text first, as a case-folded model reads and writes it: a
     * {@code Lowercase} normalizer before the file's own (if any). The ids of the vocabulary do not change.
     */
    public static byte[] lowercased(byte[] tokenizerJson) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(tokenizerJson);
        JsonNode own = root.path("normalizer");
        com.fasterxml.jackson.databind.node.ObjectNode lower = mapper.createObjectNode().put("type", "Lowercase");
        if (own.isMissingNode() || own.isNull()) {
            root.set("normalizer", lower);
        } else if (!own.path("type").asText().equals("Lowercase")) {
            com.fasterxml.jackson.databind.node.ObjectNode sequence = mapper.createObjectNode().put("type", "Sequence");
            sequence.putArray("normalizers").add(lower).add(own);
            root.set("normalizer", sequence);
        }
        return mapper.writeValueAsBytes(root);
    }

    public int[] encode(String text) {
        Encoding e = hf.encode(text, false, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Text of the ids; special tokens are dropped (names never contain one). */
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return hf.decode(wide, true);
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /** The project's fixed ids ({@link #SPECIAL}), or those a checkpoint's config named. */
    public SpecialTokens special() {
        return special;
    }

    @Override
    public void close() {
        hf.close();
    }
}
