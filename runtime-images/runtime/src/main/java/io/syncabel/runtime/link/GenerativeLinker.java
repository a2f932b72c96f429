package io.syncabel.runtime.link;

import io.syncabel.runtime.corpus.CorpusExamples;

import io.syncabel.runtime.corpus.ExampleBuilder;
import io.syncabel.runtime.model.ExampleEncoder;
import io.syncabel.runtime.model.NameTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The generative linker: the model writes {@code [mention] is <name>} under the mention's group trie
 * (or freely, for comparison) and names map back to codes. Beams of several mentions share one decoder
 * batch.
 */
public final class GenerativeLinker implements Linker {
    /** Mentions decoded together (their beams form one model batch). */
    private static final int BATCH = 16;
    private static final int MAX_NEW_TOKENS = 128;

    /** A mention already written as the model reads it: the marked sentence, the mention, its group. */
    public record Marked(String source, String mention, String group) {
    }

    private final StepDecoder decoder;
    private final ExampleEncoder encoder;
    private final Function<int[], String> detokenizer;
    private final GroupTries tries;
    private final NameTable names;
    private final Map<String, Map<String, List<String>>> codesByName;
    private final Info info;
    private final AutoCloseable owner;

    public GenerativeLinker(StepDecoder decoder, ExampleEncoder encoder, Function<int[], String> detokenizer,
            GroupTries tries, NameTable names, Info info) {
        this(decoder, encoder, detokenizer, tries, names, info, null);
    }

    /** @param owner closed with the linker (the loaded model artifact), or null */
    public GenerativeLinker(StepDecoder decoder, ExampleEncoder encoder, Function<int[], String> detokenizer,
            GroupTries tries, NameTable names, Info info, AutoCloseable owner) {
        this.owner = owner;
        this.decoder = decoder;
        this.encoder = encoder;
        this.detokenizer = detokenizer;
        this.tries = tries;
        this.names = names;
        this.info = info;
        Map<String, Map<String, List<String>>> byName = new java.util.HashMap<>();
        for (NameTable.Entry e : names.entries()) {
            byName.computeIfAbsent(e.group(), g -> new java.util.HashMap<>()).put(e.name(), e.codes());
        }
        this.codesByName = byName;
    }

