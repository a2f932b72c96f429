package io.syncabel.runtime.model.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns byte-level BPE merges from texts (KB names, corpus text). Hugging Face's trainer is not
 * reachable from Java (DJL's binding only loads tokenizers), so this is the textbook algorithm with
 * incremental pair counts: each merge touches only the words that contain the pair.
 *
 * <p>Deterministic: words are ordered, and among equally frequent pairs the one with the smaller
 * (left id, right id) wins, so the same texts give the same file.
 */
public final class BpeTrainer {

    private final int vocabSize;
    private final int minFrequency;

    /**
     * @param vocabSize final vocabulary size including the 4 special and 256 byte tokens
     * @param minFrequency a pair seen fewer times than this is not merged (training may stop early)
     */
    public BpeTrainer(int vocabSize, int minFrequency) {
        if (vocabSize < BpeVocabulary.FIRST_BYTE + 256 || vocabSize > 0xFFFF + 1) {
            throw new IllegalArgumentException("vocabulary size must be in 260..65536 (16-bit trie edges)");
        }
        this.vocabSize = vocabSize;
        this.minFrequency = Math.max(1, minFrequency);
    }

    private record Candidate(long count, int left, int right) {
        static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::count).reversed()
                .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);
    }

    public BpeVocabulary train(Iterable<String> texts) {
        return train(texts, false);
    }

    /** @param lowercase fold case: learn merges on lower-cased text and lower-case every text encoded later */
    public BpeVocabulary train(Iterable<String> texts, boolean lowercase) {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : texts) {
            for (String piece : ByteLevel.pieces(lowercase ? text.toLowerCase(java.util.Locale.ROOT) : text)) {
                wordCounts.merge(piece, 1, Integer::sum);
            }
        }
        String[] words = wordCounts.keySet().toArray(new String[0]);
        Arrays.sort(words);
        int[][] symbols = new int[words.length][];
        long[] freq = new long[words.length];
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            freq[w] = wordCounts.get(word);
            symbols[w] = new int[word.length()];
            for (int i = 0; i < word.length(); i++) {
                symbols[w][i] = BpeVocabulary.FIRST_BYTE + ByteLevel.byteOf(word.charAt(i));
            }
        }

        List<String> tokens = new ArrayList<>(BpeVocabulary.SPECIALS);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        Map<String, Integer> idOf = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            idOf.put(tokens.get(id), id);
        }

        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> pairWords = new HashMap<>();
        for (int w = 0; w < words.length; w++) {
            count(symbols[w], freq[w], w, pairCount, pairWords, null);
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Candidate.BEST_FIRST);
        pairCount.forEach((p, c) -> queue.add(new Candidate(c, (int) (p >>> 32), (int) (long) p)));

        List<int[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize && !queue.isEmpty()) {
            Candidate top = queue.poll();
            long key = BpeVocabulary.pair(top.left(), top.right());
            long actual = pairCount.getOrDefault(key, 0L);
            if (actual != top.count()) {
                // stale entry: counts only fall for existing pairs, and rises were queued when they happened
                if (actual > 0 && actual < top.count()) {
                    queue.add(new Candidate(actual, top.left(), top.right()));
                }
                continue;
            }
            if (actual < minFrequency) {
                break;
            }
            String merged = tokens.get(top.left()) + tokens.get(top.right());
            Integer id = idOf.get(merged);
            if (id == null) {
                id = tokens.size();
                tokens.add(merged);
                idOf.put(merged, id);
            }
            merges.add(new int[] {top.left(), top.right(), id});
            Set<Long> raised = new HashSet<>();
            for (int w : pairWords.remove(key)) {
                int[] before = symbols[w];
                int[] after = apply(before, top.left(), top.right(), id);
                if (after.length == before.length) {
                    continue; // listed when the pair was present, merged away since
                }
                count(before, -freq[w], w, pairCount, pairWords, null);
                count(after, freq[w], w, pairCount, pairWords, raised);
                symbols[w] = after;
            }
            pairCount.remove(key);
            for (long p : raised) {
                Long c = pairCount.get(p);
                if (c != null && c > 0) {
                    queue.add(new Candidate(c, (int) (p >>> 32), (int) p));
                }
            }
        }
        return new BpeVocabulary(tokens, merges.toArray(new int[0][]), lowercase);
    }

    private static void count(int[] s, long delta, int word, Map<Long, Long> pairCount,
            Map<Long, Set<Integer>> pairWords, Set<Long> raised) {
        for (int i = 0; i + 1 < s.length; i++) {
            long p = BpeVocabulary.pair(s[i], s[i + 1]);
            long c = pairCount.merge(p, delta, Long::sum);
            if (c == 0) {
                pairCount.remove(p);
            }
            if (delta > 0) {
                pairWords.computeIfAbsent(p, k -> new HashSet<>()).add(word);
                if (raised != null) {
                    raised.add(p);
                }
            }
        }
    }

    /** Merges every non-overlapping occurrence, left to right. */
    private static int[] apply(int[] s, int left, int right, int merged) {
        int[] out = new int[s.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                out[k++] = merged;
                i++;
            } else {
                out[k++] = s[i];
            }
        }
        return k == s.length ? s : Arrays.copyOf(out, k);
    }
}
