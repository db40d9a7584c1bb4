package io.flowengine.internal.flux;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Columns;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.Row;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The compiled step stage, white-box: rails, order, bounded read-ahead, whole-chunk failures. */
class StepsTest {

    private static final ScriptSet NO_STEPS = ScriptSet.compile(PipelineSpec.of("t", List.of()));
    private static final ExecutionSpec EXEC = new ExecutionSpec(2, true, 2, 2);
    private static final Columns COLS = Columns.of("n");

    private static Flux<Chunk> chunks(int count, AtomicLong generated) {
        return Flux.range(0, count).map(i -> {
            generated.incrementAndGet();
            Row r = Row.of(COLS, new String[] {Integer.toString(i)}, i + 1, i + 2);
            return new Chunk(i, new Row[] {r}, 1, List.of(), 1);
        });
    }

    @Test
    void demandFromDownstreamBoundsTheChunksGenerated() {
        AtomicLong generated = new AtomicLong();
        Flux<Outcome> out = Steps.apply(chunks(1000, generated), NO_STEPS, EXEC, ErrorPolicy.FAIL,
                OutputStream.nullOutputStream(), o -> { });
        StepVerifier.create(out, 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(200))
                .then(() -> assertThat(generated.get()).as("chunks in flight").isLessThanOrEqualTo(2L * (2 * 2 + 2) + 4))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aSlowChunkDoesNotLetTheOthersRunAheadWithoutBound() {
        AtomicLong generated = new AtomicLong();
        Function<Chunk, Outcome> processor = c -> {
            if (c.seq() == 0) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ChunkProcessor.process(c, null);
        };
        Flux<Outcome> out = Steps.apply(chunks(10_000, generated), NO_STEPS, EXEC, ErrorPolicy.FAIL,
                OutputStream.nullOutputStream(), o -> { }, processor);
        StepVerifier.create(out.map(Outcome::seq).take(3))
                .then(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    assertThat(generated.get()).as("chunks generated while chunk 0 is stuck").isLessThanOrEqualTo(2L * (2 * 2 + 2) + 4);
                })
                .expectNext(0L, 1L, 2L)
                .verifyComplete();
    }

    @Test
    void wholeChunkFailureIsTurnedIntoFailuresAndTheStreamGoesOn() {
        List<Outcome> failed = new CopyOnWriteArrayList<>();
        Function<Chunk, Outcome> processor = c -> {
            if (c.seq() == 1) {
                throw new FlowEngineException("the JavaScript engine failed: boom");
            }
            return ChunkProcessor.process(c, null);
        };
        Flux<Outcome> out = Steps.apply(chunks(4, new AtomicLong()), NO_STEPS, EXEC, ErrorPolicy.DEAD_LETTER,
                OutputStream.nullOutputStream(), failed::add, processor);
        StepVerifier.create(out.map(Outcome::seq))
                .expectNext(0L, 2L, 3L)
                .expectComplete()
                .verifyThenAssertThat()
                .hasNotDroppedElements()
                .hasNotDroppedErrors();
        assertThat(failed).singleElement().satisfies(o -> {
            assertThat(o.failures()).singleElement().satisfies(d -> {
                assertThat(d.rowNumber()).isEqualTo(2);
                assertThat(d.step()).isEqualTo("engine");
                assertThat(d.error()).contains("boom");
            });
        });
    }

    @Test
    void wholeChunkFailureFailsTheRunUnderFailPolicy() {
        Function<Chunk, Outcome> processor = c -> {
            throw new FlowEngineException("the JavaScript engine failed: boom");
        };
        Flux<Outcome> out = Steps.apply(chunks(4, new AtomicLong()), NO_STEPS, EXEC, ErrorPolicy.FAIL,
                OutputStream.nullOutputStream(), o -> { }, processor);
        StepVerifier.create(out).expectErrorMessage("the JavaScript engine failed: boom").verify(Duration.ofSeconds(5));
    }

    @Test
    void reorderHandsOnChunksInSequenceAndHoldsEarlyOnes() {
        Steps.Reorder reorder = new Steps.Reorder(null);
        Chunk c = new Chunk(0, new Row[0], 0, List.of(), 0);
        Function<Long, Steps.Processed> p = seq -> new Steps.Processed(seq, c, null, null);
        assertThat(reorder.accept(p.apply(1L))).isEmpty();
        assertThat(reorder.accept(p.apply(2L))).isEmpty();
        assertThat(reorder.accept(p.apply(0L))).extracting(Steps.Processed::seq).containsExactly(0L, 1L, 2L);
        assertThat(reorder.accept(p.apply(3L))).extracting(Steps.Processed::seq).containsExactly(3L);
    }

    @Test
    void continueModeDoesNotSwallowNonEngineErrors() {
        Function<Chunk, Outcome> processor = c -> {
            throw new IllegalStateException("a bug");
        };
        Flux<Outcome> out = Steps.apply(chunks(4, new AtomicLong()), NO_STEPS, EXEC, ErrorPolicy.DEAD_LETTER,
                OutputStream.nullOutputStream(), o -> { }, processor);
        StepVerifier.create(out).expectErrorMessage("a bug").verify(Duration.ofSeconds(5));
    }
}
