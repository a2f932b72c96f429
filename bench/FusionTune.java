import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncabel.runtime.kb.TfIdfLinker;
import io.syncabel.runtime.link.GenerativeLinker;
import io.syncabel.runtime.link.HybridLinking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Picks the fusion settings on a dev split: reads the predictions of `syncabel link --fusion --candidates KMAX`
 * (every candidate carries its TF-IDF cosine and rank and the model's score of its best name) and re-ranks the
 * top K of every mention with HybridLinking.combine, the code the linker runs, for every K <= KMAX, weight
 * 0..1 (step 0.025), method (linear, rrf) and gate (the TF-IDF top-1 cosine at or above which retrieval stands). Exact-lookup answers count as they are. Ties go to the setting
 * whose neighbouring weights do best, then to the smaller K, no gate before a gate, and the smaller weight.
 * Run as: java -cp runtime-images/runtime/target/syncabel-runtime.jar bench/FusionTune.java DEV.jsonl [SKIP]
 * SKIP (default 0) leaves out the first SKIP mentions: those `train --dev-max-mentions SKIP` scored to pick the
 * checkpoint, on which the model looks better than it is.
 * Prints one line per method, then: fusion_method=<m> fusion_k=<K> fusion_weight=<a> fusion_gate=<c|none> dev_recall_at_1=<x> dev_tfidf=<y>
 */
public class FusionTune {
    /** Fusion gates tried: none, then TF-IDF top-1 cosines at or above which retrieval's ranking stands. */
    static final double[] GATES = {HybridLinking.Fusion.NO_GATE, 1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5};


    record Mention(TreeSet<String> gold, List<String> fixedAnswer, List<TfIdfLinker.Candidate> retrieved,
            Map<String, GenerativeLinker.NameScore> model) {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Mention> mentions = new ArrayList<>();
        int kMax = 0;
        int skip = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || skip-- > 0) {
                continue;
            }
            JsonNode n = json.readTree(line);
            TreeSet<String> gold = new TreeSet<>();
            n.get("gold").forEach(c -> gold.add(c.asText()));
            List<TfIdfLinker.Candidate> retrieved = new ArrayList<>();
            Map<String, GenerativeLinker.NameScore> model = new HashMap<>();
            List<String> fixed = null;
            JsonNode candidates = n.get("candidates");
            for (JsonNode c : candidates) {
                if (!c.has("retrievalRank")) {
                    List<String> codes = new ArrayList<>();
                    c.get("codes").forEach(x -> codes.add(x.asText()));
                    fixed = codes;
                    break;
                }
                String code = c.get("codes").get(0).asText();
                retrieved.add(new TfIdfLinker.Candidate(code, c.get("name").asText(), "", c.get("retrievalScore").asDouble()));
                if (c.has("modelLogProb")) {
                    model.put(code, new GenerativeLinker.NameScore(c.get("name").asText(), c.get("modelLogProb").asDouble(),
                            c.get("modelTokens").asInt(), c.get("modelLogMass").asDouble()));
                }
            }
            if (fixed == null) {
                // back in retrieval order, as the linker sees them
                List<JsonNode> byRank = new ArrayList<>();
                candidates.forEach(byRank::add);
                byRank.sort(java.util.Comparator.comparingInt(c -> c.get("retrievalRank").asInt()));
                retrieved.clear();
                for (JsonNode c : byRank) {
                    retrieved.add(new TfIdfLinker.Candidate(c.get("codes").get(0).asText(), c.get("name").asText(), "",
                            c.get("retrievalScore").asDouble()));
                }
                kMax = Math.max(kMax, retrieved.size());
            }
            mentions.add(new Mention(gold, fixed, retrieved, model));
        }
        if (mentions.isEmpty()) {
            throw new IllegalArgumentException(args[0] + ": no predictions");
        }
        double[] weights = new double[41];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i / 40.0;
        }
        List<Integer> ks = new ArrayList<>();
        for (int k : new int[] {1, 2, 3, 5, 8, 10, 15, 20, 30, 50}) {
            if (k <= kMax) {
                ks.add(k);
            }
        }
        String bestLine = null;
        double bestRecall = -1;
        double bestSmooth = -1;
        double tfidf = recall(mentions, 1, new HybridLinking.Fusion(HybridLinking.FusionMethod.LINEAR, 0));
        for (HybridLinking.FusionMethod method : HybridLinking.FusionMethod.values()) {
            double methodBest = -1;
            String methodLine = null;
            for (int k : ks) {
              for (double gate : GATES) {
                double[] r = new double[weights.length];
                for (int i = 0; i < weights.length; i++) {
                    r[i] = recall(mentions, k, new HybridLinking.Fusion(method, weights[i], gate));
                }
                for (int i = 0; i < weights.length; i++) {
                    double smooth = (r[Math.max(0, i - 1)] + r[Math.min(weights.length - 1, i + 1)]) / 2;
                    String line = String.format("fusion_method=%s fusion_k=%d fusion_weight=%s fusion_gate=%s dev_recall_at_1=%.2f dev_tfidf=%.2f",
                            method.name().toLowerCase(), k, weights[i], gate > 1 ? "none" : String.valueOf(gate), r[i], tfidf);
                    if (r[i] > bestRecall || (r[i] == bestRecall && smooth > bestSmooth)) {
                        bestRecall = r[i];
                        bestSmooth = smooth;
                        bestLine = line;
                    }
                    if (r[i] > methodBest) {
                        methodBest = r[i];
                        methodLine = line;
                    }
                }
              }
            }
            System.out.println("best " + method.name().toLowerCase() + ": " + methodLine);
        }
        System.out.println(bestLine);
    }

    static double recall(List<Mention> mentions, int k, HybridLinking.Fusion fusion) {
        int hits = 0;
        for (Mention m : mentions) {
            List<String> answer = m.fixedAnswer();
            if (answer == null && !m.retrieved().isEmpty()) {
                List<TfIdfLinker.Candidate> top = m.retrieved().subList(0, Math.min(k, m.retrieved().size()));
                answer = HybridLinking.combine(top, m.model(), fusion).get(0).candidate().codes();
            }
            if (answer != null && new TreeSet<>(answer).equals(m.gold())) {
                hits++;
            }
        }
        return 100.0 * hits / mentions.size();
    }
}
