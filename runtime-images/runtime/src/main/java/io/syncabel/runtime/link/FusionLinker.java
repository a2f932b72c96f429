package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.kb.KnowledgeBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model linking the way it is evaluated by default ({@link CorpusLinking.Settings#recommended}): a mention
 * written as an annotated training mention takes that mention's code; otherwise the TF-IDF top K concepts are
 * ranked by the model's learned re-ranker when its artifact has one, else by the fusion of the model's score of
 * their best name and the retrieval cosine. The mentions of one request text are read as one document. What `syncabel serve`
 * and `syncabel link` answer for a model whose artifact holds its training mentions. Unconstrained requests go
 * to the model alone (they exist to compare against the trie).
 */
public final class FusionLinker implements Linker {
    private final GenerativeLinker model;
    private final HybridLinking hybrid;
    private final HybridLinking.Fusion fusion;
    private final Reranker reranker;
    private final Set<String> groups;

    public FusionLinker(GenerativeLinker model, KnowledgeBase kb, CorpusLinking.Settings settings) {
        if (settings.fusion() == null && settings.reranker() == null) {
            throw new IllegalArgumentException("FusionLinker needs fusion settings or a re-ranker");
        }
        this.model = model;
        this.hybrid = new HybridLinking(model, kb, settings.dictionary(), settings.candidates(), settings.dense());
        this.fusion = settings.fusion();
        this.reranker = settings.reranker();
        this.groups = Set.copyOf(kb.groups());
    }

    /** The knowledge base's groups: retrieval finds no candidate in any other. */
    @Override
    public Set<String> groups() {
        return groups;
    }

    @Override
    public List<Result> link(List<Query> queries, Options options) {
        if (!options.constrained()) {
            return model.link(queries, options);
        }
        List<CorpusExamples.Item> items = GenerativeLinker.items(queries);
        List<List<HybridLinking.Fused>> fused = reranker != null ? hybrid.rerank(items, reranker, options)
                : hybrid.fuse(items, fusion, options);
        List<Result> results = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            List<Candidate> candidates = new ArrayList<>();
            for (HybridLinking.Fused f : fused.get(i)) {
                if (candidates.size() == options.topK()) {
                    break;
                }
                Candidate c = f.candidate();
                candidates.add(new Candidate(c.codes(), c.name(), c.score(), candidates.size() + 1));
            }
            results.add(new Result(queries.get(i), candidates));
        }
        return results;
    }

    @Override
    public Info info() {
        return model.info();
    }

    @Override
    public void close() {
        model.close();
    }
}
