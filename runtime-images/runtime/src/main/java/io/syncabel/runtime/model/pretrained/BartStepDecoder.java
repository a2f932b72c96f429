package io.syncabel.runtime.model.pretrained;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.link.SpecialTokens;
import io.syncabel.runtime.model.CachedSession;
import io.syncabel.runtime.model.Seq2SeqModel;
import io.syncabel.runtime.model.Generator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A loaded BART-family checkpoint as beam search sees it ({@link StepDecoder}), so tries, scoring and serving
 * run on it unchanged. The first step of a session must feed {@code decoder_start_token_id}; when the config
 * forces a BOS token (mBART-50's target language code) the session feeds it right after, unscored, as
 * transformers' {@code forced_bos_token_id} does, and the first distribution returned is the one that follows
 * it. Cross-attention keys/values are computed once per source; the self-attention cache grows by one
 * position per step and is reordered by {@code parentRows}. Close it to free native memory.
 */
public final class BartStepDecoder implements Generator {
    private final NDManager manager;
    private final BartBlock block;

    private BartStepDecoder(NDManager manager, BartBlock block) {
        this.manager = manager;
        this.block = block;
    }

    /** Loads the checkpoint's tensors for {@code config} (which may carry a chosen target language, see {@link BartConfig#withForcedBos}). */
    public static BartStepDecoder load(BartConfig config, Map<String, HfTensor> tensors) {
        NDManager manager = NDManager.newBaseManager();
        try {
            BartBlock block = new BartBlock(config);
            block.load(tensors, manager);
            return new BartStepDecoder(manager, block);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Loads a checkpoint from its {@code config.json} and tensors. */
    public static BartStepDecoder load(JsonNode config, Map<String, HfTensor> tensors, String source) {
        return load(BartConfig.fromJson(config, source), tensors);
    }

    public BartConfig config() {
        return block.config();
    }

    @Override
    public BartBlock block() {
        return block;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** Fine-tuning with {@code model.Seq2SeqTrainer}: the loaded weights start tracking gradients. */
    public BartStepDecoder trainable() {
        block.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
        return this;
    }

    /**
     * The weights as a Hugging Face {@code model.safetensors} under the checkpoint's names (float32, the tied embedding
     * once as {@code model.shared.weight}), so a fine-tuned generator is again a checkpoint transformers can load.
     */
    @Override
    public void save(java.io.OutputStream out) throws java.io.IOException {
        Safetensors.write(block.pendingTensors(), out);
    }

    @Override
    public long parameterCount() {
        return block.parameterCount();
    }

    @Override
    public int maxSourceLength() {
        return block.config().maxPositions();
    }

    @Override
    public int maxTargetLength() {
        return block.config().maxPositions();
    }

    @Override
    public int[] decoderPrefix() {
        return block.config().decoderPrefix();
    }

    @Override
    public int endToken() {
        return block.config().eosTokenId();
    }

    @Override
    public int padToken() {
        return block.config().padTokenId();
    }

    /**
     * The special tokens beam search needs for this checkpoint: its pad, its decoder start (which is BART's
     * {@code </s>} too), its end of sequence, and the separator of composite answers, a token of the
     * checkpoint's vocabulary the caller chooses.
     */
    public SpecialTokens specialTokens(int separator) {
        BartConfig c = block.config();
        return new SpecialTokens(c.padTokenId(), c.decoderStartTokenId(), c.eosTokenId(), separator);
    }

    @Override
    public int vocabularySize() {
        return block.config().vocabSize();
    }

    /** Learned decoder positions, less the forced BOS the session feeds by itself. */
    @Override
    public int maxSteps() {
        return block.config().maxPositions() - (block.config().decoderPrefix().length - 1);
    }

    @Override
    public Session open(List<int[]> sources) {
        return new BartSession(sources);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Incremental decoding of the block (see {@link CachedSession}), the forced BOS fed on the first step. */
    private final class BartSession extends CachedSession {
        BartSession(List<int[]> sources) {
            super(manager, session -> block.crossState(Seq2SeqModel.pad(session, sources, block.config().maxPositions(),
                    block.config().padTokenId())), block.config().vocabSize(), block.config().maxPositions(),
                    "max_position_embeddings");
        }

        @Override
        protected int firstStepPositions() {
            return block.config().decoderPrefix().length;
        }

        @Override
        protected NDList decode(int[] tokens, int position, NDList cross, NDList cache) {
            BartConfig c = block.config();
            int[] prefix = c.decoderPrefix();
            if (position > 0) {
                return block.decodeStep(column(tokens), position, cross, cache);
            }
            for (int token : tokens) {
                if (token != c.decoderStartTokenId()) {
                    throw new IllegalArgumentException("a BART session starts with decoder_start_token_id "
                            + c.decoderStartTokenId() + ", got " + token);
                }
            }
            NDList out = block.decodeStep(column(tokens), position, cross, cache);
            if (prefix.length > 1) {
                // the forced BOS (language code) is fed, not scored: its row replaces the start token's
                int[] forced = new int[tokens.length];
                Arrays.fill(forced, prefix[1]);
                out = block.decodeStep(column(forced), position + 1, cross, out.subNDList(1));
            }
            return out;
        }
    }
}
