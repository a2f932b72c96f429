package io.syncabel.runtime.serve;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets `syncabel serve --model dictionary:sample?callMs=20&mentionMs=1` run on the test class path
 * (bench/serve-load uses it until the model-backed loader exists). The optional costs make the fake
 * behave like a model: a fixed price per call plus a price per mention, so batching has an effect.
 */
public final class DictionaryLinkerProvider implements LinkerLoader.Provider {
    private static final String SCHEME = "dictionary:";

    @Override
    public boolean canOpen(String modelUri) {
        return modelUri.startsWith(SCHEME);
    }

    @Override
    public LinkerLoader loader() {
        return (uri, progress) -> {
            Map<String, String> params = new HashMap<>();
            String query = URI.create(uri).getRawSchemeSpecificPart();
            int q = query.indexOf('?');
            if (q >= 0) {
                for (String kv : query.substring(q + 1).split("&")) {
                    String[] parts = kv.split("=", 2);
                    params.put(parts[0], parts.length > 1 ? parts[1] : "");
                }
            }
            long callMicros = Long.parseLong(params.getOrDefault("callMs", "0")) * 1000;
            long mentionMicros = Long.parseLong(params.getOrDefault("mentionMs", "0")) * 1000;
            progress.accept("dictionary of " + DictionaryLinker.sampleEntries().size() + " names, "
                    + callMicros / 1000 + " ms per call + " + mentionMicros / 1000 + " ms per mention");
            return new LinkerLoader.Loaded(
                    new DictionaryLinker(DictionaryLinker.sampleEntries(), callMicros, mentionMicros),
                    SmokeQuery.ofKbName("Ibuprofen", "Chemicals & Drugs", "C0020740"));
        };
    }
}
