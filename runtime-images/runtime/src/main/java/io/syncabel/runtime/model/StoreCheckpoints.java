package io.syncabel.runtime.model;

import io.syncabel.runtime.Json;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.ArtifactWriter;
import io.syncabel.runtime.store.StoreUris;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training checkpoints in the artifact store, beside the model they lead to: {@code <model prefix>.checkpoints/
 * step-<step>/} holds {@code checkpoint.json}, {@code model.params}, {@code trainer.bin} (optimiser) and
 * {@code best.params}, published with a manifest like any artifact, so a half-written checkpoint is never read.
 * Each new one replaces the older ones once published; {@link #clear} removes them when the model is published.
 */
public final class StoreCheckpoints implements TrainingCheckpoint.Checkpoints {
    public static final String KIND = "training-checkpoint";
    private static final Pattern STEP = Pattern.compile("/step-(\\d{10})/");

    private final ArtifactStore store;
    private final String prefix;
    private final PrintWriter log;

    public StoreCheckpoints(ArtifactStore store, String prefix, PrintWriter log) {
        this.store = store;
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.log = log;
    }

    /** The checkpoints of the model published at {@code modelPrefix}: its sibling {@code <name>.checkpoints/}. */
    public static String prefixFor(String modelPrefix) {
        return StoreUris.sibling(modelPrefix, ".checkpoints");
    }

    record State(String fingerprint, int epoch, int batch, long step, double minutes, double bestRecall, int bestEpoch,
            List<String> metrics) {
    }

    @Override
    public Optional<TrainingCheckpoint> latest() throws IOException {
        for (String step : steps().descendingSet()) {
            String at = prefix + step;
            if (store.manifest(at).filter(m -> KIND.equals(m.kind())).isEmpty()) {
                continue; // never published: the run stopped while writing it
            }
            State s;
            try (InputStream in = store.openVerified(at, "checkpoint.json")) {
                s = Json.MAPPER.readValue(in, State.class);
            }
            Payload best = null;
            if (store.manifest(at).get().files().stream().anyMatch(f -> f.name().equals("best.params"))) {
                best = stored(at, "best.params");
            }
            return Optional.of(new TrainingCheckpoint(s.fingerprint(), new Seq2SeqTrainer.Position(s.epoch(), s.batch(), s.step()),
                    s.minutes(), s.bestRecall(), s.bestEpoch(), s.metrics(), stored(at, "model.params"), stored(at, "trainer.bin"),
                    best));
        }
        return Optional.empty();
    }

    @Override
    public void save(TrainingCheckpoint c) throws IOException {
        String name = String.format("step-%010d/", c.next().step());
        String at = prefix + name;
        if (store.manifest(at).isPresent()) {
            store.delete(at); // the same step written again (a resumed run's first point): the newer one wins
        }
        try (ArtifactWriter writer = store.create(at)) {
            write(writer, "checkpoint.json", Json.MAPPER.writeValueAsBytes(new State(c.fingerprint(), c.next().epoch(),
                    c.next().batch(), c.next().step(), c.minutes(), c.bestRecall(), c.bestEpoch(), c.metrics())));
            write(writer, "model.params", c.weights());
            write(writer, "trainer.bin", c.trainerState());
            if (c.bestWeights() != null) {
                write(writer, "best.params", c.bestWeights());
            }
            writer.publish(KIND, Map.of("epoch", c.next().epoch(), "step", c.next().step()), List.of());
        }
        for (String older : steps()) {
            if (!older.equals(name)) {
                try {
                    store.delete(prefix + older);
                } catch (IOException | RuntimeException e) {
                    log.println("train: warning: cannot remove the older checkpoint " + prefix + older + ": " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void clear() throws IOException {
        store.delete(prefix);
    }

    /** The step folders present ("step-0000000042/"), published or not. */
    private TreeSet<String> steps() throws IOException {
        TreeSet<String> steps = new TreeSet<>();
        for (String uri : store.list(prefix)) {
            Matcher m = STEP.matcher(uri.substring(prefix.length() - 1));
            if (m.lookingAt()) {
                steps.add("step-" + m.group(1) + "/");
            }
        }
        return steps;
    }

    /** A file of a published checkpoint, read (and verified) when it is opened. */
    private Payload stored(String at, String file) {
        return new Payload() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                try (InputStream in = open()) {
                    in.transferTo(out);
                }
            }

            @Override
            public InputStream open() throws IOException {
                return store.openVerified(at, file);
            }
        };
    }

    private static void write(ArtifactWriter writer, String file, byte[] bytes) throws IOException {
        write(writer, file, Payload.of(bytes));
    }

    private static void write(ArtifactWriter writer, String file, Payload payload) throws IOException {
        try (OutputStream out = writer.file(file)) {
            payload.writeTo(out);
        }
    }

    @Override
    public String toString() {
        return prefix;
    }
}
