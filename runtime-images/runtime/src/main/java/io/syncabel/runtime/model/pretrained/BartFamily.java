package io.syncabel.runtime.model.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.model.Generator;
import io.syncabel.runtime.model.GeneratorFamily;
import io.syncabel.runtime.model.ModelConfig;
import io.syncabel.runtime.model.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * BART-family checkpoints (BART, BioBART, mBART, mBART-50) as the linker's generator: opened by
 * {@link BartStepDecoder}, stored in model artifacts as {@code model.safetensors} under the checkpoint's own names.
 * Registered in META-INF/services.
 */
public final class BartFamily implements GeneratorFamily {
    public static final String NAME = "bart";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean accepts(JsonNode config) {
        String type = config.path("model_type").asText("");
        return type.equals("bart") || type.equals("mbart");
    }

    @Override
    public String weightsFile() {
        return Safetensors.SINGLE;
    }

    @Override
    public Generator open(JsonNode config, InputStream weights, boolean trainable) throws IOException {
        Path file = Files.createTempFile("generator", ".safetensors");
        try {
            Files.copy(weights, file, StandardCopyOption.REPLACE_EXISTING);
            BartStepDecoder decoder = BartStepDecoder.load(config, Safetensors.read(file), "model.json generatorConfig");
            return trainable ? decoder.trainable() : decoder;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public Generator openCheckpoint(JsonNode config, Path dir) throws IOException {
        return BartStepDecoder.load(config, Safetensors.readCheckpoint(dir), dir.toString()).trainable();
    }

    @Override
    public Tokenizer tokenizer(JsonNode config, byte[] tokenizerJson, String source) throws IOException {
        BartConfig c = BartConfig.fromJson(config, "config.json");
        return Tokenizer.load(tokenizerJson, source, c.padTokenId(), c.decoderStartTokenId(), c.eosTokenId());
    }

    @Override
    public ModelConfig describe(JsonNode config, int maxSourceLength) {
        BartConfig c = BartConfig.fromJson(config, "config.json");
        return new ModelConfig(c.vocabSize(), c.dModel(), c.encoderLayers(), c.decoderLayers(), c.encoderHeads(),
                c.encoderFfnDim(), c.dropout(), Math.min(maxSourceLength, c.maxPositions()), c.maxPositions());
    }
}
