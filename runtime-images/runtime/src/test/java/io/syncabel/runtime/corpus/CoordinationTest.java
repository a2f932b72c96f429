package io.syncabel.runtime.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoordinationTest {

    @Test
    void aSharedHeadIsRestoredInEveryConjunct() {
        assertThat(Coordination.parts("breast and ovarian cancer")).containsExactly("breast cancer", "ovarian cancer");
        assertThat(Coordination.parts("Duchenne and Becker muscular dystrophy"))
                .containsExactly("Duchenne muscular dystrophy", "Becker muscular dystrophy");
        assertThat(Coordination.parts("brain, breast, and prostate cancer"))
                .containsExactly("brain cancer", "breast cancer", "prostate cancer");
        assertThat(Coordination.parts("C6 or C7 deficiency")).containsExactly("C6 deficiency", "C7 deficiency");
        assertThat(Coordination.parts("breast and/or ovarian cancer")).containsExactly("breast cancer", "ovarian cancer");
        // a modifier before the first conjunct stays with it; the head is what follows the last one's modifier
        assertThat(Coordination.parts("sporadic breast and ovarian cancers"))
                .containsExactly("sporadic breast cancers", "ovarian cancers");
    }

    @Test
    void aSharedBeginningIsRestoredInEveryConjunct() {
        assertThat(Coordination.parts("deficiency of C6 and C7")).containsExactly("deficiency of C6", "deficiency of C7");
        assertThat(Coordination.parts("cleft lip/palate")).containsExactly("cleft lip", "cleft palate");
        assertThat(Coordination.parts("pancreatic cysts and tumors")).containsExactly("pancreatic cysts", "pancreatic tumors");
    }

    @Test
    void whatIsNoCoordinationIsLeftAlone() {
        assertThat(Coordination.parts("ataxia-telangiectasia")).isEmpty();
        assertThat(Coordination.parts("Becker/Duchenne")).as("nothing shared to restore").isEmpty();
        assertThat(Coordination.parts("multiple endocrine neoplasia (MEN) types 1 and 2")).isEmpty();
        assertThat(Coordination.parts("breast and")).isEmpty();
        assertThat(Coordination.parts("a, b, c, d, e, f cancers")).as("a list, not a name").isEmpty();
        assertThat(Coordination.parts("hand or foot")).isEmpty();
    }
}
