package io.syncabel.runtime;

import io.syncabel.runtime.kb.KbBuilder;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.SourceReader;
import io.syncabel.runtime.kb.Inputs;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.text.Problems;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.TreeMap;

/** Paths of the shared data and test resources, and KBs built once per test JVM. */
public final class TestData {
    private static KnowledgeBase medic;

    private TestData() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("syncabel.repo.root", "../..")).toAbsolutePath().normalize();
    }

    public static Path ncbi() {
        return repoRoot().resolve("../shared/data/ncbi-disease").normalize();
    }

    public static Path medicFile() {
        return ncbi().resolve("medic_06Jul2012.txt");
    }

    public static Path resource(String name) {
        try {
            return Path.of(TestData.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String uri(Path p) {
        return "file:" + p.toAbsolutePath();
    }

    /** Builds a KB in memory from one source. */
    public static KnowledgeBase build(String format, String uri, KbOptions options) {
        KbBuilder builder = new KbBuilder(options).source("test");
        Inputs inputs = new Inputs(u -> new FolderStore(), rows -> {
        });
        SourceReader.forFormat(format).read(uri, inputs, options, new Problems(options.lenient()), builder);
        return builder.build(new TreeMap<>());
    }

    /** The full MEDIC vocabulary, built once. */
    public static synchronized KnowledgeBase medic() {
        if (medic == null) {
            medic = build("dnorm", uri(medicFile()), KbOptions.defaults());
        }
        return medic;
    }
}
