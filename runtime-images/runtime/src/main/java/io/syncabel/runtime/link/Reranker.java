package io.syncabel.runtime.link;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.syncabel.runtime.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A learned listwise re-ranker over a mention's candidate concepts (exact training-mention lookup aside): each
 * candidate gets a linear score over its features, the mention's candidates compete in a softmax. Two layers,
 * so the model's contribution is a measured addition, not a hand-set weight:
 * <ul>
 * <li>{@code base}: retrieval and corpus features ({@link CandidateFeatures#BASE}), learnt on the training
 *     split with a leave-documents-out dictionary (no model needed);</li>
 * <li>{@code model} (optional): the base score plus the generative model's scores of the candidate
 *     ({@link CandidateFeatures#MODEL}), learnt on held-out dev mentions the model never trained on.</li>
 * </ul>
 * Without the model layer it is "the same pipeline without the model". Saved as {@value #FILE}.
 *
 * @param candidates how many TF-IDF candidates each mention gets (K)
 */
public record Reranker(int candidates, Layer base, Layer model) {
    public static final String FILE = "reranker.json";

    public Reranker {
        if (candidates <= 0 || base == null) {
            throw new IllegalArgumentException("a re-ranker needs K > 0 candidates and a base layer");
        }
    }

    /**
     * A linear scorer over named features, each standardised by the mean and standard deviation seen in its
     * training lists (so weights compare and L2 treats features alike).
     */
    public record Layer(List<String> features, double[] mean, double[] std, double[] weights) {
        public Layer {
            if (mean.length != features.size() || std.length != features.size() || weights.length != features.size()) {
                throw new IllegalArgumentException("a layer needs one mean, std and weight per feature");
            }
        }

        public double score(double[] x) {
            double s = 0;
            for (int f = 0; f < weights.length; f++) {
                s += weights[f] * (x[f] - mean[f]) / std[f];
            }
            return s;
        }
    }

    /** Whether the base layer reads the dense-retrieval features: the linker then needs a dense retriever. */
    @JsonIgnore
    public boolean usesDense() {
        return base.features().containsAll(CandidateFeatures.DENSE);
    }

    /** Whether the base layer ranks coordinated mentions' composite candidates (re-rankers fit before them do not). */
    @JsonIgnore
    public boolean usesComposites() {
        return base.features().containsAll(CandidateFeatures.COMPOSITE);
    }

    @JsonIgnore
    public boolean usesModel() {
        return model != null;
    }

    /** The same re-ranker without the model layer: what the pipeline answers when the model is left out. */
    public Reranker withoutModel() {
        return new Reranker(candidates, base, null);
    }

    public void write(OutputStream out) throws IOException {
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, this);
    }

    public static Reranker read(InputStream in, String where) throws IOException {
        Reranker r;
        try {
            r = Json.MAPPER.readValue(in, Reranker.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(where + ": not a re-ranker (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        // BASE, then DENSE when fit with a dense retriever, then COMPOSITE; files written before either lack it
        if (!r.base().features().equals(CandidateFeatures.base(r.usesDense(), r.usesComposites()))
                || r.usesModel() && !r.model().features().equals(CandidateFeatures.MODEL)) {
            throw new IOException(where + ": made for other features " + r.base().features()
                    + "; this build computes " + CandidateFeatures.BASE + ", with a dense retriever also " + CandidateFeatures.DENSE
                    + ", then " + CandidateFeatures.COMPOSITE + " (fit it again with `syncabel rerank`)");
        }
        return r;
    }
}
