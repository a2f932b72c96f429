package io.syncabel.runtime.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.llm.FakeOpenAiServer;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmConfig;
import io.syncabel.runtime.store.ArtifactStore;
import io.syncabel.runtime.store.FolderStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM generator against a fake OpenAI-compatible server that injects every fault the client must survive, then
 * an outage mid-run followed by a restart: every concept ends generated or failed with a reason, exactly once, and the
 * resumed run writes the same records as an uninterrupted one.
 */
class LlmGenerationTest {
    static final int PER_CONCEPT = 3;
    static final int BATCH = 6;

    @TempDir
    Path dir;
    FakeOpenAiServer server;
    final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean down = new AtomicBoolean();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Faults by concept (its position in the selection) on the first attempt; a few concepts never answer well. */
    FakeOpenAiServer.Reply reply(FakeOpenAiServer.Request r, List<Unit> units) {
        if (down.get()) {
            return FakeOpenAiServer.drop();
        }
        String code = SynthFixtures.code(r);
        int i = indexOf(units, code);
        if (i % 10 == 9) {
            return FakeOpenAiServer.answer(i % 20 == 9 ? "I cannot help with that." : "example: no brackets here\nexample: []");
        }
        if (r.seen() == 1) {
            switch (i % 8) {
                case 1: return FakeOpenAiServer.status(500);
                case 2: return FakeOpenAiServer.rateLimited(7);
                case 3: return FakeOpenAiServer.hang(Duration.ofMillis(2500)); // beyond the 1 s timeout
                case 4: return FakeOpenAiServer.malformed();
                case 5: return FakeOpenAiServer.empty();
                case 6: return FakeOpenAiServer.drop();
                default: break;
            }
        }
        return FakeOpenAiServer.answer(SynthFixtures.answer(code, PER_CONCEPT));
    }

    static int indexOf(List<Unit> units, String code) {
        for (int i = 0; i < units.size(); i++) {
            if (units.get(i).code().equals(code)) {
                return i;
            }
        }
        return -1;
    }

    LlmGenerator generator() {
        LlmConfig config = LlmConfig.of(server.baseUrl(), "fake-llm").withLimits(4, 3, Duration.ofMillis(1000))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
        LlmClient client = new LlmClient(config, name -> (String) null, sleeps::add, Clock.systemUTC(), () -> 0.5);
        return new LlmGenerator(client, SynthFixtures.style(), "en", PER_CONCEPT, 42);
    }

    Map<String, Object> run(ArtifactStore store, String prefix, List<Unit> units, int maxConsecutive) throws Exception {
        return new SynthRun(store, prefix, SynthFixtures.kb(), units, generator(),
                new SynthRun.Options(0, 1, BATCH, maxConsecutive), new PrintWriter(new StringWriter()), Map.of(), List.of()).run();
    }

    @Test
    void everyConceptEndsOnceAndAResumedRunEqualsAnUninterruptedOne() throws Exception {
        List<Unit> units = new ConceptSelection(ConceptSelection.Mode.SAMPLE, Set.of(), 30, 7, Set.of()).select(SynthFixtures.kb());
        assertThat(units).hasSize(30);
        server = FakeOpenAiServer.start(r -> reply(r, units));
        try (ArtifactStore store = new FolderStore()) {
            // uninterrupted
            String a = "file:" + dir.resolve("a") + "/";
            Map<String, Object> summary = run(store, a, units, 5);
            SyntheticDatasets.Dataset dsA = SyntheticDatasets.open(store, a);
            List<SynthRecord> recordsA = SyntheticDatasets.read(store, a);
            List<SynthFailure> failuresA = SyntheticDatasets.failures(store, dsA);

            Set<String> generated = recordsA.stream().map(SynthRecord::code).collect(Collectors.toSet());
            Set<String> failed = new HashSet<>();
            failuresA.forEach(f -> assertThat(failed.add(f.code())).as("failed once: " + f.code()).isTrue());
            assertThat(generated).doesNotContainAnyElementsOf(failed);
            Set<String> all = new HashSet<>(generated);
            all.addAll(failed);
            assertThat(all).isEqualTo(units.stream().map(Unit::code).collect(Collectors.toSet()));
            // each generated concept has exactly its n records, contiguous, in selection order
            assertThat(recordsA).hasSize(PER_CONCEPT * generated.size());
            List<String> order = recordsA.stream().map(SynthRecord::code).distinct().toList();
            assertThat(order).isEqualTo(units.stream().map(Unit::code).filter(generated::contains).toList());
            // the concepts whose answers never parse failed with the parser's reason; transient faults were absorbed
            assertThat(failed).isEqualTo(Set.of(units.get(9).code(), units.get(19).code(), units.get(29).code()));
            failuresA.forEach(f -> {
                assertThat(f.reason()).startsWith("invalid answer: ");
                assertThat(f.attempts()).isEqualTo(4);
            });
            assertThat(summary).containsEntry("generated", 27L).containsEntry("failed", 3L);
            assertThat(dsA.manifests().get(0).counts().get("failedByReason").toString()).contains("invalid answer");
            assertThat(summary.get("tokens").toString()).contains("total");
            assertThat(sleeps).contains(Duration.ofSeconds(7)); // Retry-After honoured
            for (SynthRecord r : recordsA) {
                var marked = io.syncabel.runtime.link.MarkedText.parse(r.sentence());
                assertThat(marked.mention()).isEqualTo(r.mention());
                assertThat(marked.group()).isEqualTo("DISO");
                assertThat(r.model()).isEqualTo("fake-llm");
                assertThat(r.promptVersion()).isEqualTo(Prompts.VERSION);
            }
            // the prompt carried the concept and style sentences of its group
            String system = server.requests().get(0).body().path("messages").path(0).path("content").asText();
            assertThat(system).contains("# Style examples").contains("example: ");

            // the endpoint goes down when batch 3 starts: the run stops, batches 0-2 stay published
            String b = "file:" + dir.resolve("b") + "/";
            int before = server.requests().size();
            // one outage: a request of the stopped run that the server handles late must not start a second one
            AtomicBoolean outage = new AtomicBoolean();
            server.responder(r -> {
                if (indexOf(units, SynthFixtures.code(r)) >= 3 * BATCH && !outage.getAndSet(true)) {
                    down.set(true);
                }
                return reply(r, units);
            });
            assertThatThrownBy(() -> run(store, b, units, 5)).isInstanceOf(SynthRun.Aborted.class)
                    .hasMessageContaining("connection failed");
            assertThat(store.manifest(SyntheticDatasets.shardPrefix(b, 0, 1))).isEmpty();
            assertThatThrownBy(() -> SyntheticDatasets.read(store, b)).hasMessageContaining("no published shard");

            // restart: resumes after the published batches and asks nothing again about their concepts
            down.set(false);
            server.responder(r -> reply(r, units));
            int restartAt = server.requests().size();
            Map<String, Object> resumed = run(store, b, units, 5);
            assertThat(resumed).containsEntry("resumedBatches", 3);
            Set<String> askedAgain = server.requests().subList(restartAt, server.requests().size()).stream()
                    .map(SynthFixtures::code).collect(Collectors.toSet());
            assertThat(askedAgain).doesNotContainAnyElementsOf(units.subList(0, 3 * BATCH).stream().map(Unit::code).toList());
            assertThat(before).isPositive();

            assertThat(SyntheticDatasets.read(store, b)).isEqualTo(recordsA);
            assertThat(SyntheticDatasets.failures(store, SyntheticDatasets.open(store, b))).isEqualTo(failuresA);
            assertThat(store.list(SyntheticDatasets.batchesPrefix(b, 0, 1))).isEmpty();
        }
    }

