package io.syncabel.runtime.synth;

import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.corpus.ExampleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Real annotated sentences per semantic group: style examples in LLM prompts, and contexts into which the template
 * generator substitutes synonyms. Each context is a sentence split around one gold mention; composite mentions are
 * left out (their group and span do not fit one concept).
 */
public final class StyleCorpus {

    /** A sentence around one mention: {@code left + "[" + mention + "]{" + group + "}" + right} is the marked form. */
    public record Context(String left, String mention, String right) {
        public String marked(String mention, String group) {
            return left + "[" + mention + "]{" + group + "}" + right;
        }

        /** The sentence with the mention in plain brackets, as the LLM prompts show style examples. */
        public String bracketed() {
            return left + "[" + mention + "]" + right;
        }
    }

    private final Map<String, List<Context>> byGroup;

    private StyleCorpus(Map<String, List<Context>> byGroup) {
        this.byGroup = byGroup;
    }

    public static StyleCorpus empty() {
        return new StyleCorpus(Map.of());
    }

    /** From a corpus read into examples; duplicates dropped, reading order kept (so choices are deterministic). */
    public static StyleCorpus of(List<CorpusExamples.Item> items) {
        Map<String, LinkedHashSet<Context>> sets = new LinkedHashMap<>();
        for (CorpusExamples.Item item : items) {
            var e = item.example();
            if (e.group().contains(ExampleBuilder.SEP) || e.code().contains("+")) {
                continue;
            }
            String source = e.source(); // the original example: the mention as annotated, never expanded
            String marker = "[" + e.mention() + "]{" + e.group() + "}";
            int at = source.indexOf(marker);
            if (at < 0) {
                continue; // a discontinuous mention: several bracketed fragments
            }
            String left = source.substring(0, at);
            String right = source.substring(at + marker.length());
            if ((left + right).indexOf('[') >= 0 || (left + right).indexOf('{') >= 0) {
                continue;
            }
            sets.computeIfAbsent(e.group(), g -> new LinkedHashSet<>()).add(new Context(left, e.mention(), right));
        }
        Map<String, List<Context>> out = new LinkedHashMap<>();
        sets.forEach((g, s) -> out.put(g, List.copyOf(s)));
        return new StyleCorpus(out);
    }

    public List<Context> contexts(String group) {
        return byGroup.getOrDefault(group, List.of());
    }

    public int size() {
        return byGroup.values().stream().mapToInt(List::size).sum();
    }

    public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        byGroup.forEach((g, l) -> m.put(g, l.size()));
        return m;
    }

    /** Up to n distinct contexts of the group, chosen by a seeded random source. */
    public List<Context> sample(String group, int n, java.util.Random random) {
        List<Context> all = contexts(group);
        if (all.size() <= n) {
            return all;
        }
        List<Context> picked = new ArrayList<>(n);
        LinkedHashSet<Integer> taken = new LinkedHashSet<>();
        while (picked.size() < n) {
            int i = random.nextInt(all.size());
            if (taken.add(i)) {
                picked.add(all.get(i));
            }
        }
        return picked;
    }
}
