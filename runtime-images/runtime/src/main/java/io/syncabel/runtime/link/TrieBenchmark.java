package io.syncabel.runtime.link;

import io.syncabel.runtime.model.tokenizer.BpeTrainer;
import io.syncabel.runtime.model.tokenizer.BpeVocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The {@code bench/trie} harness: size and lookup time of {@link NameTrie} for the MEDIC names and for a
 * synthetic vocabulary of N names. A plain main rather than JMH (not on this build's class path); it
 * warms up, then reports the median of timed rounds.
 *
 * <p>Names are tokenised as {@code " is " + name} by a byte-level BPE trained on the MEDIC names with
 * {@link BpeTrainer} (the project's tokenizer, encoded in Java so no native library is loaded).
 * Synthetic names draw their word count from the MEDIC name lengths and each word from the MEDIC word
 * frequencies, independently: that shares fewer prefixes than real KB names do, so it errs on the large
 * side. A lookup is one {@code child(node, token)} on a random step of a random stored name, steps taken
 * in random order (cache misses included), which is what beam search does per candidate token; times
 * are this thread's CPU time. {@code walk_step_ns} walks whole names from the root instead, as decoding
 * does, and {@code allowed_next_ns} materialises the allowed set of a random node (dominated by the
 * node below the verb, whose children are every first token of a name).
 */
public final class TrieBenchmark {

    private TrieBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path medic = Path.of("../shared/data/ncbi-disease/medic_06Jul2012.txt");
        int synthetic = 1_000_000;
        int vocabSize = 8000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--medic" -> medic = Path.of(args[i + 1]);
                case "--names" -> synthetic = Integer.parseInt(args[i + 1]);
                case "--vocab" -> vocabSize = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> names = medicNames(medic);
        long t0 = System.nanoTime();
        List<String> texts = new ArrayList<>(names.size());
        names.forEach(n -> texts.add(" " + GroupTries.VERB + " " + n));
        BpeVocabulary vocab = new BpeTrainer(vocabSize, 2).train(texts);
        System.out.printf(Locale.ROOT, "bpe vocab=%d trained_on=%d names in %.1f s%n",
                vocab.size(), names.size(), (System.nanoTime() - t0) / 1e9);

        report("medic", measure(names, vocab));
        List<String> fake = syntheticNames(names, synthetic, new Random(1));
        Result r = measure(fake, vocab);
        report("synthetic", r);
        System.out.printf(Locale.ROOT, "names=%d bytes_per_name=%.1f lookup_ns=%.0f%n", r.names, r.bytesPerName(), r.lookupNs);
    }

    record Result(int names, int nodes, int bytes, double tokensPerName, double buildSeconds, double lookupNs,
            double walkNs, double allowedNs, double allowedNsPerToken) {
        double bytesPerName() {
            return (double) bytes / names;
        }
    }

    private static void report(String label, Result r) {
        System.out.printf(Locale.ROOT,
                "%s names=%d tokens_per_name=%.1f nodes=%d bytes=%d bytes_per_name=%.1f build_s=%.1f lookup_ns=%.1f walk_step_ns=%.1f allowed_next_ns=%.1f (%.2f per token returned)%n",
                label, r.names, r.tokensPerName, r.nodes, r.bytes, r.bytesPerName(), r.buildSeconds, r.lookupNs, r.walkNs, r.allowedNs,
                r.allowedNsPerToken);
    }

    /** The DNorm-format MEDIC file: {@code id|altid...||name|synonym|...}; the right side holds the names. */
    static List<String> medicNames(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int bar = line.indexOf("||");
            if (bar < 0) {
                continue;
            }
            for (String n : line.substring(bar + 2).split("\\|")) {
                if (!n.isBlank()) {
                    names.add(n.strip());
                }
            }
        }
        return names;
    }

    static List<String> syntheticNames(List<String> real, int count, Random rnd) {
        List<String> words = new ArrayList<>();
        int[] lengths = new int[real.size()];
        for (int i = 0; i < real.size(); i++) {
            String[] w = real.get(i).split(" ");
            lengths[i] = w.length;
            words.addAll(List.of(w));
        }
        Set<String> out = new LinkedHashSet<>();
        StringBuilder sb = new StringBuilder();
        while (out.size() < count) {
            int n = lengths[rnd.nextInt(lengths.length)];
            sb.setLength(0);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(words.get(rnd.nextInt(words.size())));
            }
            out.add(sb.toString());
        }
        return new ArrayList<>(out);
    }

    private static Result measure(List<String> names, BpeVocabulary vocab) {
        int[][] seqs = new int[names.size()][];
        long tokens = 0;
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = vocab.encode(" " + GroupTries.VERB + " " + names.get(i));
            tokens += seqs[i].length;
        }
        long t0 = System.nanoTime();
        NameTrie.Builder b = NameTrie.builder(BpeVocabulary.END);
        for (int i = 0; i < seqs.length; i++) {
            b.add(seqs[i], i);
        }
        NameTrie trie = b.build();
        double build = (System.nanoTime() - t0) / 1e9;

        // random steps of random names: the node before the step and the token taken
        Random rnd = new Random(7);
        int steps = 2_000_000;
        int[] nodes = new int[steps];
        int[] toks = new int[steps];
        for (int s = 0; s < steps; s++) {
            int[] seq = seqs[rnd.nextInt(seqs.length)];
            int depth = rnd.nextInt(seq.length);
            nodes[s] = trie.walk(trie.root(), java.util.Arrays.copyOf(seq, depth));
            toks[s] = seq[depth];
        }
        double lookup = median(() -> {
            long sum = 0;
            long start = cpuNanos();
            for (int s = 0; s < steps; s++) {
                sum += trie.child(nodes[s], toks[s]);
            }
            long ns = cpuNanos() - start;
            if (sum < 0) {
                throw new IllegalStateException("a stored step was not found");
            }
            return (double) ns / steps;
        });
        // whole names walked from the root, as decoding does: each step starts where the last ended
        int[][] walks = new int[200_000][];
        for (int i = 0; i < walks.length; i++) {
            walks[i] = seqs[rnd.nextInt(seqs.length)];
        }
        double walk = median(() -> {
            long sum = 0;
            long n = 0;
            long start = cpuNanos();
            for (int[] seq : walks) {
                int node = trie.root();
                for (int t : seq) {
                    node = trie.child(node, t);
                }
                sum += trie.isComplete(node) ? 1 : 0;
                n += seq.length;
            }
            long ns = cpuNanos() - start;
            if (sum != walks.length) {
                throw new IllegalStateException("a stored name does not end on a complete node");
            }
            return (double) ns / n;
        });
        long[] allowedTokens = new long[1];
        double allowed = median(() -> {
            long sum = 0;
            long start = cpuNanos();
            for (int s = 0; s < steps; s += 4) {
                sum += trie.allowedNext(nodes[s]).length;
            }
            long ns = cpuNanos() - start;
            allowedTokens[0] = sum;
            return ns / (steps / 4.0);
        });
        double perToken = allowed * (steps / 4.0) / allowedTokens[0];
        return new Result(names.size(), trie.nodeCount(), trie.sizeInBytes(), (double) tokens / names.size(), build,
                lookup, walk, allowed, perToken);
    }

    /**
     * This thread's CPU time: the box is shared (load far above its 2 cores while others build), and
     * wall time would count the periods this thread waits to be scheduled.
     */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static double median(java.util.function.DoubleSupplier round) {
        for (int i = 0; i < 3; i++) {
            round.getAsDouble(); // warm-up: JIT and page faults
        }
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            t[i] = round.getAsDouble();
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