    /** A generator whose first unit fails on the endpoint at once while the others are still being asked. */
    static final class SlowWorkers implements Generator {
        final AtomicInteger stillWorking = new AtomicInteger();
        final CountDownLatch othersAsking = new CountDownLatch(2);

        @Override
        public Outcome generate(Unit unit, io.syncabel.runtime.kb.Concept concept) throws InterruptedException {
            if (unit.code().equals(first)) {
                othersAsking.await();
                return new Outcome.Failed("connection failed: IOException", 4, true);
            }
            stillWorking.incrementAndGet();
            othersAsking.countDown();
            try {
                Thread.sleep(60_000);
                return new Outcome.Failed("timeout", 4, true);
            } catch (InterruptedException e) {
                Thread.sleep(200); // what an interrupted client does before it returns: closes its connection
                throw e;
            } finally {
                stillWorking.decrementAndGet();
            }
        }

        String first;

        @Override
        public String name() {
            return "llm";
        }

        @Override
        public String model() {
            return "slow";
        }

        @Override
        public String promptVersion() {
            return Prompts.VERSION;
        }

        @Override
        public int parallelism() {
            return 3;
        }
    }

    @Test
    void aStoppedRunReturnsOnlyOnceItsWorkersStoppedSoARetryDoesNotRaceThem() throws Exception {
        List<Unit> units = new ConceptSelection(ConceptSelection.Mode.SAMPLE, Set.of(), 3, 7, Set.of()).select(SynthFixtures.kb());
        SlowWorkers generator = new SlowWorkers();
        generator.first = units.get(0).code();
        try (ArtifactStore store = new FolderStore()) {
            assertThatThrownBy(() -> new SynthRun(store, "file:" + dir.resolve("c") + "/", SynthFixtures.kb(), units, generator,
                    new SynthRun.Options(0, 1, BATCH, 1), new PrintWriter(new StringWriter()), Map.of(), List.of()).run())
                    .isInstanceOf(SynthRun.Aborted.class);
            assertThat(generator.stillWorking).hasValue(0);
        }
    }

    @Test
    void answersAreParsedLenientlyButValidated() throws Exception {
        AnswerParser parser = new AnswerParser("en", 2);
        var ok = parser.parse("Sure!\n## Examples\n1. Example: Two [DMD]{x} boys were [seen].\n- **example:** A [muscular dystrophy] case.\n");
        assertThat(ok).hasSize(2);
        assertThat(ok.get(0).marked("DISO")).isEqualTo("Two [DMD]{DISO}(x) boys were (seen).");
        assertThat(ok.get(1).mention()).isEqualTo("muscular dystrophy");
        assertThatThrownBy(() -> parser.parse("example: only [one] line")).hasMessageContaining("1 valid example(s) of 2");
        assertThatThrownBy(() -> parser.parse("no marker at all")).hasMessageContaining("no line starts with 'example:'");
        assertThatThrownBy(() -> parser.parse("example: [ ] empty\nexample: fine [x] y")).hasMessageContaining("empty [mention]");
        assertThat(new AnswerParser("fr", 1).parse("exemple : Le [syndrome] est rare.").get(0).mention()).isEqualTo("syndrome");
        assertThat(new AnswerParser("es", 1).parse("Ejemplo: Paciente con [diabetes] tipo 2.").get(0).mention()).isEqualTo("diabetes");
    }
}
