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

    public static TfIdf fit(Iterable<String> names) {
        Map<String, Integer> df = new HashMap<>();
        int n = 0;
        for (String name : names) {
            n++;
            for (String gram : counts(name).keySet()) {
                df.merge(gram, 1, Integer::sum);
            }
        }
        return new TfIdf(n, df);
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
