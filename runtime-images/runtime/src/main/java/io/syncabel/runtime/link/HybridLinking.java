package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.kb.TfIdfLinker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Retrieval around the generative linker, the levers published BEL systems use:
 * <ol>
 * <li>a mention written exactly as an annotated training mention (case and spacing aside) takes that
 *     mention's most frequent gold code;</li>
 * <li>otherwise the TF-IDF retriever (KB names plus training mentions) proposes the top-K concepts and
 *     the model generates only among their names (a per-mention trie), falling back to the full trie
 *     when the retriever finds nothing.</li>
 * </ol>
 */
public final class HybridLinking {
    private final GenerativeLinker linker;
    private final KnowledgeBase kb;
    private final Map<String, String> exact = new HashMap<>();
    private final TfIdfLinker kbRetriever;
    private final TfIdfLinker mentionRetriever;
    private final int candidates;

    public HybridLinking(GenerativeLinker linker, KnowledgeBase kb, List<CorpusExamples.Item> training, int candidates) {
        this.linker = linker;
        this.kb = kb;
        this.candidates = candidates;
        Map<String, Map<String, Integer>> votes = new TreeMap<>();
        Map<String, Map<String, List<String>>> mentions = new TreeMap<>();
        for (CorpusExamples.Item item : training) {
            votes.computeIfAbsent(normalise(item.example().mention()), m -> new TreeMap<>())
                    .merge(item.example().code(), 1, Integer::sum);
        }
        votes.forEach((mention, codes) -> {
            String code = codes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            exact.put(mention, code);
            for (String group : kb.groups()) {
                mentions.computeIfAbsent(group, g -> new TreeMap<>()).put(mention, List.of(code.split("\\+")));
            }
        });
        this.kbRetriever = kb.linker();
        this.mentionRetriever = TfIdfLinker.of(kb.tfidf(), mentions);
    }

    /** Case and spacing aside: how mentions are matched exactly (here and by the dictionary baselines). */
    public static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
    }

    /** Ranked candidates per item, in input order. */
    public List<List<Linker.Candidate>> link(List<CorpusExamples.Item> items, Linker.Options options) {
        List<List<Linker.Candidate>> out = new ArrayList<>(items.size());
        List<Integer> toModel = new ArrayList<>();
        List<GenerativeLinker.Marked> marked = new ArrayList<>();
        Map<Integer, Set<String>> retrieved = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            CorpusExamples.Item item = items.get(i);
            String code = exact.get(normalise(item.example().mention()));
            if (code == null) {
                code = exact.get(normalise(item.mention()));
            }
            if (code != null) {
                out.add(List.of(new Linker.Candidate(List.of(code.split("\\+")), item.example().mention(), 1.0, 1)));
                continue;
            }
            out.add(null);
            toModel.add(i);
            marked.add(new GenerativeLinker.Marked(item.source(), item.mention(), item.example().group()));
            retrieved.put(marked.size() - 1, retrieve(item));
        }
        if (!marked.isEmpty()) {
            Map<GenerativeLinker.Marked, Set<String>> byInput = new HashMap<>();
            for (int j = 0; j < marked.size(); j++) {
                byInput.put(marked.get(j), retrieved.get(j));
            }
            // no retrieved concept (or retrieval off): the full group trie
            List<List<Linker.Candidate>> generated = linker.linkMarked(marked, options,
                    m -> linker.candidateConstraint(m.group(), byInput.getOrDefault(m, Set.of())));
            for (int j = 0; j < toModel.size(); j++) {
                out.set(toModel.get(j), generated.get(j));
            }
        }
        return out;
    }

    /** The top-K concepts for the mention as written and as expanded, from KB names and training mentions. */
    private Set<String> retrieve(CorpusExamples.Item item) {
        Set<String> codes = new LinkedHashSet<>();
        if (candidates <= 0) {
            return codes;
        }
        String group = kb.groups().size() == 1 ? kb.groups().iterator().next() : item.example().group();
        for (String mention : new LinkedHashSet<>(List.of(item.example().mention(), item.mention()))) {
            for (TfIdfLinker retriever : List.of(mentionRetriever, kbRetriever)) {
                for (TfIdfLinker.Candidate c : retriever.topK(mention, group, candidates)) {
                    codes.add(c.code());
                }
            }
        }
        return codes;
    }
}
