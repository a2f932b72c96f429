package io.syncabel.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.link.GroupTries;
import io.syncabel.runtime.model.tokenizer.Tokenizer;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.StoreException;
import io.syncabel.runtime.store.StoreUris;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A trained linker as one artifact: everything serving needs, nothing it must rebuild.
 * <ul>
 * <li>{@code model.json}: the network's {@link ModelConfig}, the KB it was trained on, the language;</li>
 * <li>{@code model.params}: the weights (DJL parameter stream), or for a generator fine-tuned from a pretrained checkpoint
 * its family's file ({@code model.safetensors}; model.json then names the family and holds the checkpoint's config);</li>
 * <li>{@code tokenizer.json}: the BPE tokenizer (Hugging Face format), or the checkpoint's;</li>
 * <li>{@code names.tsv}: the trie names with their codes ({@link NameTable});</li>
 * <li>{@code tries.bin}: one trie per semantic group ({@link GroupTries});</li>
 * <li>{@code seen-codes.txt}: the gold codes of the human training data (seen/unseen evaluation);</li>
 * <li>{@code mentions.tsv}: the human training mentions and their codes, looked up and retrieved from at link time;</li>
 * <li>{@code metrics.jsonl}: the training curve.</li>
 * </ul>
 */
public final class ModelArtifact implements AutoCloseable {
    public static final String KIND = "model";

    /**
     * What model.json records. {@code denseUri}: the dense retriever trained with the model (`train --pretrained`), whose candidates
     * and features the saved re-ranker was fitted with; null when there is none.
     */
    public record Info(ModelConfig config, String kbUri, String kbVersion, String language, long parameters, String denseUri,
            String generator, JsonNode generatorConfig, Tokenizer.SourceTemplate sourceTemplate) {
        public Info(ModelConfig config, String kbUri, String kbVersion, String language, long parameters) {
            this(config, kbUri, kbVersion, language, parameters, null, null, null, null);
        }

        public Info withDense(String uri) {
            return new Info(config, kbUri, kbVersion, language, parameters, uri, generator, generatorConfig, sourceTemplate);
        }

        /**
         * A generator fine-tuned from a pretrained checkpoint: its family ({@link GeneratorFamily#name()}), the
         * checkpoint's config.json and the template its sources were wrapped in ({@link Tokenizer#sourceTemplate()});
         * null for the project's own network (model.params).
         */
        public Info withGenerator(String family, JsonNode checkpointConfig, Tokenizer.SourceTemplate template) {
            return new Info(config, kbUri, kbVersion, language, parameters, denseUri, family, checkpointConfig,
                    template == null || template.length() == 0 ? null : template);
        }

        /**
         * The tokens the generator's sources were wrapped in when it was trained (null: none, the project's own network's
         * and the BART artifacts made before sources were wrapped, which keep reading them bare).
         */
        Tokenizer.SourceTemplate sourceTemplateOrNone() {
            return sourceTemplate == null ? Tokenizer.SourceTemplate.NONE : sourceTemplate;
        }

        /** The weights of the project's own network. */
        static final String OWN_WEIGHTS = "model.params";

        /** The file that holds the weights: the family's, else model.params. */
        String weightsFile() {
            return generator == null ? OWN_WEIGHTS : GeneratorFamily.named(generator).weightsFile();
        }
    }

    private final Info info;
    private final Generator model;
    private final Tokenizer tokenizer;
    private final NameTable names;
    private final GroupTries tries;
    private final Set<String> seenCodes;
    private final io.syncabel.runtime.link.MentionDictionary mentions;
    private final io.syncabel.runtime.link.Reranker reranker;
    /** The model's version as clients see it: the first 12 hex digits of the weights' sha256 (URL-safe, immutable). */
    private final String version;
    private final Path scratch;
    /** Attached by the caller that can open dense retrievers (model.pretrained sits above this package). */
    private io.syncabel.runtime.link.DenseRetriever dense;
    private AutoCloseable denseOwner;

    private ModelArtifact(Info info, Generator model, Tokenizer tokenizer, NameTable names, GroupTries tries,
            Set<String> seenCodes, io.syncabel.runtime.link.MentionDictionary mentions, io.syncabel.runtime.link.Reranker reranker,
            String version, Path scratch) {
        this.version = version;
        this.mentions = mentions;
        this.reranker = reranker;
        this.info = info;
        this.model = model;
        this.tokenizer = tokenizer;
        this.names = names;
        this.tries = tries;
        this.seenCodes = seenCodes;
        this.scratch = scratch;
    }

    /** Everything but the weights, which the caller streams itself (the best checkpoint). */
    public interface Weights {
        void write(OutputStream out) throws IOException;
    }

    public static Manifest write(ArtifactWriter writer, Info info, Weights weights, byte[] tokenizerJson, NameTable names,
            GroupTries tries, Set<String> seenCodes, List<String> metricLines, Map<String, Object> counts,
            List<Manifest.Input> inputs) throws IOException {
        return write(writer, info, weights, tokenizerJson, names, tries, seenCodes,
                io.syncabel.runtime.link.MentionDictionary.EMPTY, metricLines, counts, inputs);
    }

