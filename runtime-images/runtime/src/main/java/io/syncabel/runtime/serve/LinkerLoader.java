package io.syncabel.runtime.serve;

import io.syncabel.runtime.link.Linker;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Opens a model artifact (model, tokenizer, tries, dictionary) as a {@link Linker}. The server only
 * knows this interface: the model-backed implementation lives with the model code and registers a
 * {@link Provider} in {@code META-INF/services/io.syncabel.runtime.serve.LinkerLoader$Provider};
 * tests pass a lambda.
 */
@FunctionalInterface
public interface LinkerLoader {

    /**
     * Loads the model; may take minutes. {@code progress} receives one line per step (download,
     * checksum, tries...), which the server prints on stderr.
     */
    Loaded load(String modelUri, Consumer<String> progress) throws Exception;

    /**
     * A loaded linker and the smoke query the artifact suggests (built from its KB's first name,
     * see {@link SmokeQuery#ofKbName}); null when the artifact cannot suggest one.
     */
    record Loaded(Linker linker, SmokeQuery defaultSmoke) {
        public Loaded {
            if (linker == null) {
                throw new IllegalArgumentException("a loader returned no linker");
            }
        }
    }

    /** A loader found on the class path for the URIs it recognises (by scheme or layout). */
    interface Provider {
        boolean canOpen(String modelUri);

        LinkerLoader loader();
    }

    /** The first installed provider that can open {@code modelUri}. */
    static Optional<LinkerLoader> installedFor(String modelUri) {
        return installed().stream().filter(p -> p.canOpen(modelUri)).findFirst().map(Provider::loader);
    }

    static List<Provider> installed() {
        return ServiceLoader.load(Provider.class).stream().map(ServiceLoader.Provider::get).toList();
    }
}
