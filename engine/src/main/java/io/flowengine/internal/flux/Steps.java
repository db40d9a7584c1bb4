package io.flowengine.internal.flux;

import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.ParallelFlux;

/**
 * The step stage: chunks spread over {@code parallelism} rails, each with its own JavaScript
 * context, and — when {@code ordered} — put back in input order. Every stage has a bounded
 * prefetch, so demand flows from the sink back to the reader, and in ordered mode a window lets
 * at most {@code prefetch × (2 × parallelism + 2)} chunks past the slowest one.
 *
 * <p>A chunk whose processing fails as a whole (the JavaScript engine itself failed) is turned
 * into failures of all its records by {@code onErrorContinue} when the policy keeps going. That
 * operator acts on everything upstream, so the caller must fence its input with
 * {@code onErrorStop()}: the engine built every operator between that fence and this one.
 */
public final class Steps {

    private Steps() {
    }

    /**
     * A chunk's result or its failure. Errors never travel through the rails themselves: they are
     * raised after the merge, where one sequential operator sees them in input order. (Reactor's
     * own ordered merge of rails can hang when a rail fails, reactor-core#2503.)
     */
    record Processed(long seq, Chunk chunk, Outcome outcome, RuntimeException error) {
        static Processed of(Chunk chunk, Function<Chunk, Outcome> process) {
            try {
                return new Processed(chunk.seq(), chunk, process.apply(chunk), null);
            } catch (RuntimeException e) {
                return new Processed(chunk.seq(), chunk, null, e);
            }
        }

        Outcome outcomeOrThrow() {
            if (error != null) {
                throw error;
            }
            return outcome;
        }
    }

    public static Flux<Outcome> apply(Flux<Chunk> chunks, ScriptSet scripts, ExecutionSpec execution,
            ErrorPolicy policy, OutputStream console, Consumer<Outcome> wholeChunkFailures) {
        return apply(chunks, scripts, execution, policy, console, wholeChunkFailures, null);
    }

    /** As above; {@code processor} replaces the row logic (tests use it to make chunks fail). */
    /**
     * Restores input order after the rails: hands on every chunk that is next in sequence and
     * holds the ones that came early. Only chunks already in flight can come early, so what it
     * holds is bounded by the rails' prefetch; and a chunk that is next goes on at once, whatever
     * the other rails are doing (a k-way merge of rails would wait for every rail to have one).
     * Called serially by {@code concatMapIterable}.
     */
    static final class Reorder {
        private final Map<Long, Processed> early = new HashMap<>();
        private final Window window;
        private long next;

        Reorder(Window window) {
            this.window = window;
        }

        List<Processed> accept(Processed p) {
            if (p.seq() != next) {
                early.put(p.seq(), p);
                return List.of();
            }
            List<Processed> ready = new ArrayList<>(1 + early.size());
            ready.add(p);
            next++;
            Processed q;
            while ((q = early.remove(next)) != null) {
                ready.add(q);
                next++;
            }
            if (window != null) {
                window.release(next);
            }
            return ready;
        }
    }

    /**
     * Lets chunk {@code seq} into the rails only while {@code seq < released + size}: however
     * long one chunk takes, the others cannot run ahead of it by more than {@code size} chunks,
     * so {@link Reorder} never holds more than that.
     */
    static final class Window {
        private final int size;
        private long released;
        private long waitingSeq = -1;
        private MonoSink<Chunk> waiting;
        private Chunk waitingChunk;

        Window(int size) {
            this.size = size;
        }

        Mono<Chunk> admit(Chunk chunk) {
            synchronized (this) {
                if (chunk.seq() < released + size) {
                    return Mono.just(chunk);
                }
            }
            return Mono.create(sink -> {
                boolean now;
                synchronized (this) {
                    now = chunk.seq() < released + size;
                    if (!now) {
                        waiting = sink;
                        waitingChunk = chunk;
                        waitingSeq = chunk.seq();
                    }
                }
                if (now) {
                    sink.success(chunk);
                }
            });
        }

        void release(long upTo) {
            MonoSink<Chunk> wake = null;
            Chunk chunk = null;
            synchronized (this) {
                released = Math.max(released, upTo);
                if (waiting != null && waitingSeq < released + size) {
                    wake = waiting;
                    chunk = waitingChunk;
                    waiting = null;
                    waitingChunk = null;
                }
            }
            if (wake != null) {
                wake.success(chunk);
            }
        }
    }

    static Flux<Outcome> apply(Flux<Chunk> chunks, ScriptSet scripts, ExecutionSpec execution, ErrorPolicy policy,
            OutputStream console, Consumer<Outcome> wholeChunkFailures, Function<Chunk, Outcome> processor) {
        int prefetch = execution.prefetch();
        return Flux.using(() -> new RailPool(scripts, console), pool -> {
            Function<Chunk, Outcome> process = processor != null ? processor : pool::process;
            Window window = execution.ordered() ? new Window(prefetch * (2 * execution.parallelism() + 2)) : null;
            Flux<Chunk> admitted = window == null ? chunks : chunks.concatMap(window::admit, 0);
            ParallelFlux<Processed> rails = admitted
                    .parallel(execution.parallelism(), prefetch)
                    .runOn(EngineSchedulers.js(), prefetch)
                    .map(chunk -> Processed.of(chunk, process));
            Flux<Processed> merged = rails.sequential(prefetch)
                    // an upstream error reaches every rail: report it once, not as a composite
                    .onErrorMap(Exceptions::isMultiple, e -> Exceptions.unwrapMultiple(e).get(0));
            if (execution.ordered()) {
                merged = merged.concatMapIterable(new Reorder(window)::accept, prefetch);
            }
            Flux<Outcome> outcomes = merged.map(Processed::outcomeOrThrow);
            if (policy != ErrorPolicy.FAIL) {
                outcomes = outcomes.onErrorContinue(FlowEngineException.class, (error, value) -> {
                    if (!(value instanceof Processed p)) {
                        throw Exceptions.propagate(error);
                    }
                    wholeChunkFailures.accept(ChunkProcessor.failedWhole(p.chunk(), "engine", error.getMessage()));
                });
            }
            // a script that cannot be stopped holds its rail for ever: the run fails rather than waits
            // (takeUntilOther passes demand straight through, unlike a merge with its own prefetch)
            java.util.concurrent.atomic.AtomicReference<Throwable> abandoned = new java.util.concurrent.atomic.AtomicReference<>();
            return outcomes.doOnComplete(pool::ended)
                    .takeUntilOther(pool.abandoned().then(Mono.<Boolean>empty()).onErrorResume(e -> {
                        abandoned.set(e);
                        return Mono.just(Boolean.TRUE);
                    }))
                    .concatWith(Mono.defer(() -> abandoned.get() == null ? Mono.<Outcome>empty() : Mono.error(abandoned.get())));
        }, RailPool::close);
    }
}
