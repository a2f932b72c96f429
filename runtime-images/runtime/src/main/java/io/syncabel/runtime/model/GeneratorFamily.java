package io.syncabel.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A family of pretrained networks a linker can be fine-tuned from (BART, mBART), as model artifacts store and reopen
 * it: the checkpoint's own {@code config.json} in model.json, the weights in {@link #weightsFile()}. Implementations
 * live above this package (they need the pretrained blocks) and are found with {@link ServiceLoader}
 * (META-INF/services), so this package never imports them.
 */
public interface GeneratorFamily {

    /** The name model.json records ({@code bart}). */
    String name();

    /** Whether a checkpoint's {@code config.json} is of this family (its {@code model_type}). */
    boolean accepts(JsonNode config);

    /** The artifact file that holds the weights ({@code model.safetensors}). */
    String weightsFile();

    /** The network of {@code config} with the weights {@link Generator#weights()} wrote; {@code trainable}: to go on training. */
    Generator open(JsonNode config, InputStream weights, boolean trainable) throws IOException;

    /** The network of a checkpoint in the Hugging Face layout, unpacked in {@code dir} (config.json, weights or their shards), trainable. */
    Generator openCheckpoint(JsonNode config, java.nio.file.Path dir) throws IOException;

    /**
     * The shape model.json and logs report, with the source length the linker cuts its inputs to; the heads are
     * the encoder's, the FFN width the encoder's.
     */
    ModelConfig describe(JsonNode config, int maxSourceLength);

    /**
     * The checkpoint's tokenizer ({@code tokenizerJson}, as the model reads it) with the special ids {@code config}
     * names (pad, decoder start, end); {@code source} names the file in errors.
     */
    io.syncabel.runtime.model.tokenizer.Tokenizer tokenizer(JsonNode config, byte[] tokenizerJson, String source) throws IOException;

    /**
     * A checkpoint's config and tokenizer.json set for a corpus language, as fine-tuning and the artifact use them;
     * {@code languageCode}: the token chosen (mBART-50's {@code fr_XX}), null where the family has none.
     */
    record Localised(JsonNode config, byte[] tokenizerJson, String languageCode) {
    }

    /**
     * The checkpoint set for the corpus language {@code language} (an ISO 639-1 code such as {@code en}, {@code fr}):
     * multilingual checkpoints read and write that language; others are returned as they are (the default).
     * {@code source} names the checkpoint in errors.
     */
    default Localised localise(JsonNode config, byte[] tokenizerJson, String language, String source) throws IOException {
        return new Localised(config, tokenizerJson, null);
    }

    /** The families on the class path. */
    static List<GeneratorFamily> all() {
        return ServiceLoader.load(GeneratorFamily.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The family called {@code name}; an error names the ones there are. */
    static GeneratorFamily named(String name) {
        List<GeneratorFamily> all = all();
        return all.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "generator family '" + name + "' is not known to this runtime (known: "
                        + all.stream().map(GeneratorFamily::name).toList() + ")"));
    }
}
