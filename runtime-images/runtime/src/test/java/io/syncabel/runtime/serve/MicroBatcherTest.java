package io.syncabel.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncabel.runtime.link.Linker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    private final ServeMetrics metrics = new ServeMetrics("unit", 4);

    @Test
    void aRequestLargerThanOneBatchIsSplitAndAnsweredInOrder() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        List<Linker.Query> queries = List.of(
                q("Asthma"), q("asthma attack"), q("spondylitis"), q("ovarian cancer"), q("asthmatic"));
        try (MicroBatcher batcher = new MicroBatcher(linker, metrics, 2, Duration.ZERO, 10, 1)) {
            List<Linker.Result> results = batcher.submit(queries, Linker.Options.defaults()).get(10, TimeUnit.SECONDS);

            assertThat(linker.batchSizes).containsExactly(2, 2, 1);
            assertThat(results).extracting(Linker.Result::query).containsExactlyElementsOf(queries);
        }
    }

    @Test
    void refusesBeyondCapacityAndAfterDrain() throws Exception {
        DictionaryLinker linker = DictionaryLinker.sample();
        linker.hold();
        MicroBatcher batcher = new MicroBatcher(linker, metrics, 4, Duration.ZERO, 3, 1);
        var running = batcher.submit(List.of(q("Asthma")), Linker.Options.defaults());
        assertThat(linker.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        var queued = batcher.submit(List.of(q("a"), q("b"), q("c")), Linker.Options.defaults());
        assertThat(batcher.queuedMentions()).isEqualTo(3);

        assertThatThrownBy(() -> batcher.submit(List.of(q("d")), Linker.Options.defaults()))
                .isInstanceOfSatisfying(MicroBatcher.Rejected.class, r -> assertThat(r.shuttingDown).isFalse())
                .hasMessageContaining("queue is full (3 of 3 mentions waiting)");

        linker.release();
        assertThat(batcher.drain(Duration.ofSeconds(10))).isTrue();
        assertThat(running).isCompleted();
        assertThat(queued.get()).hasSize(3);
        assertThatThrownBy(() -> batcher.submit(List.of(q("e")), Linker.Options.defaults()))
                .isInstanceOfSatisfying(MicroBatcher.Rejected.class, r -> assertThat(r.shuttingDown).isTrue());
    }

    private static Linker.Query q(String mention) {
        return new Linker.Query(mention, 0, mention.length(), "Disorders");
    }
}
