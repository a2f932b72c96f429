package io.syncabel.runtime;

import io.syncabel.runtime.kb.KbBuilder;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.SourceReader;
import io.syncabel.runtime.kb.Inputs;
import io.syncabel.runtime.store.FolderStore;
import io.syncabel.runtime.text.Problems;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Paths of the public data sets and test resources, and KBs built once per test JVM. The data sets live
 * outside the repository, in one place: {@code SYNCABEL_DATA} (system property {@code syncabel.data} or
 * environment variable; relative to the repository root), default {@code ../shared/data}. A test that needs
 * them is skipped when they are absent ({@code tools/fetch-data.sh} downloads them), except under
 * {@code CI=true}, where their absence fails the test.
 */
public final class TestData {
    private static KnowledgeBase medic;

    private TestData() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("syncabel.repo.root", "../..")).toAbsolutePath().normalize();
    }

    /** The data folder the setting names, without checking that it exists. */
    public static Path dataRoot() {
        return dataRoot(System.getProperty("syncabel.data", System.getenv("SYNCABEL_DATA")), repoRoot());
    }

    static Path dataRoot(String setting, Path repoRoot) {
        String folder = setting == null || setting.isBlank() ? "../shared/data" : setting;
        return repoRoot.resolve(folder).toAbsolutePath().normalize();
    }

    /** A file or folder of the public data sets; skips the calling test when it is absent (fails under CI). */
    public static Path data(String relative) {
        return requirePresent(dataRoot().resolve(relative), "true".equalsIgnoreCase(System.getenv("CI")));
    }

    static Path requirePresent(Path path, boolean ci) {
        if (Files.exists(path)) {
            return path;
        }
        String message = "public data set missing: " + path
                + " (run tools/fetch-data.sh, or set SYNCABEL_DATA to the folder that holds it)";
        if (ci) {
            return Assertions.fail(message + "; CI=true requires the data");
        }
        Assumptions.abort(message);
        return path;
    }

    public static Path ncbi() {
        return data("ncbi-disease");
    }

    public static Path medicFile() {
        return data("ncbi-disease/medic_06Jul2012.txt");
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
