package io.syncabel.runtime.eval;

import io.syncabel.runtime.link.HybridLinking;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Computes the report's figures: Recall@k overall and per stratum (semantic group, seen/unseen gold
 * concept, exact name in the KB or not, mention text in the training dictionary or not), the judge's rates
 * when judgements are given, each with the document-level bootstrap interval.
 */
public final class Evaluator {

    /**
     * @param k          Recall@k values; those above the file's largest candidate count are left out (they would repeat it)
     * @param resamples  bootstrap resamples (0: no intervals)
     * @param seed       bootstrap seed
     * @param seenCodes  gold code keys seen in training ("+"-joined, sorted); null: use the file's seen flags if any
     * @param seenSource where seenCodes came from, for the report
     * @param dictionary mention texts of the training corpora, normalised as the linker's exact lookup does
     *                   ({@link HybridLinking#normalise}); null: the file's inDictionary flags, if any
     */
    public record Options(List<Integer> k, int resamples, long seed, Set<String> seenCodes, String seenSource,
            Set<String> dictionary) {
        public static Options defaults() {
            return new Options(List.of(1, 5), 1000, 42, null, null, null);
        }
    }

    private record Stratum(String name, String dimension, Predicate<Mention> member) {
    }

    private Evaluator() {
    }

    /** Judgements, when given, are in the order of {@code predictions.mentions()}. */
    public static EvaluationReport evaluate(Predictions predictions, Options options, String sha256,
                                            List<Judgement> judgements, EvaluationReport.JudgeSummary judgeSummary) {
        List<Mention> mentions = predictions.mentions();
        if (judgements != null && judgements.size() != mentions.size()) {
            throw new IllegalArgumentException(judgements.size() + " judgements for " + mentions.size() + " mentions");
        }
        List<String> notes = new ArrayList<>();
        List<Integer> ks = new ArrayList<>(new TreeSet<>(options.k()));
        if (!ks.contains(1)) {
            ks.add(0, 1); // Recall@1 is the headline: always there
        }
        int maxCandidates = Math.max(1, predictions.maxCandidates());
        List<Integer> dropped = ks.stream().filter(k -> k > maxCandidates).toList();
        if (!dropped.isEmpty()) {
            ks.removeAll(dropped);
            notes.add("Recall@" + dropped.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", @"))
                    + " left out: the file has at most " + maxCandidates
                    + " candidate(s) per mention, so they would repeat Recall@" + maxCandidates + ".");
        }

        Map<Mention, Boolean> seen = new java.util.IdentityHashMap<>();
        String seenSource = null;
        if (options.seenCodes() != null) {
            mentions.forEach(m -> seen.put(m, options.seenCodes().contains(m.gold().key())));
            seenSource = options.seenSource();
        } else if (mentions.stream().anyMatch(m -> m.seen() != null)) {
            mentions.stream().filter(m -> m.seen() != null).forEach(m -> seen.put(m, m.seen()));
            seenSource = "prediction file (seen)";
            long unknown = mentions.size() - seen.size();
            if (unknown > 0) {
                notes.add(unknown + " mention(s) have no seen flag and are in neither the seen nor the unseen stratum.");
            }
        } else {
            notes.add("No seen/unseen stratification: give --seen-codes FILE or a seen flag in the JSONL.");
        }
        boolean hasExactName = mentions.stream().anyMatch(m -> m.exactNameInKb() != null);
        if (!hasExactName) {
            notes.add("No exact-name-in-KB stratification: the prediction file has no exactNameInKb flag.");
        }

        List<Stratum> strata = new ArrayList<>();
        strata.add(new Stratum("all", "all", m -> true));
        for (String group : new TreeSet<>(mentions.stream().map(Mention::group).filter(g -> !g.isEmpty()).toList())) {
            strata.add(new Stratum(group, "group", m -> m.group().equals(group)));
        }
        if (!seen.isEmpty()) {
            strata.add(new Stratum("seen", "seen", m -> Boolean.TRUE.equals(seen.get(m))));
            strata.add(new Stratum("unseen", "seen", m -> Boolean.FALSE.equals(seen.get(m))));
        }
        if (hasExactName) {
            strata.add(new Stratum("exact name in KB", "exactNameInKb", m -> Boolean.TRUE.equals(m.exactNameInKb())));
            strata.add(new Stratum("no exact name in KB", "exactNameInKb", m -> Boolean.FALSE.equals(m.exactNameInKb())));
        }
        // BioSyn's and SapBERT's split: a mention whose text the training corpora hold is a lookup away
        if (options.dictionary() != null) {
            Predicate<Mention> known = m -> options.dictionary().contains(HybridLinking.normalise(m.text()));
            strata.add(new Stratum("in dictionary", "dictionary", known));
            strata.add(new Stratum("not in dictionary", "dictionary", known.negate()));
        } else if (mentions.stream().anyMatch(m -> m.inDictionary() != null)) {
            strata.add(new Stratum("in dictionary", "dictionary", m -> Boolean.TRUE.equals(m.inDictionary())));
            strata.add(new Stratum("not in dictionary", "dictionary", m -> Boolean.FALSE.equals(m.inDictionary())));
        }

        List<String> documents = new ArrayList<>(new TreeSet<>(mentions.stream().map(Mention::document).toList()));
        Bootstrap bootstrap = new Bootstrap(documents, options.resamples(), options.seed());
        int[] docOf = mentions.stream().mapToInt(m -> bootstrap.index(m.document())).toArray();

        List<EvaluationReport.Stratum> out = new ArrayList<>();
        for (Stratum s : strata) {
            boolean[] in = new boolean[mentions.size()];
            int n = 0;
            Set<Integer> docs = new TreeSet<>();
            for (int i = 0; i < in.length; i++) {
                in[i] = s.member().test(mentions.get(i));
                if (in[i]) {
                    n++;
                    docs.add(docOf[i]);
                }
            }
            Map<String, Figure> recall = new TreeMap<>();
            for (int k : ks) {
                int kk = k;
                recall.put(Integer.toString(k), figure(mentions, in, docOf, bootstrap, i -> mentions.get(i).hitAt(kk)));
            }
            Figure lenient = figure(mentions, in, docOf, bootstrap, i -> mentions.get(i).lenientHitAt1());
            Map<String, Figure> judge = null;
            if (judgements != null) {
                judge = new LinkedHashMap<>();
                judge.put("correct", figure(mentions, in, docOf, bootstrap,
                        i -> is(judgements.get(i), JudgeLabel.STRICT, JudgeLabel.EXACT)));
                judge.put("broad", figure(mentions, in, docOf, bootstrap,
                        i -> is(judgements.get(i), JudgeLabel.BROAD, JudgeLabel.PARTIAL)));
                judge.put("strict", figure(mentions, in, docOf, bootstrap, i -> is(judgements.get(i), JudgeLabel.STRICT)));
                judge.put("exact", figure(mentions, in, docOf, bootstrap, i -> is(judgements.get(i), JudgeLabel.EXACT)));
                judge.put("partial", figure(mentions, in, docOf, bootstrap, i -> is(judgements.get(i), JudgeLabel.PARTIAL)));
                judge.put("narrow", figure(mentions, in, docOf, bootstrap, i -> is(judgements.get(i), JudgeLabel.NARROW)));
                judge.put("noRelation", figure(mentions, in, docOf, bootstrap,
                        i -> is(judgements.get(i), JudgeLabel.NO_RELATION)));
                judge.put("failed", figure(mentions, in, docOf, bootstrap, i -> judgements.get(i).failed()));
            }
            out.add(new EvaluationReport.Stratum(s.name(), s.dimension(), n, docs.size(), recall, lenient, judge));
        }
        return new EvaluationReport(
                new EvaluationReport.Input(predictions.file(), predictions.format().name().toLowerCase(java.util.Locale.ROOT), sha256),
                new EvaluationReport.Counts(predictions.rows(), predictions.duplicates(), predictions.noCode(),
                        mentions.size(), documents.size()),
                new EvaluationReport.Settings(ks, options.resamples(), options.seed(), 0.95, seenSource),
                out, judgeSummary, notes, null);
    }

    private static boolean is(Judgement j, JudgeLabel... labels) {
        for (JudgeLabel l : labels) {
            if (j.label() == l) {
                return true;
            }
        }
        return false;
    }

    private static Figure figure(List<Mention> mentions, boolean[] in, int[] docOf, Bootstrap bootstrap,
                                 java.util.function.IntPredicate hit) {
        long[] hits = new long[bootstrap.documents()];
        long[] total = new long[bootstrap.documents()];
        long h = 0;
        long t = 0;
        for (int i = 0; i < mentions.size(); i++) {
            if (!in[i]) {
                continue;
            }
            total[docOf[i]]++;
            t++;
            if (hit.test(i)) {
                hits[docOf[i]]++;
                h++;
            }
        }
        return Figure.of(h, t, bootstrap.interval(hits, total));
    }
}
