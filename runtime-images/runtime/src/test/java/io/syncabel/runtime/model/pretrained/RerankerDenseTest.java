package io.syncabel.runtime.model.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncabel.runtime.cli.Env;
import io.syncabel.runtime.cli.SyncabelCli;
import io.syncabel.runtime.model.LinkerTrainingTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-ranker file and the linker agree on the dense retriever: `rerank --model M` fits with M's own retriever unless
 * told otherwise, and `link --reranker FILE` retrieves densely exactly when FILE was fitted so (with M's own retriever
 * or the one named), refusing what cannot match instead of linking with features the re-ranker never saw.
 */
class RerankerDenseTest {
    @TempDir
    static Path dir;
    static String kbArtifact;
    static Path train;
    static String withDense;
    static String withoutDense;

    @BeforeAll
    static void twoToyModels() throws IOException {
        kbArtifact = LinkerTrainingTest.toyKbArtifact(dir);
        train = Files.writeString(dir.resolve("train.pubtator"), LinkerTrainingTest.pubtator());
        withDense = "file:" + dir.resolve("with-dense") + "/";
        withoutDense = "file:" + dir.resolve("without-dense") + "/";
        String minilm = "file:" + MiniLm.checkpoint() + "/";
        assertThat(run("train", "--kb", kbArtifact, "--train", train.toString(), "--size", "tiny", "--epochs", "1",
                "--no-reranker", "--dense-pretrained", minilm, "--dense-steps", "0", "--out", withDense).exit()).isZero();
        assertThat(run("train", "--kb", kbArtifact, "--train", train.toString(), "--size", "tiny", "--epochs", "1",
                "--no-reranker", "--no-dense", "--out", withoutDense).exit()).isZero();
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SyncabelCli.commandLine(Env.of(Map.of()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Result(cli.execute(args), out.toString(), err.toString());
    }

    record Result(int exit, String out, String err) {
    }

    static Result rerank(String model, String out, String... more) {
        List<String> args = new ArrayList<>(List.of("rerank", "--model", model, "--train", train.toString(), "--candidates", "3",
                "--folds", "2", "--out", dir.resolve(out).toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static Result link(String model, String reranker, String... more) {
        List<String> args = new ArrayList<>(List.of("link", "--model", model, "--corpus", train.toString(), "--dictionary-corpus",
                train.toString(), "--reranker", dir.resolve(reranker).toString(), "--without-model", "--out",
                dir.resolve(reranker + ".jsonl").toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static JsonNode features(String reranker) throws IOException {
        return new ObjectMapper().readTree(dir.resolve(reranker).toFile()).path("base").path("features");
    }

    @Test
    void rerankFitsWithTheModelsOwnRetrieverAndLinkRetrievesWithItUnasked() throws IOException {
        String modelDense = new ObjectMapper().readTree(dir.resolve("with-dense/model.json").toFile()).path("denseUri").asText();
        assertThat(modelDense).isEqualTo("file:" + dir.resolve("with-dense.dense") + "/");

        Result fit = rerank(withDense, "own.json");
        assertThat(fit.exit()).as(fit.err()).isZero();
        assertThat(fit.err()).contains("rerank: with the model's dense retriever " + modelDense + " (--no-dense: without)");
        assertThat(fit.out()).contains("\"denseRetriever\":\"" + modelDense + "\"");
        assertThat(features("own.json").toString()).contains("\"denseCosine\"", "\"denseRecipRank\"");

        Result linked = link(withDense, "own.json");
        assertThat(linked.exit()).as(linked.err()).isZero();
        assertThat(linked.err()).contains("link: dense retriever " + modelDense);
        assertThat(Files.readAllLines(dir.resolve("own.json.jsonl"))).isNotEmpty();

        // a model without a retriever cannot feed that file's dense features: refused, saying what to give
        Result noRetriever = link(withoutDense, "own.json");
        assertThat(noRetriever.exit()).isEqualTo(2);
        assertThat(noRetriever.err()).contains("was fitted with a dense retriever").contains("has none: give the same --dense URI");
        Result named = link(withoutDense, "own.json", "--dense", modelDense);
        assertThat(named.exit()).as(named.err()).isZero();
    }

    @Test
    void aReRankerFittedWithoutDenseIsLinkedWithoutItAndADenseFlagBesideItIsRefused() throws IOException {
        Result fit = rerank(withDense, "plain.json", "--no-dense");
        assertThat(fit.exit()).as(fit.err()).isZero();
        assertThat(fit.out()).contains("\"denseRetriever\":null");
        assertThat(features("plain.json").toString()).doesNotContain("dense");

        Result linked = link(withDense, "plain.json");
        assertThat(linked.exit()).as(linked.err()).isZero();
        assertThat(linked.err()).doesNotContain("link: dense retriever");

        String modelDense = "file:" + dir.resolve("with-dense.dense") + "/";
        Result contradicted = link(withDense, "plain.json", "--dense", modelDense);
        assertThat(contradicted.exit()).isEqualTo(2);
        assertThat(contradicted.err()).contains("was fitted without a dense retriever: link without --dense");

        // a marked sentence is linked as served: --without-model needs the model's own re-ranker, not a file's
        Result marked = run("link", "--model", withDense, "--without-model", "Her [mammary cancer]{DISO} returned.");
        assertThat(marked.exit()).isEqualTo(2);
        assertThat(marked.err()).contains("--without-model needs a model with a re-ranker and training mentions")
                .contains("has no reranker.json");

        Result both = rerank(withDense, "both.json", "--no-dense", "--dense", modelDense);
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--dense and --no-dense: give one");
        assertThat(dir.resolve("both.json")).doesNotExist();
    }
}
