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

    /** mBART's language codes: {@code en_XX}, {@code fr_XX}, {@code zh_CN}, ... (added tokens of its tokenizer). */
    private static final java.util.regex.Pattern LANGUAGE_CODE = java.util.regex.Pattern.compile("[a-z]{2}_[A-Z]{2}");

    /**
     * mBART and mBART-50 read and write the corpus language, as transformers' tokenizer does with {@code src_lang =
     * tgt_lang}: the tokenizer's post-processor puts that language's code around sources (mBART-50: {@code fr_XX text
     * </s>}) and the decoder starts from it (mBART-50: {@code </s>} then the code as forced BOS; mBART-cc25, whose
     * decoder starts with a language code: that code). The code is the added token {@code <language>_XX}-like one;
     * a checkpoint with codes but none for the language is refused, naming those it has; one without codes (BART,
     * BioBART) is returned as it is.
     */
    @Override
    public Localised localise(JsonNode config, byte[] tokenizerJson, String language, String source) throws IOException {
        JsonNode tokenizer = io.syncabel.runtime.Json.MAPPER.readTree(tokenizerJson);
        java.util.Map<String, Integer> codes = new java.util.LinkedHashMap<>();
        for (JsonNode t : tokenizer.path("added_tokens")) {
            String content = t.path("content").asText();
            if (LANGUAGE_CODE.matcher(content).matches() && t.path("id").canConvertToInt()) {
                codes.put(content, t.path("id").asInt());
            }
        }
        if (codes.isEmpty()) {
            return new Localised(config, tokenizerJson, null);
        }
        String prefix = language.toLowerCase(java.util.Locale.ROOT) + "_";
        String code = codes.keySet().stream().filter(c -> c.startsWith(prefix)).findFirst().orElseThrow(() ->
                new io.syncabel.runtime.text.UserError(source + ": no language code for '" + language + "' among the checkpoint's "
                        + codes.size() + " (" + String.join(", ", codes.keySet().stream().limit(12).toList())
                        + (codes.size() > 12 ? ", ..." : "") + "); set --language (TrainingRun spec.language) to one of them"));
        int id = codes.get(code);
        com.fasterxml.jackson.databind.node.ObjectNode localConfig = config.deepCopy();
        if (codes.containsValue(config.path("decoder_start_token_id").asInt(-1))) {
            localConfig.put("decoder_start_token_id", id); // mBART-cc25: the decoder starts with the target language
        } else {
            localConfig.put("forced_bos_token_id", id); // mBART-50: </s>, then the target language
        }
        speakLanguage(tokenizer.path("post_processor"), codes, code, id); // a tree of our own: rewritten in place
        return new Localised(localConfig, io.syncabel.runtime.Json.MAPPER.writeValueAsBytes(tokenizer), code);
    }

    /**
     * The post-processor's template (TemplateProcessing, also inside a Sequence of processors) with {@code code} wherever
     * it had a language code.
     */
    private static void speakLanguage(JsonNode post, java.util.Map<String, Integer> codes, String code, int id) {
        for (JsonNode inner : post.path("processors")) {
            speakLanguage(inner, codes, code, id);
        }
        if (!post.path("type").asText().equals("TemplateProcessing")) {
            return;
        }
        for (String kind : java.util.List.of("single", "pair")) {
            for (JsonNode piece : post.path(kind)) {
                JsonNode special = piece.path("SpecialToken");
                if (special.isObject() && codes.containsKey(special.path("id").asText())) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) special).put("id", code);
                }
            }
        }
        if (post.path("special_tokens").isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode specials = (com.fasterxml.jackson.databind.node.ObjectNode) post.path("special_tokens");
            boolean had = specials.properties().stream().anyMatch(e -> codes.containsKey(e.getKey()));
            specials.remove(codes.keySet());
            if (had) {
                com.fasterxml.jackson.databind.node.ObjectNode entry = specials.putObject(code).put("id", code);
                entry.putArray("ids").add(id);
                entry.putArray("tokens").add(code);
            }
        }
    }

    @Override
    public ModelConfig describe(JsonNode config, int maxSourceLength) {
        BartConfig c = BartConfig.fromJson(config, "config.json");
        return new ModelConfig(c.vocabSize(), c.dModel(), c.encoderLayers(), c.decoderLayers(), c.encoderHeads(),
                c.encoderFfnDim(), c.dropout(), Math.min(maxSourceLength, c.maxPositions()), c.maxPositions());
    }
}
