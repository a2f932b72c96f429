package io.syncabel.runtime.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncabel.runtime.Json;
import io.syncabel.runtime.text.UserError;
import io.syncabel.runtime.corpus.CorpusExamples;
import io.syncabel.runtime.eval.CodeSet;
import io.syncabel.runtime.kb.Concept;
import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.text.Problems;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Links every gold mention of an annotated corpus and writes the predictions JSONL that
 * {@code syncabel evaluate} reads (docs/evaluation.md): the one way {@code syncabel link --corpus} and
 * {@code syncabel evaluate --model/--test} (or an Evaluation in a pod) turn a corpus into predictions.
 * A {@link Backend} does the linking: the model in this process (plain generation, hybrid or fusion), or a
 * linker service over its {@code POST /v1/link} API.
 */
public final class CorpusLinking {
    /** Mentions per batch (and per progress line); also the inputs of one request to a linker service. */
    public static final int CHUNK = 64;

    private CorpusLinking() {
    }

    /** Links a batch of corpus items; one ranked list per item, in order. */
    public interface Backend {
        List<List<HybridLinking.Fused>> link(List<CorpusExamples.Item> batch);
    }

    /**
     * How the model links: beam settings and the retrieval around it.
     *
     * @param dictionary annotated training mentions for the exact lookup and the TF-IDF retriever (may be empty)
     * @param candidates top-K TF-IDF concepts (0: generation over the whole KB)
     * @param fusion score-level fusion over those K concepts, or null for generation
     * @param reranker a learned re-ranker of the top K concepts (its own K), instead of fusion; or null
     */
    public record Settings(Linker.Options options, MentionDictionary dictionary, int candidates,
            HybridLinking.Fusion fusion, Reranker reranker, DenseRetriever dense) {
        public Settings(Linker.Options options, MentionDictionary dictionary, int candidates, HybridLinking.Fusion fusion,
                Reranker reranker) {
            this(options, dictionary, candidates, fusion, reranker, null);
        }

        /** The same settings with a dense retriever joining retrieval (null: none). */
        public Settings withDense(DenseRetriever retriever) {
            return new Settings(options, dictionary, candidates, fusion, reranker, retriever);
        }

        /** The same settings ranked by another re-ranker (e.g. one's model-free layer). */
        public Settings withReranker(Reranker other) {
            return new Settings(options, dictionary, candidates, fusion, other, dense);
        }

        public Settings(Linker.Options options, MentionDictionary dictionary, int candidates, HybridLinking.Fusion fusion) {
            this(options, dictionary, candidates, fusion, null);
        }

        /** The exact lookup, then the re-ranker over the top K concepts. */
        public static Settings reranked(int beams, MentionDictionary dictionary, Reranker reranker) {
            return new Settings(new Linker.Options(beams, beams, true), dictionary, reranker.candidates(), null, reranker);
        }

        /** The fusion settings tuned on the NCBI-disease dev split (docs/benchmarks.md, "Score-level fusion"). */
        public static final int DEFAULT_CANDIDATES = 8;
        public static final double DEFAULT_FUSION_WEIGHT = 0.15;

        /** Constrained generation over the whole KB, nothing else. */
        public static Settings plain(int beams) {
            return new Settings(new Linker.Options(beams, beams, true), MentionDictionary.EMPTY, 0, null);
        }

        /**
         * How a model links by default: with the training mentions it was trained on (its artifact's
         * mentions.tsv), the exact lookup then linear fusion over the TF-IDF top 8 (a = 0.15); without them,
         * {@link #plain}.
         */
        public static Settings recommended(int beams, MentionDictionary dictionary) {
            if (dictionary.isEmpty()) {
                return plain(beams);
            }
            return new Settings(new Linker.Options(beams, beams, true), dictionary,
                    DEFAULT_CANDIDATES, new HybridLinking.Fusion(HybridLinking.FusionMethod.LINEAR, DEFAULT_FUSION_WEIGHT));
        }
    }

    /** The model in this process. */
    public static Backend model(GenerativeLinker linker, KnowledgeBase kb, Settings s) {
        HybridLinking hybrid = !s.dictionary().isEmpty() || s.candidates() > 0 || s.fusion() != null || s.reranker() != null
                ? new HybridLinking(linker, kb, s.dictionary(), s.candidates(), s.dense())
                : null;
        return batch -> {
            if (s.reranker() != null) {
                return hybrid.rerank(batch, s.reranker(), s.options());
            }
            if (s.fusion() != null) {
                return hybrid.fuse(batch, s.fusion(), s.options());
            }
            List<List<Linker.Candidate>> predicted = hybrid != null ? hybrid.link(batch, s.options())
                    : linker.linkMarked(batch.stream()
                            .map(i -> new GenerativeLinker.Marked(i.source(), i.mention(), i.example().group())).toList(),
                            s.options());
            return predicted.stream().map(l -> l.stream().map(c -> new HybridLinking.Fused(c, null, Double.NaN, 0)).toList())
                    .toList();
        };
    }

