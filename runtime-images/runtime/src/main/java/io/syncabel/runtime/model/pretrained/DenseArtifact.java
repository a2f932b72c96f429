package io.syncabel.runtime.model.pretrained;

import io.syncabel.runtime.link.DenseRetriever;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.store.StoreUris;
import io.syncabel.runtime.store.Stores;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A dense retriever as one artifact: its fine-tuned encoder as a Hugging Face checkpoint (config.json,
 * model.safetensors, tokenizer.json, so any HF tool reads it) plus {@value #FILE}, every KB name's vector with its
 * codes. Loading never re-embeds the KB (75k MEDIC names take minutes on a CPU).
 */
public final class DenseArtifact implements AutoCloseable {
    /** The environment variable naming the encoder `train` fine-tunes a dense retriever from when a run names none. */
    public static final String DEFAULT_ENCODER_ENV = "SYNCABEL_DENSE_ENCODER";
    public static final String KIND = "dense-retriever";
    public static final String FILE = "dense.bin";

    private final SentenceEncoder encoder;
    private final DenseRetriever retriever;
    private final Manifest manifest;

    private DenseArtifact(SentenceEncoder encoder, DenseRetriever retriever, Manifest manifest) {
        this.encoder = encoder;
        this.retriever = retriever;
        this.manifest = manifest;
    }

    public DenseRetriever retriever() {
        return retriever;
    }

    public SentenceEncoder encoder() {
        return encoder;
    }

    public Manifest manifest() {
        return manifest;
    }

    /**
     * Publishes the encoder's current weights, the checkpoint's config and tokenizer, and the retriever under
     * {@code prefix}; {@code counts} and {@code inputs} go to manifest.json (inputs name the pretrained checkpoint
     * with its digest).
     */
    public static Manifest write(String prefix, SentenceEncoder encoder, HfCheckpoint pretrained, DenseRetriever retriever,
            Map<String, Object> counts, List<Manifest.Input> inputs) throws IOException {
        Path scratch = Files.createTempDirectory("syncabel-dense");
        try {
            Path dir = scratch.resolve("checkpoint");
            HfCheckpoint.write(dir, pretrained.config(), encoder.block().export(), pretrained.tokenizerFile(), encoder.pooling());
            try (ArtifactStore store = Stores.forUri(prefix); ArtifactWriter writer = store.create(prefix)) {
                try (var files = Files.walk(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        try (OutputStream out = writer.file(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'))) {
                            Files.copy(f, out);
                        }
                    }
                }
                try (OutputStream out = writer.file(FILE)) {
                    retriever.write(out);
                }
                return writer.publish(KIND, counts, inputs);
            }
        } finally {
            FolderStore.deleteTree(scratch);
        }
    }

    /** Loads a published dense retriever (file:, s3:// or a folder), its files verified against the manifest. */
    public static DenseArtifact load(String uri) throws IOException {
        String prefix = uri.endsWith("/") ? uri : uri + "/";
        try (ArtifactStore store = Stores.forUri(prefix)) {
            Manifest manifest = store.manifest(prefix)
                    .orElseThrow(() -> new UserError(uri + ": no dense retriever here (no manifest.json; make one with `syncabel dense train`)"));
            if (!KIND.equals(manifest.kind())) {
                throw new UserError(uri + ": a " + manifest.kind() + " artifact, not a " + KIND);
            }
            SentenceEncoder encoder = SentenceEncoder.load(HfCheckpoint.open(uri));
            try (InputStream in = store.openVerified(prefix, FILE)) {
                return new DenseArtifact(encoder, DenseRetriever.read(in, encoder, StoreUris.join(prefix, FILE)), manifest);
            } catch (IOException e) {
                encoder.close();
                throw new UserError(e.getMessage(), e);
            } catch (RuntimeException e) {
                encoder.close();
                throw e;
            }
        }
    }

    @Override
    public void close() {
        encoder.close();
    }
}
