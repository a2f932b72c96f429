package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's load client measures real answers: a short, bounded run on 127.0.0.1. */
class ServeLoadClientTest {

    @Test
    void measuresMentionsAndLatencyAndPicksTheBestLevel() throws Exception {
        DictionaryLinker linker = new DictionaryLinker(DictionaryLinker.sampleEntries(), 2000, 0);
        try (ServerFixture f = ServerFixture.ready(ServerFixture.config(), linker)) {
            ServeLoadClient client = new ServeLoadClient("http://127.0.0.1:" + f.server.port(), ServeLoadClient.SAMPLE, 2);
            ServeLoadClient.Level level = client.run(2, 5, Duration.ofMillis(300));

            assertThat(level.errors()).isZero();
            assertThat(level.requests()).isPositive();
            assertThat(level.mentions()).isEqualTo(2 * level.requests());
            assertThat(level.p50Ms()).isGreaterThanOrEqualTo(2.0).isLessThanOrEqualTo(level.p99Ms());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ServeLoadClient.Level slower = new ServeLoadClient.Level(1, 5, 1, 1, 0, 10.0, 1, 1);
            ServeLoadClient.best(List.of(slower, level), 5, new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("best concurrency=2 beams=5");
        }
    }
}
