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

    /**
     * The special tokens a checkpoint's tokenizer puts around one text ({@code post_processor}): {@code <s> … </s>} for
     * BART, {@code en_XX … </s>} for mBART-50. The generator's source is wrapped in them, as transformers feeds the
     * checkpoint; the project's own network reads its sources bare ({@link #NONE}).
     */
    public record SourceTemplate(int[] start, int[] end) {
        public static final SourceTemplate NONE = new SourceTemplate(new int[0], new int[0]);

        public SourceTemplate {
            start = start == null ? new int[0] : start.clone();
            end = end == null ? new int[0] : end.clone();
        }

        /** Tokens it adds. */
        public int length() {
            return start.length + end.length;
        }

        /** The tokens with the template around them. */
        public int[] wrap(int[] tokens) {
            int[] out = new int[length() + tokens.length];
            System.arraycopy(start, 0, out, 0, start.length);
            System.arraycopy(tokens, 0, out, start.length, tokens.length);
            System.arraycopy(end, 0, out, start.length + tokens.length, end.length);
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SourceTemplate t && java.util.Arrays.equals(start, t.start) && java.util.Arrays.equals(end, t.end);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(start) + java.util.Arrays.hashCode(end);
        }

        @Override
        public String toString() {
            return java.util.Arrays.toString(start) + " text " + java.util.Arrays.toString(end);
        }
    }

    /** What a checkpoint's template is read from: its post-processor's tokens around this text's own. */
    private static final String PROBE = "a";

    private final HuggingFaceTokenizer hf;
    private final int vocabularySize;
    private final SpecialTokens special;
    private final SourceTemplate sourceTemplate;

    private Tokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, SpecialTokens special, SourceTemplate sourceTemplate) {
        this.hf = tokenizer;
        this.vocabularySize = vocabularySize;
        this.special = special;
        this.sourceTemplate = sourceTemplate;
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
        return new Tokenizer(huggingFace(tokenizerJson), root.path("model").path("vocab").size(), SPECIAL, SourceTemplate.NONE);
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
        HuggingFaceTokenizer hf = huggingFace(tokenizerJson);
        return new Tokenizer(hf, root.path("model").path("vocab").size(), new SpecialTokens(pad, start, end, separator),
                template(hf));
    }

    /** The tokens the tokenizer's post-processor adds around a text's own ({@link SourceTemplate#NONE}: none). */
    private static SourceTemplate template(HuggingFaceTokenizer hf) {
        long[] plain = hf.encode(PROBE, false, false).getIds();
        long[] full = hf.encode(PROBE, true, false).getIds();
        for (int at = 0; at + plain.length <= full.length; at++) {
            if (java.util.Arrays.equals(full, at, at + plain.length, plain, 0, plain.length)) {
                return new SourceTemplate(ints(full, 0, at), ints(full, at + plain.length, full.length));
            }
        }
        return SourceTemplate.NONE; // a post-processor that rewrites the text itself: read bare
    }

    private static int[] ints(long[] ids, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = (int) ids[i];
        }
        return out;
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

    /** What the generator's sources are wrapped in: the checkpoint's post-processor's tokens, none for the project's own. */
    public SourceTemplate sourceTemplate() {
        return sourceTemplate;
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
