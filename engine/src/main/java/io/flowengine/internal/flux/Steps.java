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
            ParallelFlux<Outcome> rails = chunks
                    .parallel(execution.parallelism(), prefetch)
                    .runOn(EngineSchedulers.js(), prefetch)
                    .map(process::apply);
            Flux<Outcome> merged = execution.ordered()
                    ? rails.ordered(Comparator.comparingLong(Outcome::seq), prefetch)
                    : rails.sequential(prefetch);
            if (policy == ErrorPolicy.FAIL) {
                return merged;
            }
            return merged.onErrorContinue(FlowEngineException.class, (error, value) -> {
                if (!(value instanceof Chunk chunk)) {
                    throw Exceptions.propagate(error);
                }
                wholeChunkFailures.accept(ChunkProcessor.failedWhole(chunk, "engine", error.getMessage()));
            });
        }, RailPool::close);
    }
}
