package io.flowengine.internal.flux;

import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.ParallelFlux;

/**
 * The step stage: chunks spread over {@code parallelism} rails, each with its own JavaScript
 * context, and — when {@code ordered} — merged back in input order. Every stage has a bounded
 * prefetch, so demand flows from the sink back to the reader and at most
 * {@code prefetch × (2 × parallelism + 2)} chunks are in flight.
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
     * A chunk's result or its failure. Errors never travel through the rails themselves: an
     * ordered merge of failing rails can hang (reactor-core#2503) and delays errors; they are
     * raised after the merge, where one sequential operator sees them in order.
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
    static Flux<Outcome> apply(Flux<Chunk> chunks, ScriptSet scripts, ExecutionSpec execution, ErrorPolicy policy,
            OutputStream console, Consumer<Outcome> wholeChunkFailures, Function<Chunk, Outcome> processor) {
        int prefetch = execution.prefetch();
        return Flux.using(() -> new RailPool(scripts, console), pool -> {
            Function<Chunk, Outcome> process = processor != null ? processor : pool::process;
            ParallelFlux<Processed> rails = chunks
                    .parallel(execution.parallelism(), prefetch)
                    .runOn(EngineSchedulers.js(), prefetch)
                    .map(chunk -> Processed.of(chunk, process));
            Flux<Outcome> merged = (execution.ordered()
                    ? rails.ordered(Comparator.comparingLong(Processed::seq), prefetch)
                    : rails.sequential(prefetch))
                    // an upstream error reaches every rail: report it once, not as a composite
                    .onErrorMap(Exceptions::isMultiple, e -> Exceptions.unwrapMultiple(e).get(0))
                    .map(Processed::outcomeOrThrow);
            if (policy == ErrorPolicy.FAIL) {
                return merged;
            }
            return merged.onErrorContinue(FlowEngineException.class, (error, value) -> {
                if (!(value instanceof Processed p)) {
                    throw Exceptions.propagate(error);
                }
                wholeChunkFailures.accept(ChunkProcessor.failedWhole(p.chunk(), "engine", error.getMessage()));
            });
        }, RailPool::close);
    }
}
