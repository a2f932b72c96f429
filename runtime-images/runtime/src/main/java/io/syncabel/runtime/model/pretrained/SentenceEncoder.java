package io.syncabel.runtime.model.pretrained;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.link.Embedder;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings from a pretrained BERT-family checkpoint, as sentence-transformers computes them: the
 * checkpoint's tokenizer (DJL's Hugging Face tokenizers) truncating to a maximum length, the encoder, the
 * checkpoint's pooling (the mean over real tokens, or the [CLS] state where its {@value HfCheckpoint#POOLING} says so,
 * as bge and SapBERT were trained) and L2 normalisation. Texts are batched by token count so little padding is run.
 */
public final class SentenceEncoder implements Embedder, AutoCloseable {
    /** How the token states become one vector (sentence-transformers' pooling modes this runtime computes). */
    public enum Pooling {
        MEAN("pooling_mode_mean_tokens"), CLS("pooling_mode_cls_token");

        private static final List<String> OTHER_MODES = List.of("pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken");
        private final String field;

        Pooling(String field) {
            this.field = field;
        }

        /** sentence-transformers' pooling config ({@code where} names it in errors): exactly one mode this runtime has. */
        public static Pooling of(JsonNode config, String where) {
            if (config == null || !config.isObject()) {
                throw new UserError(where + ": not a JSON object");
            }
            for (String other : OTHER_MODES) {
                if (config.path(other).asBoolean(false)) {
                    throw new UserError(where + ": field " + other + " is true; this runtime pools with the mean "
                            + "(pooling_mode_mean_tokens) or the [CLS] token (pooling_mode_cls_token) only");
                }
            }
            boolean mean = config.path(MEAN.field).asBoolean(false);
            boolean cls = config.path(CLS.field).asBoolean(false);
            if (mean == cls) {
                throw new UserError(where + ": expected exactly one of " + MEAN.field + " and " + CLS.field + " to be true");
            }
            return cls ? CLS : MEAN;
        }

        /** The config sentence-transformers writes for this mode. */
        public ObjectNode config(int dimension) {
            ObjectNode node = io.syncabel.runtime.Json.MAPPER.createObjectNode();
            node.put("word_embedding_dimension", dimension);
            node.put(CLS.field, this == CLS);
            node.put(MEAN.field, this == MEAN);
            OTHER_MODES.forEach(m -> node.put(m, false));
            return node;
        }

        /** (B, T, H) states and (B, T) mask to (B, H) L2-normalised vectors. */
        public NDArray pool(NDArray lastHidden, NDArray attentionMask) {
            return this == CLS ? clsPool(lastHidden) : meanPool(lastHidden, attentionMask);
        }
    }

    /** Tokens per text when the config names no {@code max_seq_length} (names and mentions are far shorter). */
    public static final int DEFAULT_MAX_LENGTH = 128;
    private static final int BATCH = 64;

    private final NDManager manager;
    private final BertEncoder block;
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;
    private final Pooling pooling;

    private SentenceEncoder(NDManager manager, BertEncoder block, HuggingFaceTokenizer tokenizer, int maxLength, long padId,
            Pooling pooling) {
        this.manager = manager;
        this.block = block;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
        this.pooling = pooling;
    }

    /** Loads the checkpoint's encoder and tokenizer; the maximum length is the config's max_seq_length, else 128. */
    public static SentenceEncoder load(HfCheckpoint checkpoint) throws IOException {
        int configured = checkpoint.config().path("max_seq_length").asInt(DEFAULT_MAX_LENGTH);
        return load(checkpoint, configured);
    }

    public static SentenceEncoder load(HfCheckpoint checkpoint, int maxLength) throws IOException {
        int positions = checkpoint.config().path("max_position_embeddings").asInt(512);
        int length = Math.min(maxLength, positions);
        Pooling pooling = checkpoint.pooling();
        BertEncoder block = BertEncoder.fromConfig(checkpoint.config());
        NDManager manager = NDManager.newBaseManager();
        try {
            block.load(checkpoint.tensors(), manager);
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(checkpoint.tokenizerFile(),
                    Map.of("maxLength", Integer.toString(length), "truncation", "true", "padding", "false", "addSpecialTokens", "true"));
            return new SentenceEncoder(manager, block, tokenizer, length, checkpoint.config().path("pad_token_id").asLong(0), pooling);
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

    public Pooling pooling() {
        return pooling;
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
        return l2Normalised(lastHidden.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1e-9f)));
    }

    /** The first ([CLS]) token's state, L2-normalised: (B, T, H) to (B, H). */
    public static NDArray clsPool(NDArray lastHidden) {
        return l2Normalised(lastHidden.get(":, 0, :"));
    }

    private static NDArray l2Normalised(NDArray vectors) {
        return vectors.div(vectors.norm(new int[] {1}, true).maximum(1e-12f));
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
                NDArray pooled = pooling.pool(hidden, inputs.get(1));
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