    /** As above, with the training mentions the linker looks up and retrieves from (mentions.tsv, when any). */
    public static Manifest write(ArtifactWriter writer, Info info, Weights weights, byte[] tokenizerJson, NameTable names,
            GroupTries tries, Set<String> seenCodes, io.syncabel.runtime.link.MentionDictionary mentions, List<String> metricLines,
            Map<String, Object> counts, List<Manifest.Input> inputs) throws IOException {
        return write(writer, info, weights, tokenizerJson, names, tries, seenCodes, mentions, null, metricLines, counts, inputs);
    }

    /** As above, with the learned re-ranker the default linker ranks candidates with (reranker.json, when not null). */
    public static Manifest write(ArtifactWriter writer, Info info, Weights weights, byte[] tokenizerJson, NameTable names,
            GroupTries tries, Set<String> seenCodes, io.syncabel.runtime.link.MentionDictionary mentions,
            io.syncabel.runtime.link.Reranker reranker, List<String> metricLines, Map<String, Object> counts,
            List<Manifest.Input> inputs) throws IOException {
        if (reranker != null) {
            try (OutputStream out = writer.file(io.syncabel.runtime.link.Reranker.FILE)) {
                reranker.write(out);
            }
        }
        if (!mentions.isEmpty()) {
            try (OutputStream out = writer.file(io.syncabel.runtime.link.MentionDictionary.FILE)) {
                mentions.write(out);
            }
        }
        try (OutputStream out = writer.file("model.json")) {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, info);
        }
        try (OutputStream out = writer.file(info.weightsFile())) {
            weights.write(out);
        }
        try (OutputStream out = writer.file("tokenizer.json")) {
            out.write(tokenizerJson);
        }
        try (OutputStream out = writer.file("names.tsv")) {
            names.write(out);
        }
        Path tmp = Files.createTempFile("tries", ".bin");
        try {
            tries.write(tmp);
            try (OutputStream out = writer.file("tries.bin")) {
                Files.copy(tmp, out);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (OutputStream out = writer.file("seen-codes.txt")) {
            out.write(String.join("\n", new TreeSet<>(seenCodes)).getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = writer.file("metrics.jsonl")) {
            out.write(String.join("\n", metricLines).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> all = new LinkedHashMap<>(counts);
        all.put("parameters", info.parameters());
        return writer.publish(KIND, all, inputs);
    }

    /** Loads a published model artifact, verifying each file; the tries are mapped from a local copy. */
    public static ModelArtifact load(ArtifactStore store, String prefix) throws IOException {
        if (store.manifest(prefix).isEmpty()) {
            throw new StoreException(prefix + " is not a published model artifact (no manifest.json)");
        }
        Path scratch = Files.createTempDirectory("syncabel-model");
        Info info = readInfo(store, prefix);
        copy(store, prefix, "tries.bin", scratch);
        NameTable names;
        try (InputStream in = store.openVerified(prefix, "names.tsv")) {
            names = NameTable.read(in);
        }
        Set<String> seen = readSeenCodes(store, prefix);
        GeneratorFamily family = info.generator() == null ? null : GeneratorFamily.named(info.generator());
        String weightsFile = info.weightsFile();
        byte[] tokenizerJson;
        try (InputStream in = store.openVerified(prefix, "tokenizer.json")) {
            tokenizerJson = in.readAllBytes();
        }
        String tokenizerSource = StoreUris.join(prefix, "tokenizer.json");
        Generator model;
        try (InputStream in = store.openVerified(prefix, weightsFile)) {
            model = family == null ? Seq2SeqModel.load(info.config(), in) : family.open(info.generatorConfig(), in, false);
        }
        Tokenizer tokenizer;
        try {
            tokenizer = family == null ? Tokenizer.load(tokenizerJson, tokenizerSource)
                    : family.tokenizer(info.generatorConfig(), tokenizerJson, tokenizerSource);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        GroupTries tries = GroupTries.map(scratch.resolve("tries.bin"));
        io.syncabel.runtime.link.MentionDictionary mentions = io.syncabel.runtime.link.MentionDictionary.EMPTY;
        if (store.manifest(prefix).orElseThrow().files().stream().anyMatch(f -> f.name().equals(io.syncabel.runtime.link.MentionDictionary.FILE))) {
            try (InputStream in = store.openVerified(prefix, io.syncabel.runtime.link.MentionDictionary.FILE)) {
                mentions = io.syncabel.runtime.link.MentionDictionary.read(in, StoreUris.join(prefix, io.syncabel.runtime.link.MentionDictionary.FILE));
            }
        }
        io.syncabel.runtime.link.Reranker reranker = null;
        if (store.manifest(prefix).orElseThrow().files().stream().anyMatch(f -> f.name().equals(io.syncabel.runtime.link.Reranker.FILE))) {
            try (InputStream in = store.openVerified(prefix, io.syncabel.runtime.link.Reranker.FILE)) {
                reranker = io.syncabel.runtime.link.Reranker.read(in, StoreUris.join(prefix, io.syncabel.runtime.link.Reranker.FILE));
            }
        }
        String version = store.manifest(prefix).orElseThrow().files().stream().filter(f -> f.name().equals(weightsFile))
                .map(f -> f.sha256().substring(0, Math.min(12, f.sha256().length()))).findFirst().orElse("unknown");
        return new ModelArtifact(info, model, tokenizer, names, tries, seen, mentions, reranker, version, scratch);
    }

    /** The artifact's model.json (configuration, KB URI, language), verified, without loading the weights. */
    public static Info readInfo(ArtifactStore store, String prefix) throws IOException {
        try (InputStream in = store.openVerified(prefix, "model.json")) {
            JsonNode node = Json.MAPPER.readTree(in);
            return Json.MAPPER.treeToValue(node, Info.class);
        }
    }

    /** The gold codes of the training data (seen-codes.txt), verified, without loading the weights. */
    public static Set<String> readSeenCodes(ArtifactStore store, String prefix) throws IOException {
        Set<String> seen = new TreeSet<>();
        try (InputStream in = store.openVerified(prefix, "seen-codes.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    seen.add(line.strip());
                }
            }
        }
        return seen;
    }

    private static void copy(ArtifactStore store, String prefix, String file, Path dir) throws IOException {
        try (InputStream in = store.openVerified(prefix, file)) {
            Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The generative linker over this artifact (the artifact stays open as long as the linker is used). */
    public io.syncabel.runtime.link.GenerativeLinker linker(String modelName) {
        return new io.syncabel.runtime.link.GenerativeLinker(model,
                new ExampleEncoder(tokenizer::encode, info.config().maxSourceLength(), tokenizer.special(), info.sourceTemplateOrNone()),
                tokenizer::decode, tries, names,
                new io.syncabel.runtime.link.Linker.Info(modelName, version, "null".equals(info.kbVersion()) ? null : info.kbVersion()),
                this);
    }

    public Info info() {
        return info;
    }

    public Generator model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public NameTable names() {
        return names;
    }

    public GroupTries tries() {
        return tries;
    }

    public Set<String> seenCodes() {
        return seenCodes;
    }

    /**
     * The linker this model answers with by default: with its training mentions, the exact lookup then fusion
     * over the TF-IDF top K ({@link io.syncabel.runtime.link.FusionLinker}, needs the KB); without, constrained
     * generation. Closing it closes this artifact.
     */
    public io.syncabel.runtime.link.Linker defaultLinker(String modelName, String kbUri) throws IOException {
        if (mentions.isEmpty()) {
            return linker(modelName);
        }
        String prefix = kbUri.endsWith("/") ? kbUri : kbUri + "/";
        return defaultLinker(modelName, io.syncabel.runtime.kb.KbArtifact.load(prefix));
    }

    /** As above, with the knowledge base already loaded. */
    public io.syncabel.runtime.link.Linker defaultLinker(String modelName, io.syncabel.runtime.kb.KnowledgeBase kb) {
        io.syncabel.runtime.link.GenerativeLinker generative = linker(modelName);
        if (mentions.isEmpty()) {
            return generative;
        }
        return new io.syncabel.runtime.link.FusionLinker(generative, kb, defaultSettings(1));
    }

    /**
     * The settings the default linker ranks with: the saved re-ranker (else fixed-weight fusion) over the training
     * mentions, with the attached dense retriever's candidates when there is one.
     */
    public io.syncabel.runtime.link.CorpusLinking.Settings defaultSettings(int beams) {
        io.syncabel.runtime.link.CorpusLinking.Settings settings = reranker != null
                ? io.syncabel.runtime.link.CorpusLinking.Settings.reranked(beams, mentions, reranker)
                : io.syncabel.runtime.link.CorpusLinking.Settings.recommended(beams, mentions);
        return dense == null ? settings : settings.withDense(dense);
    }

    /**
     * Lets the default linker retrieve with {@code retriever} too ({@link Info#denseUri()}, or one the user names);
     * {@code owner} (its encoder) is closed with this artifact.
     */
    public void attachDense(io.syncabel.runtime.link.DenseRetriever retriever, AutoCloseable owner) {
        this.dense = retriever;
        this.denseOwner = owner;
    }

    /** The attached dense retriever, or null. */
    public io.syncabel.runtime.link.DenseRetriever dense() {
        return dense;
    }

    /** The learned re-ranker saved with the model, or null (fusion with fixed settings ranks then). */
    public io.syncabel.runtime.link.Reranker reranker() {
        return reranker;
    }

    /** The training mentions saved with the model (empty for models trained before mentions.tsv existed). */
    public io.syncabel.runtime.link.MentionDictionary mentions() {
        return mentions;
    }

    @Override
    public void close() throws IOException {
        if (denseOwner != null) {
            try {
                denseOwner.close();
            } catch (Exception e) {
                throw new IOException("closing the dense retriever: " + e.getMessage(), e);
            }
        }
        model.close();
        tokenizer.close();
        try (var files = Files.list(scratch)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(scratch);
    }
}
