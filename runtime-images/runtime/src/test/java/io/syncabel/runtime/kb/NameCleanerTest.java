package io.syncabel.runtime.kb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameCleanerTest {
    final NameCleaner umls = new NameCleaner(true, true, 200, true);
    final NameCleaner gazetteer = new NameCleaner(true, true, 200, false);

    @Test
    void trailingNosAndSaiQualifiersGo() {
        assertThat(umls.clean("Fever (NOS)")).isEqualTo("Fever");
        assertThat(umls.clean("Aspirin, NOS")).isEqualTo("Aspirin");
        assertThat(umls.clean("Headache NOS ")).isEqualTo("Headache");
        assertThat(umls.clean("Fièvre, SAI")).isEqualTo("Fièvre");
        assertThat(umls.clean("Douleur (SAI)")).isEqualTo("Douleur");
        assertThat(umls.clean("NOSTRIL disease")).isEqualTo("NOSTRIL disease"); // only a trailing qualifier
        assertThat(umls.clean("Nosebleed")).isEqualTo("Nosebleed");
    }

    @Test
    void whitespaceIsNormalisedAndNbspIsASpace() {
        assertThat(gazetteer.clean("  heart\u00a0\u00a0attack\t\tacute ")).isEqualTo("heart attack acute");
        assertThat(new NameCleaner(false, false, 200, false).clean("a\tb")).isEqualTo("a b"); // tabs never survive
    }

    @Test
    void umlsUpperCasesTheFirstLetterOnlyAndGazetteersKeepCase() {
        assertThat(umls.clean("anidulafungin")).isEqualTo("Anidulafungin");
        assertThat(umls.clean("pH measurement")).isEqualTo("PH measurement");
        assertThat(umls.clean("1-naphthol")).isEqualTo("1-naphthol");
        assertThat(gazetteer.clean("infarto de miocardio")).isEqualTo("infarto de miocardio");
    }

    @Test
    void emptyAndOverlongNamesAreDropped() {
        assertThat(umls.clean(" NOS")).isNull();
        assertThat(umls.clean("   ")).isNull();
        assertThat(new NameCleaner(true, true, 5, false).clean("abcdef")).isNull();
    }
}
