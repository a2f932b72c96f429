package io.syncabel.runtime.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE: tokens by id and merges by rank. Writes the Hugging Face
 * {@code tokenizer.json} that DJL loads at train and serve time, and encodes in plain Java the same way
 * (used by tests to pin the file's meaning, and by benchmarks that should not load a native library).
 *
 * <p>Fixed ids: {@code <pad>}=0, {@code <s>}=1 (decoder start, never inside a trie sequence),
 * {@code </s>}=2 (end of a name), {@code <sep>}=3 (composite-name separator), then the 256 byte tokens
 * (4 + byte value), then one token per merge. There is no unknown token: every byte has a token.
 */
public final class BpeVocabulary {

    public static final int PAD = 0;
    public static final int START = 1;
    public static final int END = 2;
    public static final int SEPARATOR = 3;
    static final int FIRST_BYTE = 4;
    static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<sep>");

    private final List<String> tokens;
    private final int[][] merges;
    /** Whether text is lower-cased before tokenisation (tokenizer.json's Lowercase normalizer). */
    private final boolean lowercase;
    private final Map<Long, Integer> rankOfPair = new HashMap<>();
    private final Map<String, int[]> pieceCache = new HashMap<>();

    /**
     * @param tokens token strings by id (specials, then byte-level spellings)
     * @param merges by rank: {left id, right id, merged id}
     */
    BpeVocabulary(List<String> tokens, int[][] merges, boolean lowercase) {
        this.tokens = List.copyOf(tokens);
        this.merges = merges;
        this.lowercase = lowercase;
        for (int r = 0; r < merges.length; r++) {
            rankOfPair.putIfAbsent(pair(merges[r][0], merges[r][1]), r);
        }
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    public int size() {
        return tokens.size();
    }

    public int mergeCount() {
        return merges.length;
    }

    public String token(int id) {
        return tokens.get(id);
    }

    /** Whether this tokenizer folds case (every text is lower-cased first). */
    public boolean lowercase() {
        return lowercase;
    }

    /** Encodes as the native tokenizer does with this file and no added special tokens. */
    public int[] encode(String text) {
        if (lowercase) {
            text = text.toLowerCase(java.util.Locale.ROOT); // the special tokens are lower-case already
        }
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        int from = 0;
        int i = 0;
        while (i < text.length()) {
            int special = specialAt(text, i);
            if (special < 0) {
                i++;
                continue;
            }
            total += encodePlain(text.substring(from, i), parts);
            parts.add(new int[] {special});
            total++;
            i += SPECIALS.get(special).length();
            from = i;
        }
        total += encodePlain(text.substring(from), parts);
        int[] out = new int[total];
        int k = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }

    private static int specialAt(String text, int i) {
        for (int s = 0; s < SPECIALS.size(); s++) {
            if (text.startsWith(SPECIALS.get(s), i)) {
                return s;
            }
        }
        return -1;
    }

    private int encodePlain(String text, List<int[]> parts) {
        int n = 0;
        for (String piece : ByteLevel.pieces(text)) {
            int[] ids = pieceCache.computeIfAbsent(piece, this::mergePiece);
            parts.add(ids);
            n += ids.length;
        }
        return n;
    }

    /** Applies merges lowest rank first, leftmost first on ties, as the Rust BPE model does. */
    private int[] mergePiece(String piece) {
        int[] s = new int[piece.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = FIRST_BYTE + ByteLevel.byteOf(piece.charAt(i));
        }
        int n = s.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < n; i++) {
                Integer r = rankOfPair.get(pair(s[i], s[i + 1]));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            s[at] = merges[bestRank][2];
            System.arraycopy(s, at + 2, s, at + 1, n - at - 2);
            n--;
        }
        return Arrays.copyOf(s, n);
    }

    /** Text of the ids, special tokens dropped, as the native ByteLevel decoder does. */
    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            if (id < FIRST_BYTE) {
                continue;
            }
            String t = tokens.get(id);
            for (int i = 0; i < t.length(); i++) {
                bytes.write(ByteLevel.byteOf(t.charAt(i)));
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code tokenizer.json}: BPE model, ByteLevel pre-tokenizer and decoder, no post-processor, and a
     * Lowercase normalizer when the vocabulary folds case.
     */
    public void writeTokenizerJson(OutputStream out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < SPECIALS.size(); id++) {
            added.addObject()
                    .put("id", id)
                    .put("content", SPECIALS.get(id))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        if (lowercase) {
            root.putObject("normalizer").put("type", "Lowercase");
        } else {
            root.putNull("normalizer");
        }
        root.set("pre_tokenizer", byteLevel(json));
        // no post-processor: nothing (no <s>) is added around encoded text, so trie sequences and the
        // forced prefix are exactly the text's tokens; the model code places <s> and </s> itself
        root.putNull("post_processor");
        root.set("decoder", byteLevel(json));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        ArrayNode mergeList = model.putArray("merges");
        for (int[] m : merges) {
            // byte-level tokens never contain a space, so the legacy "left right" form is unambiguous
            mergeList.add(tokens.get(m[0]) + " " + tokens.get(m[1]));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out, root);
    }

    public void writeTokenizerJson(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTokenizerJson(out);
        }
    }

    private static ObjectNode byteLevel(ObjectMapper json) {
        return json.createObjectNode()
                .put("type", "ByteLevel")
                .put("add_prefix_space", false)
                .put("trim_offsets", true)
                .put("use_regex", true);
    }
}
