package io.flowengine.internal.flux;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Columns;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.Row;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import io.flowengine.internal.run.Processed;
import io.flowengine.internal.run.RailPool;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The step stage, white-box: rails, order, bounded read-ahead, failures as values. */
class StepsTest {

    private static final ExecutionSpec ORDERED = new ExecutionSpec(2, true, 2, 2);
    /** prefetch × (2 × parallelism + 2) */
    private static final long IN_FLIGHT = 2L * (2 * 2 + 2);
    private static final Columns COLS = Columns.of("n");

    private static Flux<Chunk> chunks(int count, AtomicLong generated) {
        return Flux.range(0, count).map(i -> {
            generated.incrementAndGet();
            Row r = Row.of(COLS, new String[] {Integer.toString(i)}, i + 1, i + 2);
            return new Chunk(i, new Row[] {r}, 1, List.of(), 1);
        });
    }

    private static Flux<Processed> apply(Flux<Chunk> chunks, ExecutionSpec execution, Function<Chunk, Outcome> processor) {
        return Steps.apply(chunks, execution, () -> new RailPool(processor));
    }

    private static Outcome noSteps(Chunk c) {
        return ChunkProcessor.process(c, null);
    }

    @Test
    void demandFromDownstreamBoundsTheChunksGenerated() {
        AtomicLong generated = new AtomicLong();
        StepVerifier.create(apply(chunks(1000, generated), ORDERED, StepsTest::noSteps), 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(200))
                .then(() -> assertThat(generated.get()).as("chunks generated").isLessThanOrEqualTo(IN_FLIGHT + 1))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aSlowChunkDoesNotLetTheOthersRunAheadWithoutBound() throws InterruptedException {
        AtomicLong generated = new AtomicLong();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch othersDone = new CountDownLatch((int) IN_FLIGHT - 1);
        Function<Chunk, Outcome> processor = c -> {
            if (c.seq() == 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                othersDone.countDown();
            }
            return noSteps(c);
        };
        StepVerifier.create(apply(chunks(10_000, generated), ORDERED, processor).map(Processed::seq).take(3))
                .then(() -> {
                    try {
                        // every chunk the window lets in has been processed: none more may come while chunk 0 is stuck
                        assertThat(othersDone.await(5, TimeUnit.SECONDS)).isTrue();
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    assertThat(generated.get()).as("chunks generated while chunk 0 is stuck").isEqualTo(IN_FLIGHT);
                    release.countDown();
                })
                .expectNext(0L, 1L, 2L)
                .verifyComplete();
    }

    @Test
    void orderedOutputKeepsInputOrderWhateverTheRailsTake() {
        Function<Chunk, Outcome> processor = c -> {
            try {
                Thread.sleep(c.seq() % 3 == 0 ? 5 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return noSteps(c);
        };
        StepVerifier.create(apply(chunks(200, new AtomicLong()), ORDERED, processor).map(Processed::seq).collectList())
                .assertNext(seqs -> assertThat(seqs).isSorted().hasSize(200))
                .verifyComplete();
    }

    @Test
    void unorderedOutputHasEveryChunkOnce() {
        ExecutionSpec unordered = new ExecutionSpec(2, false, 2, 2);
        StepVerifier.create(apply(chunks(500, new AtomicLong()), unordered, StepsTest::noSteps).map(Processed::seq).collectList())
                .assertNext(seqs -> assertThat(Set.copyOf(seqs)).hasSize(500))
                .verifyComplete();
    }

    @Test
    void aChunkThatFailsAsAWholeIsAValueInItsPlace() {
        Function<Chunk, Outcome> processor = c -> {
            if (c.seq() == 1) {
                throw new FlowEngineException("the JavaScript engine failed: boom");
            }
            return noSteps(c);
        };
        StepVerifier.create(apply(chunks(4, new AtomicLong()), ORDERED, processor))
                .assertNext(p -> assertThat(p.error()).isNull())
                .assertNext(p -> {
                    assertThat(p.seq()).isEqualTo(1);
                    assertThat(p.outcome()).isNull();
                    assertThat(p.error()).hasMessage("the JavaScript engine failed: boom");
                })
                .expectNextCount(2)
                .expectComplete()
                .verifyThenAssertThat()
                .hasNotDroppedElements()
                .hasNotDroppedErrors();
    }

    @Test
    void railsRunOnThreadsOfTheirOwnThatEndWithTheRun() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Function<Chunk, Outcome> processor = c -> {
            threads.add(Thread.currentThread());
            return noSteps(c);
        };
        StepVerifier.create(apply(chunks(100, new AtomicLong()), ORDERED, processor)).expectNextCount(100).verifyComplete();
        assertThat(threads).isNotEmpty().hasSizeLessThanOrEqualTo(2)
                .allSatisfy(t -> assertThat(t.getName()).startsWith("flowengine-js-"));
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(t.isAlive()).as(t.getName() + " alive after the run").isFalse();
        }
    }

    @Test
    void cancellingClosesThePool() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        RailPool[] pool = {null};
        Flux<Processed> out = Steps.apply(chunks(1000, new AtomicLong()), ORDERED, () -> pool[0] = new RailPool(c -> {
            started.countDown();
            return noSteps(c);
        }));
        StepVerifier.create(out, 1).expectNextCount(1).thenCancel().verify(Duration.ofSeconds(5));
        assertThat(started.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(pool[0].abandoned()).as("the pool's end signal").isDone();
    }
}
