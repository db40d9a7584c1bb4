package io.flowengine.internal.flux;

import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.Processed;
import io.flowengine.internal.run.RailPool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The step stage: chunks processed on {@code parallelism} rails, each a thread of the run's own
 * with its own JavaScript context, and — when {@code ordered} — handed on in input order.
 *
 * <p>Demand flows from the sink back to the reader: at most {@code prefetch × (2 × parallelism + 2)}
 * chunks are in flight, however long one of them takes ({@code flatMapSequential} holds the ones
 * that finish early, up to that bound). A chunk that fails as a whole is a {@link Processed}
 * value like any other, in its place in the stream: the runner's {@link io.flowengine.internal.run.RunCore}
 * decides what it means. Nothing here throws for a chunk.
 */
public final class Steps {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private Steps() {
    }

    /** The chunks through the steps of the pool that {@code pools} makes for this run (closed when the run ends). */
    public static Flux<Processed> apply(Flux<Chunk> chunks, ExecutionSpec execution, Supplier<RailPool> pools) {
        int inFlight = execution.prefetch() * (2 * execution.parallelism() + 2);
        return Flux.using(() -> new Rails(pools.get(), execution.parallelism()), rails -> {
            Function<Chunk, Mono<Processed>> onRail = rails::process;
            Flux<Processed> processed = execution.ordered()
                    ? chunks.flatMapSequential(onRail, inFlight, 1)
                    : chunks.flatMap(onRail, inFlight, 1);
            // a script that cannot be stopped holds its rail for ever: the run fails rather than waits
            // (takeUntilOther passes demand straight through, unlike a merge with its own prefetch)
            AtomicReference<Throwable> abandoned = new AtomicReference<>();
            return processed.doOnComplete(rails.pool::ended)
                    .takeUntilOther(Mono.fromFuture(rails.pool.abandoned(), true).then(Mono.<Boolean>empty()).onErrorResume(e -> {
                        abandoned.set(e);
                        return Mono.just(Boolean.TRUE);
                    }))
                    .concatWith(Mono.defer(() -> abandoned.get() == null ? Mono.<Processed>empty() : Mono.error(abandoned.get())));
        }, Rails::close);
    }

    /**
     * A run's rails: its threads, made for it and let go when it ends, and the pool of contexts
     * they use. A thread may block (GraalJS reads jars on first use, and a script can run long), so
     * these are never Reactor's non-blocking threads. A script that cannot be stopped keeps its
     * thread; the run fails (see above) and the next run has threads of its own.
     */
    private static final class Rails {
        final RailPool pool;
        private final ThreadPoolExecutor threads;

        Rails(RailPool pool, int parallelism) {
            this.pool = pool;
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "flowengine-js-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.threads = (ThreadPoolExecutor) Executors.newFixedThreadPool(parallelism, factory);
        }

        /** Chunks run in the order they come, on the first free rail; a cancelled one that has not started never runs. */
        Mono<Processed> process(Chunk chunk) {
            return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> pool.process(chunk), threads));
        }

        void close() {
            threads.getQueue().clear();
            threads.shutdown();
            pool.close();
        }
    }
}
