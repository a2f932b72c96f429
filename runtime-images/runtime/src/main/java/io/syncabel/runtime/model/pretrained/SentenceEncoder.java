package io.syncabel.runtime.model.pretrained;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.syncabel.runtime.link.Embedder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings from a pretrained BERT-family checkpoint, as sentence-transformers computes them: the
 * checkpoint's tokenizer (DJL's Hugging Face tokenizers) truncating to a maximum length, the encoder, mean
 * pooling over real tokens and L2 normalisation. Texts are batched by token count so little padding is run.
 */
public final class SentenceEncoder implements Embedder, AutoCloseable {
    /** Tokens per text when the config names no {@code max_seq_length} (names and mentions are far shorter). */
    public static final int DEFAULT_MAX_LENGTH = 128;
    private static final int BATCH = 64;

    private final NDManager manager;
    private final BertEncoder block;
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    private SentenceEncoder(NDManager manager, BertEncoder block, HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
        this.manager = manager;
        this.block = block;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /** Loads the checkpoint's encoder and tokenizer; the maximum length is the config's max_seq_length, else 128. */
    public static SentenceEncoder load(HfCheckpoint checkpoint) throws IOException {
        int configured = checkpoint.config().path("max_seq_length").asInt(DEFAULT_MAX_LENGTH);
        return load(checkpoint, configured);
    }

    public static SentenceEncoder load(HfCheckpoint checkpoint, int maxLength) throws IOException {
        int positions = checkpoint.config().path("max_position_embeddings").asInt(512);
        int length = Math.min(maxLength, positions);
        BertEncoder block = BertEncoder.fromConfig(checkpoint.config());
        NDManager manager = NDManager.newBaseManager();
        try {
            block.load(checkpoint.tensors(), manager);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(checkpoint.tokenizerFile(),
                    Map.of("maxLength", Integer.toString(length), "truncation", "true", "padding", "false", "addSpecialTokens", "true"));
            return new SentenceEncoder(manager, block, tokenizer, length, checkpoint.config().path("pad_token_id").asLong(0));
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    public BertEncoder block() {
        return block;
    }

    /** The NDManager holding the encoder's weights (for callers that train it). */
    public NDManager manager() {
        return manager;
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public int dimension() {
        return block.hiddenSize();
    }

    /** Token ids and attention mask (B, T) int64 for the texts, padded to the longest. */
    public NDList tokenize(NDManager manager, List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int longest = 1;
        for (Encoding e : encodings) {
            longest = Math.max(longest, e.getIds().length);
        }
        long[] ids = new long[texts.size() * longest];
        long[] mask = new long[ids.length];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < encodings.length; i++) {
            long[] tokenIds = encodings[i].getIds();
            System.arraycopy(tokenIds, 0, ids, i * longest, tokenIds.length);
            // the tokenizer's own mask: a tokenizer.json that pads by itself marks its padding 0
            System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * longest, tokenIds.length);
        }
        Shape shape = new Shape(texts.size(), longest);
        return new NDList(manager.create(ids, shape), manager.create(mask, shape));
    }

    /** Mean of the hidden states over real tokens, L2-normalised: (B, T, H) and (B, T) to (B, H). */
    public static NDArray meanPool(NDArray lastHidden, NDArray attentionMask) {
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray mean = lastHidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1e-9f));
        return mean.div(mean.norm(new int[] {1}, true).maximum(1e-12f));
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        // character length approximates token count well enough to keep padding small
        order.sort(Comparator.comparingInt(i -> texts.get(i).length()));
        for (int start = 0; start < order.size(); start += BATCH) {
            List<Integer> batch = order.subList(start, Math.min(order.size(), start + BATCH));
            List<String> batchTexts = batch.stream().map(texts::get).toList();
            try (NDManager scope = manager.newSubManager()) {
                NDList inputs = tokenize(scope, batchTexts);
                NDArray hidden = block.forward(new ParameterStore(scope, false), inputs, false).singletonOrThrow();
                NDArray pooled = meanPool(hidden, inputs.get(1));
                float[] flat = pooled.toFloatArray();
                int h = dimension();
                for (int j = 0; j < batch.size(); j++) {
                    out[batch.get(j)] = java.util.Arrays.copyOfRange(flat, j * h, (j + 1) * h);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
