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
