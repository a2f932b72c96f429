package io.syncabel.runtime.synth;

import io.syncabel.runtime.TestData;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KbOptions;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.llm.FakeOpenAiServer;
import io.syncabel.runtime.text.Problems;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The quickstart data (413 MEDIC concepts, NCBI-disease train slice) and a fake LLM that writes valid answers. */
final class SynthFixtures {
    private static KnowledgeBase kb;
    private static StyleCorpus style;
    static final Pattern CODE = Pattern.compile("- Code: (\\S+)");

    private SynthFixtures() {
    }

    static Path quickstart() {
        return TestData.repoRoot().resolve("examples/quickstart/data");
    }

    static synchronized KnowledgeBase kb() {
        if (kb == null) {
            kb = TestData.build("dnorm", TestData.uri(quickstart().resolve("medic-slice.txt")), KbOptions.defaults());
        }
        return kb;
    }

    static synchronized StyleCorpus style() {
        if (style == null) {
            style = StyleCorpus.of(CorpusExamples.read(quickstart().resolve("ncbi-train.pubtator"), null, kb(), "en", false,
                    new Problems(true)));
        }
        return style;
    }

    static String code(FakeOpenAiServer.Request r) {
        Matcher m = CODE.matcher(r.userMessage());
        return m.find() ? m.group(1) : "?";
    }

    /** A well-formed answer for a concept, the same every time it is asked (so reruns are comparable). */
    static String answer(String code, int n) {
        StringBuilder s = new StringBuilder("## Mentions\n");
        for (int i = 1; i <= n; i++) {
            s.append(i).append(". variant ").append(i).append(" of ").append(code).append('\n');
        }
        s.append("## Examples\n");
        for (int i = 1; i <= n; i++) {
            s.append("example: In a cohort of ").append(10 * i).append(" adults, [variant ").append(i).append(" of ")
                    .append(code).append("] was associated with poor outcomes.\n");
        }
        return s.toString();
    }
}
