package io.syncabel.runtime.kb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Character 3-gram TF-IDF as scikit-learn's {@code TfidfVectorizer(analyzer="char_wb", ngram_range=(3,3))}
 * with its defaults (lowercase, smooth idf, raw counts, L2 norm), the vectorizer the original uses to pick
 * the gold synonym closest to a mention (reference §3.3). The original loads scispaCy's UMLS-fitted
 * vocabulary; here it is fitted on the KB's own names (min_df 1), so scores differ slightly, not the rule.
 */
public final class TfIdf {
    private final int documents;
    private final Map<String, Integer> documentFrequency;

    public TfIdf(int documents, Map<String, Integer> documentFrequency) {
        this.documents = documents;
        this.documentFrequency = documentFrequency;
    }

    /**
     * Document frequencies of the names' trigrams. Hot on large KBs (millions of names), so trigrams are
     * counted as packed 48-bit keys in an open-addressing table, not as strings in a HashMap.
     */
    public static TfIdf fit(Iterable<String> names) {
        long[] keys = new long[1 << 16];
        int[] counts = new int[1 << 16];
        long[] seen = new long[64];
        int size = 0;
        int n = 0;
        for (String name : names) {
            n++;
            String lower = name.toLowerCase(Locale.ROOT);
            int distinct = 0;
            int len = lower.length();
            int i = 0;
            while (i < len) {
                while (i < len && isSpace(lower.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < len && !isSpace(lower.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    continue;
                }
                // the padded word " w " as windows of 3 characters
                int padded = i - start + 2;
                for (int w = 0; w + 3 <= padded; w++) {
                    long key = ((long) charAt(lower, start, i, w) << 32) | ((long) charAt(lower, start, i, w + 1) << 16)
                            | charAt(lower, start, i, w + 2);
                    key |= 1L << 48; // never 0, the table's empty marker
                    boolean dup = false;
                    for (int k = 0; k < distinct; k++) {
                        if (seen[k] == key) {
                            dup = true;
                            break;
                        }
                    }
                    if (dup) {
                        continue;
                    }
                    if (distinct == seen.length) {
                        seen = java.util.Arrays.copyOf(seen, distinct * 2);
                    }
                    seen[distinct++] = key;
                    if (size * 2 >= keys.length) {
                        long[] oldKeys = keys;
                        int[] oldCounts = counts;
                        keys = new long[oldKeys.length * 2];
                        counts = new int[oldKeys.length * 2];
                        for (int j = 0; j < oldKeys.length; j++) {
                            if (oldKeys[j] != 0) {
                                int slot = slot(keys, oldKeys[j]);
                                keys[slot] = oldKeys[j];
                                counts[slot] = oldCounts[j];
                            }
                        }
                    }
                    int slot = slot(keys, key);
                    if (keys[slot] == 0) {
                        keys[slot] = key;
                        size++;
                    }
                    counts[slot]++;
                }
            }
        }
        Map<String, Integer> df = new HashMap<>(size * 2);
        for (int j = 0; j < keys.length; j++) {
            if (keys[j] != 0) {
                long k = keys[j];
                df.put(new String(new char[] {(char) (k >>> 32), (char) (k >>> 16), (char) k}), counts[j]);
            }
        }
        return new TfIdf(n, df);
    }

    /** Character w of " " + s[start, end) + " ". */
    private static char charAt(String s, int start, int end, int w) {
        return w == 0 || w == end - start + 1 ? ' ' : s.charAt(start + w - 1);
    }

    private static int slot(long[] keys, long key) {
        int mask = keys.length - 1;
        int h = (int) (key ^ (key >>> 29) ^ (key >>> 17)) * 0x9E3779B9;
        int i = h & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    public int documents() {
        return documents;
    }

    public Map<String, Integer> documentFrequency() {
        return documentFrequency;
    }

    /** The L2-normalised tf·idf vector; n-grams outside the vocabulary are ignored, as sklearn does. */
    public Map<String, Float> vector(String text) {
        Map<String, Integer> tf = counts(text);
        Map<String, Float> v = new HashMap<>(tf.size() * 2);
        double norm = 0;
        for (var e : tf.entrySet()) {
            Integer df = documentFrequency.get(e.getKey());
            if (df == null) {
                continue;
            }
            double w = e.getValue() * (Math.log((1.0 + documents) / (1.0 + df)) + 1.0);
            v.put(e.getKey(), (float) w);
            norm += w * w;
        }
        if (norm > 0) {
            float inv = (float) (1.0 / Math.sqrt(norm));
            v.replaceAll((k, w) -> w * inv);
        }
        return v;
    }

    public static double dot(Map<String, Float> a, Map<String, Float> b) {
        if (a.size() > b.size()) {
            return dot(b, a);
        }
        double s = 0;
        for (var e : a.entrySet()) {
            Float w = b.get(e.getKey());
            if (w != null) {
                s += e.getValue() * w;
            }
        }
        return s;
    }

    /** Index of the candidate closest to the mention: first on ties, so the first when every score is 0. */
    public int closest(String mention, List<String> candidates) {
        Map<String, Float> m = vector(mention);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            double s = dot(m, vector(candidates.get(i)));
            if (s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        return best;
    }

    /**
     * char_wb analysis: lowercase, split on Unicode whitespace, pad each word with one space on both
     * sides, every 3-character window (a padded word shorter than 3 gives itself once).
     */
    static Map<String, Integer> counts(String text) {
        Map<String, Integer> grams = new HashMap<>();
        String lower = text.toLowerCase(Locale.ROOT);
        for (String word : words(lower)) {
            String padded = " " + word + " ";
            if (padded.length() < 3) {
                grams.merge(padded, 1, Integer::sum);
                continue;
            }
            for (int i = 0; i + 3 <= padded.length(); i++) {
                grams.merge(padded.substring(i, i + 3), 1, Integer::sum);
            }
        }
        return grams;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    /** Python's str.split() whitespace, NBSP included (reference §8.11). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
