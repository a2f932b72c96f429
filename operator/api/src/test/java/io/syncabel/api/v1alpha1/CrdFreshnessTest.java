package io.syncabel.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * crds/ is the contract users apply and docs/resources.md is how they read it: both must be exactly
 * what the Java model generates. `-Dcrds.update=true` rewrites them.
 */
class CrdFreshnessTest {
    private static final String HOW_TO_UPDATE = "run ./mvnw -pl operator/api verify -Dcrds.update=true";

    @ParameterizedTest
    @FieldSource("io.syncabel.api.v1alpha1.CrdFiles#KINDS")
    void committedCrdMatchesTheJavaModel(Class<? extends CustomResource<?, ?>> kind) throws IOException {
        assertFresh(CrdFiles.committed(kind), CrdFiles.expected(kind));
        // the Helm chart installs the same CRDs (Helm does not follow links out of a chart)
        assertFresh(CrdFiles.repoRoot().resolve("charts/syncabel/crds").resolve(CrdFiles.fileName(kind)), CrdFiles.expected(kind));
    }

    @Test
    void docsResourceReferenceMatchesTheCrds() throws IOException {
        assertFresh(CrdFiles.repoRoot().resolve("docs/resources.md"), ResourceReference.render());
    }

    private static void assertFresh(Path committed, String expected) throws IOException {
        if (Boolean.getBoolean("crds.update")) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, expected);
        }
        assertThat(committed).as("%s is missing; %s", committed, HOW_TO_UPDATE).exists();
        assertThat(Files.readString(committed)).as("%s is stale; %s", committed, HOW_TO_UPDATE).isEqualTo(expected);
    }
}