    /**
     * A linker service ({@code syncabel serve}): each item goes as {@code {text, mentions: [{start, end, group}]}},
     * the text being the model's source without markers (short forms expanded as for the model), {@link #CHUNK}
     * per request. 429 and 503 are retried after their Retry-After (at most {@code retries} times).
     */
    public static Backend service(String baseUrl, int beams, int retries) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create(baseUrl.replaceAll("/+$", "") + "/v1/link");
        return batch -> {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode inputs = body.putArray("inputs");
            for (CorpusExamples.Item item : batch) {
                Unmarked u = unmark(item);
                ObjectNode in = inputs.addObject();
                in.put("text", u.text());
                ObjectNode m = in.putArray("mentions").addObject();
                m.put("start", u.start());
                m.put("end", u.end());
                m.put("group", item.example().group());
            }
            body.putObject("options").put("beams", beams).put("topK", beams).put("constrained", true);
            JsonNode answer = post(client, uri, body, retries);
            JsonNode results = answer.path("results");
            if (!results.isArray() || results.size() != batch.size()) {
                throw new UserError(uri + ": answered " + results.size() + " results for " + batch.size() + " inputs");
            }
            List<List<HybridLinking.Fused>> out = new ArrayList<>(batch.size());
            for (JsonNode r : results) {
                List<HybridLinking.Fused> ranked = new ArrayList<>();
                for (JsonNode c : r.path("mentions").path(0).path("candidates")) {
                    List<String> codes = new ArrayList<>();
                    c.path("codes").forEach(x -> codes.add(x.asText()));
                    double score = c.path("score").isNumber() ? c.path("score").asDouble() : Double.NaN;
                    ranked.add(new HybridLinking.Fused(new Linker.Candidate(codes, c.path("name").asText(""), score,
                            ranked.size() + 1), null, Double.NaN, 0));
                }
                out.add(ranked);
            }
            return out;
        };
    }

    private static JsonNode post(HttpClient client, URI uri, JsonNode body, int retries) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UserError(uri + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError(uri + ": interrupted", e);
            }
            int status = response.statusCode();
            if (status == 200) {
                try {
                    return Json.MAPPER.readTree(response.body());
                } catch (IOException e) {
                    throw new UserError(uri + ": not JSON: " + e.getMessage(), e);
                }
            }
            if ((status == 429 || status == 503) && attempt < retries) {
                long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
                try {
                    Thread.sleep(Math.min(30, Math.max(1, wait)) * 1000L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UserError(uri + ": interrupted", e);
                }
                continue;
            }
            String text = response.body();
            throw new UserError(uri + ": HTTP " + status + ": " + (text.length() > 500 ? text.substring(0, 500) + "..." : text));
        }
    }

    /** The text around a mention without its markers, and the mention's span in it. */
    record Unmarked(String text, int start, int end) {
    }

    static Unmarked unmark(CorpusExamples.Item item) {
        String source = item.source();
        String group = item.example().group();
        String open = "[" + item.mention() + "]{" + group + "}";
        int at = source.indexOf(open);
        if (at < 0) {
            throw new IllegalStateException("marked mention not found in its source: " + source);
        }
        String text = source.substring(0, at) + item.mention() + source.substring(at + open.length());
        return new Unmarked(text, at, at + item.mention().length());
    }

    /** What {@link #write} did. */
    public record Result(int mentions, int top1Correct, double mentionsPerSecond) {
    }

    /**
     * Links {@code items} in chunks and writes the predictions JSONL to {@code out} (whole or not at all).
     *
     * @param seenCodes  gold codes of the model's training data, for the {@code seen} field (null: field left out)
     * @param dictionary the linker's training mentions, for the {@code inDictionary} field (null or empty: left out)
     * @param progress   one line per chunk, or null
     */
    public static Result write(List<CorpusExamples.Item> items, Backend backend, KnowledgeBase kb, Set<String> seenCodes,
            MentionDictionary dictionary, Path out, PrintWriter progress) throws IOException {
        long started = System.nanoTime();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // createFile, not createTempFile: the predictions get the mode of any file the user writes (umask), not 0600
        Path tmp = Files.createFile(parent.resolve(".predictions-" + java.util.UUID.randomUUID() + ".tmp"));
        int hits = 0;
        try {
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8))) {
                for (int from = 0, to; from < items.size(); from = to) {
                    to = chunkEnd(items, from);
                    List<CorpusExamples.Item> batch = items.subList(from, to);
                    List<List<HybridLinking.Fused>> predicted = backend.link(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        List<HybridLinking.Fused> ranked = predicted.get(i);
                        ObjectNode line = record(batch.get(i), ranked, kb, seenCodes, dictionary);
                        CodeSet top = ranked.isEmpty() ? CodeSet.EMPTY : new CodeSet(ranked.get(0).candidate().codes());
                        if (!top.isEmpty() && top.equals(CodeSet.parse(batch.get(i).example().code()))) {
                            hits++;
                        }
                        w.write(Json.MAPPER.writeValueAsString(line));
                        w.write('\n');
                    }
                    if (progress != null) {
                        double seconds = (System.nanoTime() - started) / 1e9;
                        progress.printf("link: %d/%d mentions (%.1f mentions/s)%n", from + batch.size(), items.size(),
                                (from + batch.size()) / seconds);
                        progress.flush();
                    }
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(items.size(), hits, Math.round(items.size() / Math.max(seconds, 1e-9) * 10) / 10.0);
    }

    /**
     * Where the chunk starting at {@code from} ends: {@link #CHUNK} items, stretched to the end of the last
     * document it holds, so a document's mentions are linked together (the re-ranker reads a batch as documents).
     */
    static int chunkEnd(List<CorpusExamples.Item> items, int from) {
        int to = Math.min(items.size(), from + CHUNK);
        while (to < items.size() && items.get(to).example().document().equals(items.get(to - 1).example().document())) {
            to++;
        }
        return to;
    }

    /** Reads a corpus for linking (short forms expanded unless told otherwise). */
    public static List<CorpusExamples.Item> read(Path corpus, String format, KnowledgeBase kb, String language,
            boolean expandAbbreviations) {
        return read(corpus, format, kb, language, expandAbbreviations, new Problems(false));
    }

    /** As above, with the caller's problem policy (e.g. gold codes the KB lacks skipped and counted). */
    public static List<CorpusExamples.Item> read(Path corpus, String format, KnowledgeBase kb, String language,
            boolean expandAbbreviations, Problems problems) {
        return CorpusExamples.read(corpus, format, kb, language, expandAbbreviations, problems);
    }

    /**
     * One line of the evaluation JSONL (docs/evaluation.md); with fusion, each candidate's parts
     * ({@code modelLogProb}, {@code modelTokens}, {@code modelLogMass}, {@code retrievalScore}, {@code retrievalRank}).
     */
    static ObjectNode record(CorpusExamples.Item item, List<HybridLinking.Fused> candidates, KnowledgeBase kb,
            Set<String> seenCodes, MentionDictionary dictionary) {
        var e = item.example();
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("document", e.document());
        line.put("start", e.start());
        line.put("end", e.end());
        line.put("text", e.mention());
        line.put("group", e.group());
        ArrayNode gold = line.putArray("gold");
        for (String code : e.code().split("\\+")) {
            gold.add(code);
        }
        // gold holds KB codes (what evaluate scores); the corpus's own ids let a reader check the mapping
        ArrayNode goldIds = line.putArray("goldIds");
        e.goldIds().forEach(goldIds::add);
        line.put("goldName", e.annotation());
        ArrayNode out = line.putArray("candidates");
        for (HybridLinking.Fused f : candidates) {
            Linker.Candidate c = f.candidate();
            ObjectNode node = out.addObject();
            ArrayNode codes = node.putArray("codes");
            c.codes().forEach(codes::add);
            node.put("name", c.name());
            if (Double.isFinite(c.score())) {
                node.put("score", c.score());
            }
            if (f.model() != null) {
                node.put("modelLogProb", f.model().logProb());
                node.put("modelTokens", f.model().tokens());
                node.put("modelLogMass", f.model().logMass());
            }
            if (!Double.isNaN(f.retrieval())) {
                node.put("retrievalScore", f.retrieval());
                node.put("retrievalRank", f.retrievalRank());
            }
        }
        line.put("context", item.source());
        if (seenCodes != null) {
            line.put("seen", seenCodes.contains(e.code()));
        }
        if (dictionary != null && !dictionary.isEmpty()) {
            line.put("inDictionary", dictionary.votes().containsKey(HybridLinking.normalise(e.mention())));
        }
        boolean exact = true;
        for (String code : e.code().split("\\+")) {
            List<String> names = kb.concept(code).map(Concept::names).orElse(List.of());
            exact &= names.stream().anyMatch(n -> n.equalsIgnoreCase(e.mention()));
        }
        line.put("exactNameInKb", exact);
        if (item.expanded()) {
            line.put("expandedMention", item.mention());
        }
        return line;
    }
}
