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

    private final HuggingFaceTokenizer hf;
    private final int vocabularySize;

    private Tokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize) {
        this.hf = tokenizer;
        this.vocabularySize = vocabularySize;
    }

    /** Loads a tokenizer.json offline; refuses one whose special tokens do not sit at the fixed ids. */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        JsonNode added = root.path("added_tokens");
        for (int id = 0; id < BpeVocabulary.SPECIALS.size(); id++) {
            JsonNode t = added.path(id);
            if (t.path("id").asInt(-1) != id || !BpeVocabulary.SPECIALS.get(id).equals(t.path("content").asText())) {
                throw new IOException(tokenizerJson + ": special token " + BpeVocabulary.SPECIALS.get(id)
                        + " is not at id " + id);
            }
        }
        int size = root.path("model").path("vocab").size();
        return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS), size);
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

    public SpecialTokens special() {
        return SPECIAL;
    }

    @Override
    public void close() {
        hf.close();
    }
}
