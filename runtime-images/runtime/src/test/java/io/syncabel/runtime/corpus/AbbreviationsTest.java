package io.syncabel.runtime.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AbbreviationsTest {

    @Test
    void findsTheClassicDefinitions() {
        Abbreviations a = Abbreviations.find("Mutations in the dystrophin gene cause Duchenne muscular dystrophy (DMD). "
                + "In DMD patients, heart failure (HF) is common; adenomatous polyposis coli (APC; MIM 175100) too.");
        assertThat(a.longForm("DMD")).contains("Duchenne muscular dystrophy");
        assertThat(a.longForm("HF")).contains("heart failure");
        assertThat(a.longForm("APC")).contains("adenomatous polyposis coli");
        assertThat(a.expand("DMD")).isEqualTo("Duchenne muscular dystrophy");
        assertThat(a.expand("dystrophy")).isEqualTo("dystrophy");
    }

    @Test
    void ignoresParenthesesThatDefineNothing() {
        Abbreviations a = Abbreviations.find("The patients (n = 12) had fever (see below) and a rash (2004).");
        assertThat(a.all()).isEmpty();
    }

    @Test
    void theFirstLetterMustStartAWord() {
        // "mapping (AP)": 'a' occurs only inside a word, so no definition
        assertThat(Abbreviations.longForm("AP", "chromosome mapping")).isEmpty();
        assertThat(Abbreviations.longForm("WD", "a dysfunctional gene causing Wilson disease")).contains("Wilson disease");
    }

    @Test
    void aCompoundShortFormAlsoDefinesItsPartsWhereEachPartMatchesItsPieceOfTheLongForm() {
        Abbreviations a = Abbreviations.find("Hereditary hyperparathyroidism-jaw tumor syndrome (HPT-JT) is autosomal "
                + "dominant. HPT and JT were seen in four and two cases. Patients with adrenoleukodystrophy/"
                + "adrenomyeloneuropathy (ALD/AMN) and Spinocerebellar ataxia type-3 or Machado-Joseph disease (SCA3/MJD) "
                + "were seen, as was X-linked adrenoleukodystrophy (X-ALD).");
        assertThat(a.longForm("HPT-JT")).contains("hyperparathyroidism-jaw tumor syndrome");
        assertThat(a.longForm("HPT")).contains("hyperparathyroidism");
        assertThat(a.longForm("JT")).contains("jaw tumor"); // the compound's head stays with the compound
        assertThat(a.longForm("ALD")).contains("adrenoleukodystrophy");
        assertThat(a.longForm("AMN")).contains("adrenomyeloneuropathy");
        assertThat(a.longForm("SCA3")).contains("Spinocerebellar ataxia type-3");
        assertThat(a.longForm("MJD")).contains("Machado-Joseph disease");
        assertThat(a.longForm("X")).isEmpty(); // too short to define anything
    }

    @Test
    void partsAreDefinedOnlyWhenEveryPartMatchesAndNeverOverADirectDefinition() {
        // shared head "muscular dystrophy": DMD does not match "Duchenne" alone, so neither part is defined
        assertThat(Abbreviations.parts("DMD/BMD", "Duchenne and Becker muscular dystrophy")).isEmpty();
        assertThat(Abbreviations.parts("AB-CD", "alpha beta gamma")).isEmpty(); // one piece for two parts
        Abbreviations b = Abbreviations.find("Hyperparathyroidism-jaw tumor syndrome (HPT-JT) and the jaw tumour (JT) itself.");
        assertThat(b.longForm("JT")).contains("jaw tumour"); // the direct definition, though it comes later
    }

    @Test
    void resolvesShortFormsOfTheNcbiDiseaseCorpus() throws IOException {
        Path test = Path.of(System.getProperty("syncabel.repo.root", "../.."), "examples/quickstart/data/ncbi-test.pubtator");
        StringBuilder document = new StringBuilder();
        for (String line : Files.readAllLines(test)) {
            if (line.startsWith("9949209|t|") || line.startsWith("9949209|a|")) {
                document.append(line.substring(10)).append(' ');
            }
        }
        Abbreviations a = Abbreviations.find(document.toString());
        assertThat(a.longForm("WD")).contains("Wilson disease");
    }
}
