package io.syncabel.runtime.model.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A pretrained checkpoint in the Hugging Face layout: {@code config.json}, {@code model.safetensors} (or shards
 * named by {@code model.safetensors.index.json}) and {@code tokenizer.json}, in a local folder or under a store
 * prefix (s3://, file:), which is copied to a local folder first. Its {@link #digest()} covers exactly those
 * files, so lineage records which weights a model started from.
 */
public final class HfCheckpoint {
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    /**
     * sentence-transformers' pooling module config, optional: which token states make the sentence vector (absent:
     * the mean). Part of the checkpoint (and its digest) where present, since it changes every embedding.
     */
    public static final String POOLING = "1_Pooling/config.json";
    /** What a published checkpoint's manifest.json calls it. */
    public static final String KIND = "pretrained-checkpoint";

    private final String uri;
    private final Path dir;
    private final List<String> files;
    private final JsonNode config;
    private Map<String, HfTensor> tensors;

    private HfCheckpoint(String uri, Path dir, List<String> files, JsonNode config) {
        this.uri = uri;
        this.dir = dir;
        this.files = files;
        this.config = config;
    }

    /** Opens a checkpoint: a folder path, a file: URI, or an s3:// prefix (downloaded to a temporary folder). */
    public static HfCheckpoint open(String uri) throws IOException {
        Path dir;
        if (StoreUris.isS3(uri)) {
            dir = download(uri);
        } else {
            dir = StoreUris.isFile(uri) ? StoreUris.toPath(uri) : Path.of(uri);
            if (!Files.isDirectory(dir)) {
                throw new UserError(uri + ": no such checkpoint folder");
            }
        }
        List<String> files = checkpointFiles(uri, dir::resolve, name -> Files.isRegularFile(dir.resolve(name)));
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(dir.resolve(CONFIG).toFile());
        } catch (IOException e) {
            throw new UserError(StoreUris.join(uri, CONFIG) + ": not JSON: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new UserError(StoreUris.join(uri, CONFIG) + ": not a JSON object");
        }
        return new HfCheckpoint(uri, dir, files, config);
    }

    /** Opens a checkpoint and checks it is the one expected ({@code sha256:<hex>} as {@link #digest()} writes it). */
    public static HfCheckpoint open(String uri, String expectedDigest) throws IOException {
        HfCheckpoint checkpoint = open(uri);
        if (expectedDigest != null && !expectedDigest.isBlank() && !expectedDigest.strip().equals(checkpoint.digest())) {
            throw new UserError(uri + ": checkpoint digest is " + checkpoint.digest() + ", expected " + expectedDigest.strip());
        }
        return checkpoint;
    }

    private interface Exists {
        boolean test(String name) throws IOException;
    }

    private interface Resolver {
        Path resolve(String name);
    }

    /** The files that make the checkpoint, sorted: config, tokenizer, and the single weights file or index + shards. */
    private static List<String> checkpointFiles(String uri, Resolver local, Exists exists) throws IOException {
        TreeSet<String> files = new TreeSet<>();
        for (String required : List.of(CONFIG, TOKENIZER)) {
            if (!exists.test(required)) {
                throw new UserError(uri + ": no " + required + " (a checkpoint needs config.json, tokenizer.json and model.safetensors)");
            }
            files.add(required);
        }
        if (exists.test(POOLING)) {
            files.add(POOLING);
        }
        if (exists.test(Safetensors.INDEX)) {
            files.add(Safetensors.INDEX);
            files.addAll(shards(uri, local.resolve(Safetensors.INDEX)));
        } else if (exists.test(Safetensors.SINGLE)) {
            files.add(Safetensors.SINGLE);
        } else {
            throw new UserError(uri + ": no " + Safetensors.SINGLE + " and no " + Safetensors.INDEX
                    + " (only safetensors weights are read; convert pytorch_model.bin first)");
        }
        return new ArrayList<>(files);
    }

    private static TreeSet<String> shards(String uri, Path index) {
        TreeSet<String> shards = new TreeSet<>();
        try {
            Json.MAPPER.readTree(index.toFile()).path("weight_map").forEach(v -> shards.add(v.asText()));
        } catch (IOException e) {
            throw new UserError(StoreUris.join(uri, Safetensors.INDEX) + ": not JSON: " + e.getMessage(), e);
        }
        for (String shard : shards) {
            if (shard.isEmpty() || shard.contains("/") || shard.contains("..")) {
                throw new UserError(StoreUris.join(uri, Safetensors.INDEX) + ": bad shard name '" + shard + "'");
            }
        }
        return shards;
    }

    private static Path download(String prefix) throws IOException {
        Path dir = Files.createTempDirectory("syncabel-checkpoint");
        dir.toFile().deleteOnExit();
        try (ArtifactStore store = Stores.forUri(prefix)) {
            boolean published = store.manifest(prefix).isPresent();
            TreeSet<String> present = new TreeSet<>();
            String base = prefix.endsWith("/") ? prefix : prefix + "/";
            for (String object : store.list(base)) {
                present.add(object.substring(base.length()));
            }
            if (present.contains(Safetensors.INDEX)) {
                fetch(store, base, Safetensors.INDEX, dir.resolve(Safetensors.INDEX), published); // names the shards
            }
            for (String name : checkpointFiles(prefix, dir::resolve, present::contains)) {
                if (!Files.exists(dir.resolve(name))) {
                    Files.createDirectories(dir.resolve(name).getParent());
                    fetch(store, base, name, dir.resolve(name), published);
                }
            }
        }
        return dir;
    }

    /** A published checkpoint's files are verified against its manifest as they are copied. */
    private static void fetch(ArtifactStore store, String base, String name, Path local, boolean published) throws IOException {
        try (InputStream in = published ? store.openVerified(base, name) : store.open(StoreUris.join(base, name))) {
            Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public String uri() {
        return uri;
    }

    /** The local folder holding the checkpoint's files. */
    public Path dir() {
        return dir;
    }

    public JsonNode config() {
        return config;
    }

    /** The weights, read once and kept. */
    public synchronized Map<String, HfTensor> tensors() throws IOException {
        if (tensors == null) {
            tensors = Safetensors.readCheckpoint(dir);
        }
        return tensors;
    }

    public Path tokenizerFile() {
        return dir.resolve(TOKENIZER);
    }

    /** How the encoder's token states become one vector: {@value #POOLING} where the checkpoint has one, else the mean. */
    public SentenceEncoder.Pooling pooling() {
        if (!files.contains(POOLING)) {
            return SentenceEncoder.Pooling.MEAN;
        }
        String where = StoreUris.join(uri, POOLING);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(dir.resolve(POOLING).toFile());
        } catch (IOException e) {
            throw new UserError(where + ": not JSON: " + e.getMessage(), e);
        }
        return SentenceEncoder.Pooling.of(node, where);
    }

    /**
     * {@code sha256:} + the sha256 of the lines {@code "<file name> <sha256 hex of the file>\n"} over the checkpoint's
     * files (config.json, tokenizer.json, the weights file or index and shards) sorted by name.
     */
    public String digest() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String name : files) {
            lines.append(name).append(' ').append(sha256(dir.resolve(name))).append('\n');
        }
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Writes a checkpoint folder: config.json, model.safetensors (F32), a copy of the tokenizer and, for any pooling
     * but the mean (the default of a checkpoint without one), {@value #POOLING}.
     */
    public static void write(Path dir, JsonNode config, Map<String, HfTensor> tensors, Path tokenizerJson,
            SentenceEncoder.Pooling pooling) throws IOException {
        Files.createDirectories(dir);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), config);
        Safetensors.write(tensors, dir.resolve(Safetensors.SINGLE));
        Files.copy(tokenizerJson, dir.resolve(TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
        if (pooling != SentenceEncoder.Pooling.MEAN) {
            Files.createDirectories(dir.resolve(POOLING).getParent());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(POOLING).toFile(),
                    pooling.config(config.path("hidden_size").asInt()));
        }
    }

    /**
     * Publishes a local checkpoint folder under a store prefix (file: or s3://) as an artifact of kind
     * {@value #KIND}: its files, then manifest.json. Returns the manifest.
     */
    public Manifest publish(String prefix, Map<String, Object> counts) throws IOException {
        try (ArtifactStore store = Stores.forUri(prefix); ArtifactWriter writer = store.create(prefix)) {
            for (String name : files) {
                try (OutputStream out = writer.file(name)) {
                    Files.copy(dir.resolve(name), out);
                }
            }
            Map<String, Object> all = new LinkedHashMap<>(counts);
            all.put("digest", digest());
            return writer.publish(KIND, all, List.of());
        }
    }
}