    /**
     * Queries as the model reads them, exactly as {@code link --corpus} reads a corpus's mentions
     * ({@link CorpusExamples#ofText}): the sentence around each mention, marked, short forms defined in its text
     * expanded; the queries of one text are one document. In query order.
     */
    public static List<CorpusExamples.Item> items(List<Query> queries) {
        Map<String, List<Integer>> byText = new java.util.LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            byText.computeIfAbsent(queries.get(i).text(), t -> new ArrayList<>()).add(i);
        }
        CorpusExamples.Item[] out = new CorpusExamples.Item[queries.size()];
        byText.forEach((text, at) -> {
            List<CorpusExamples.Item> items = CorpusExamples.ofText(text, at.stream().map(queries::get)
                    .map(q -> new CorpusExamples.TextMention(q.start(), q.end(), q.group())).toList(), true);
            for (int j = 0; j < at.size(); j++) {
                out[at.get(j)] = items.get(j);
            }
        });
        return List.of(out);
    }

    /** The model's input for an item: its marked source, the mention as read, its group. */
    public static Marked marked(CorpusExamples.Item item) {
        return new Marked(item.source(), item.mention(), item.example().group());
    }

    @Override
    public List<Result> link(List<Query> queries, Options options) {
        List<Marked> marked = items(queries).stream().map(GenerativeLinker::marked).toList();
        List<List<Candidate>> candidates = linkMarked(marked, options);
        List<Result> results = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            results.add(new Result(queries.get(i), candidates.get(i)));
        }
        return results;
    }

    /** Links mentions already marked; one ranked list per input, in input order. */
    public List<List<Candidate>> linkMarked(List<Marked> inputs, Options options) {
        return linkMarked(inputs, options, m -> constraint(m.group()));
    }

    /**
     * Links mentions under a constraint chosen per mention (e.g. a trie of the names of a few retrieved
     * candidate concepts, see {@link #candidateConstraint}).
     */
    public List<List<Candidate>> linkMarked(List<Marked> inputs, Options options, Function<Marked, Constraint> constraints) {
        BeamSearch search = new BeamSearch(decoder, encoder.special(), detokenizer);
        List<List<Candidate>> out = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += BATCH) {
            List<Marked> batch = inputs.subList(from, Math.min(inputs.size(), from + BATCH));
            List<BeamSearch.Query> queries = new ArrayList<>();
            for (Marked m : batch) {
                queries.add(new BeamSearch.Query(encoder.source(m.source(), m.mention()), encoder.prefix(m.mention()),
                        constraints.apply(m)));
            }
            // start token + forced prefix + generated tokens must fit the decoder's positions
            int longestPrefix = queries.stream().mapToInt(q -> q.prefix().length).max().orElse(0);
            int room = Math.min(MAX_NEW_TOKENS, decoder.maxSteps() - 1 - longestPrefix);
            if (room < 1) {
                throw new IllegalArgumentException("mention too long for the model: its prefix takes " + longestPrefix
                        + " of " + decoder.maxSteps() + " decoder positions");
            }
            List<List<BeamSearch.Candidate>> found = search.search(queries,
                    new BeamSearch.Options(options.beams(), options.topK(), room, options.constrained(), true));
            for (int i = 0; i < batch.size(); i++) {
                out.add(toCandidates(groupOf(batch.get(i).group()), found.get(i)));
            }
        }
        return out;
    }

    private List<Candidate> toCandidates(String group, List<BeamSearch.Candidate> hypotheses) {
        List<Candidate> out = new ArrayList<>();
        for (BeamSearch.Candidate h : hypotheses) {
            Set<String> codes = new LinkedHashSet<>();
            List<String> texts = new ArrayList<>();
            for (BeamSearch.Part part : h.parts()) {
                String text = part.text().strip();
                if (texts.contains(text)) {
                    continue; // a composite that names one concept twice names it once
                }
                texts.add(text);
                if (part.nameIds().length > 0) {
                    // several concepts may share a name: the trie payload lists them all, the first is the KB's choice
                    codes.add(names.get(part.nameIds()[0]).codes().get(0));
                } else {
                    List<String> known = codesByName.getOrDefault(group, Map.of()).get(text);
                    if (known != null) {
                        codes.add(known.get(0));
                    }
                }
            }
            out.add(new Candidate(List.copyOf(codes), String.join(ExampleBuilder.SEP, texts), h.score(), out.size() + 1));
        }
        return out;
    }

    /**
     * A constraint allowing only the names of the given concepts in the mention's group: a small trie
     * built on the fly, whose payloads are the KB name ids, so answers map back to codes as usual.
     */
    public Constraint candidateConstraint(String group, java.util.Collection<String> codes) {
        Constraint c = candidateTrie(group, codes);
        return c != null ? c : constraint(group);
    }

    /** The trie of the given concepts' names in the mention's group, or null when they have none. */
    private Constraint candidateTrie(String group, java.util.Collection<String> codes) {
        String g = groupOf(group);
        Map<String, List<NameTable.Entry>> byCode = namesByCode(g);
        List<GroupTries.Name> selected = new ArrayList<>();
        Set<Integer> seen = new java.util.HashSet<>();
        for (String code : codes) {
            for (NameTable.Entry e : byCode.getOrDefault(code, List.of())) {
                if (seen.add(e.id())) {
                    selected.add(new GroupTries.Name(g, e.name(), e.id()));
                }
            }
        }
        if (selected.isEmpty()) {
            return null;
        }
        return GroupTries.build(selected, encoder::tokens, encoder.special().end()).constraint(g);
    }

    /**
     * A concept under the model: its best-scored name, that name's mean log-probability and token count
     * (end token included), and the log of the probability mass of all its names (log-sum-exp of the
     * names' summed log-probabilities).
     */
    public record NameScore(String name, double logProb, int tokens, double logMass) {
    }

    private static double logAdd(double a, double b) {
        double max = Math.max(a, b);
        return max == Double.NEGATIVE_INFINITY ? max : max + Math.log(Math.exp(a - max) + Math.exp(b - max));
    }

    /** Trie nodes scored together in one decoder session by {@link #scoreConcepts}. */
    private static final int SCORE_ROWS = 4096;

    /**
     * Scores the given concepts for each mention by the model: every name of every concept is scored
     * teacher-forced as {@code [mention] is <name></s>} (mean log-probability per token, end included,
     * as beam search ranks), through one trie of the concepts' names per mention, so the encoder runs
     * once per mention and shared name prefixes are computed once. A concept keeps its best name; a
     * concept without a name in the group (or only names too long for the decoder) is absent.
     *
     * @return per input, in input order: code → best name and its score
     */
    public List<Map<String, NameScore>> scoreConcepts(List<Marked> inputs, List<? extends java.util.Collection<String>> codes) {
        if (inputs.size() != codes.size()) {
            throw new IllegalArgumentException(inputs.size() + " inputs but " + codes.size() + " candidate sets");
        }
        List<BeamSearch.Query> queries = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Marked m = inputs.get(i);
            queries.add(new BeamSearch.Query(encoder.source(m.source(), m.mention()), encoder.prefix(m.mention()),
                    candidateTrie(m.group(), codes.get(i))));
        }
        List<Map<Integer, Double>> scored = new TrieScorer(decoder, encoder.special(), SCORE_ROWS).score(queries);
        List<Map<String, NameScore>> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Set<String> wanted = new java.util.HashSet<>(codes.get(i));
            Map<String, NameScore> best = new java.util.LinkedHashMap<>();
            Map<String, Double> mass = new java.util.HashMap<>();
            // ascending name ids: equal scores keep the KB's first name, reproducibly
            new java.util.TreeMap<>(scored.get(i)).forEach((id, logProb) -> {
                NameTable.Entry e = names.get(id);
                int tokens = encoder.nameTail(e.name()).length + 1;
                for (String code : e.codes()) {
                    if (!wanted.contains(code)) {
                        continue;
                    }
                    mass.merge(code, logProb * tokens, GenerativeLinker::logAdd);
                    NameScore known = best.get(code);
                    if (known == null || logProb > known.logProb()) {
                        best.put(code, new NameScore(e.name(), logProb, tokens, Double.NaN));
                    }
                }
            });
            best.replaceAll((code, s) -> new NameScore(s.name(), s.logProb(), s.tokens(), mass.get(code)));
            out.add(best);
        }
        return out;
    }

    private Map<String, List<NameTable.Entry>> namesByCode(String group) {
        return namesByCode.computeIfAbsent(group, g -> {
            Map<String, List<NameTable.Entry>> index = new java.util.HashMap<>();
            for (NameTable.Entry e : names.entries()) {
                if (e.group().equals(g)) {
                    e.codes().forEach(c -> index.computeIfAbsent(c, k -> new ArrayList<>()).add(e));
                }
            }
            return index;
        });
    }

    private final Map<String, Map<String, List<NameTable.Entry>>> namesByCode = new java.util.concurrent.ConcurrentHashMap<>();

    private Constraint constraint(String group) {
        return tries.constraint(groupOf(group));
    }

    /** The groups the model has tries for: a server refuses mentions of any other group. */
    @Override
    public Set<String> groups() {
        return Set.copyOf(tries.byGroup().keySet());
    }

    /** The trie group for a mention's group: itself when known; the only group of a one-group KB otherwise. */
    private String groupOf(String group) {
        Map<String, NameTrie> byGroup = tries.byGroup();
        if (byGroup.containsKey(group)) {
            return group;
        }
        if (byGroup.size() == 1) {
            return byGroup.keySet().iterator().next();
        }
        throw new IllegalArgumentException("unknown semantic group '" + group + "'; the model knows " + byGroup.keySet());
    }

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void close() {
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the model failed: " + e.getMessage(), e);
            }
        }
    }
}
