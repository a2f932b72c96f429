package io.syncabel.runtime.synth;

import io.syncabel.runtime.kb.KnowledgeBase;
import io.syncabel.runtime.llm.FakeOpenAiServer;
import io.syncabel.runtime.llm.LlmClient;
import io.syncabel.runtime.llm.LlmConfig;
import io.syncabel.runtime.store.FolderStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generation throughput against the fake OpenAI-compatible server (bench/synth-throughput): requests/s of the whole
 * synth pipeline (prompt building, LLM client, parsing, JSONL, batch artifacts) at several concurrencies, for a server
 * that answers after a fixed latency. When the pipeline reaches concurrency / latency, the client is not the
 * bottleneck: the server is. With latency 0 the figure is the pipeline's own ceiling on this machine.
 * Args: [latencyMs=50] [concurrencies=1,8,32] [requests=640]
 */
public final class SynthThroughput {
    public static void main(String[] args) throws Exception {
        int latency = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        String[] levels = (args.length > 1 ? args[1] : "1,8,32").split(",");
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 640;
        KnowledgeBase kb = SynthFixtures.kb();
        List<Unit> all = ConceptSelection.all().select(kb);
        try (FakeOpenAiServer server = FakeOpenAiServer.start(r -> {
            if (latency > 0) {
                try {
                    Thread.sleep(latency);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeOpenAiServer.answer(SynthFixtures.answer(SynthFixtures.code(r), 3));
        })) {
            Path tmp = Files.createTempDirectory("synth-throughput");
            StringBuilder last = new StringBuilder();
            for (String level : levels) {
                int c = Integer.parseInt(level.strip());
                int n = Math.max(requests, c * 4);
                List<Unit> units = new ArrayList<>();
                for (int i = 0; units.size() < n; i++) {
                    units.add(all.get(i % all.size()));
                }
                LlmConfig config = LlmConfig.of(server.baseUrl(), "fake").withLimits(c, 0, Duration.ofSeconds(30));
                LlmClient client = new LlmClient(config, name -> null, d -> Thread.sleep(d.toMillis()), Clock.systemUTC(), () -> 0.5);
                LlmGenerator generator = new LlmGenerator(client, SynthFixtures.style(), "en", 3, 42);
                // warm-up: JIT, connections
                new SynthRun(new FolderStore(), "file:" + tmp.resolve("warm-" + c) + "/", kb, units.subList(0, Math.min(units.size(), 4 * c)),
                        generator, new SynthRun.Options(0, 1, 200, 0), new PrintWriter(new StringWriter()), Map.of(), List.of()).run();
                long before = client.usage().requests();
                long t0 = System.nanoTime();
                Map<String, Object> s = new SynthRun(new FolderStore(), "file:" + tmp.resolve("run-" + c) + "/", kb, units,
                        generator, new SynthRun.Options(0, 1, 200, 0), new PrintWriter(new StringWriter()), Map.of(), List.of()).run();
                double seconds = (System.nanoTime() - t0) / 1e9;
                long sent = client.usage().requests() - before;
                double rps = sent / seconds;
                double ideal = latency > 0 ? c * 1000.0 / latency : Double.NaN;
                String line = String.format(Locale.ROOT, "concurrency=%d latency_ms=%d requests=%d requests_per_s=%.1f ideal_per_s=%s efficiency=%s generated=%s",
                        c, latency, sent, rps, latency > 0 ? String.format(Locale.ROOT, "%.1f", ideal) : "inf",
                        latency > 0 ? String.format(Locale.ROOT, "%.2f", rps / ideal) : "-", s.get("generated"));
                System.out.println(line);
                last.append(String.format(Locale.ROOT, " rps_c%d=%.1f", c, rps));
            }
            System.out.println(last.toString().strip());
        }
    }
}
