package io.flowengine;

import io.flowengine.internal.flux.Steps;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.FailurePolicy;
import io.flowengine.internal.run.Outcome;
import io.flowengine.internal.run.OutputStage;
import io.flowengine.internal.run.RunCounters;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One run of a pipeline over an application's {@code Flux<Row>}: {@link #transform} gives the
 * output rows, {@link #deadLetters()} the failed records (under {@code errors.onError:
 * dead-letter}), {@link #summary()} the accounting when the run ends.
 *
 * <p>Rows are numbered 1, 2, ... in the order they arrive. Under {@code fail} the output Flux
 * fails with a {@link RowException} at the first failed record. The engine's error handling never
 * reaches the application's operators upstream of {@code transform}: an error there still ends
 * the run.
 *
 * <p>Subscribe to {@link #deadLetters()} before the rows flow, or dead letters are buffered until
 * you do.
 */
public final class PipelineRun {

    private final PipelineSpec spec;
    private final ScriptSet scripts;
    private final OutputStream console;
    private final AtomicBoolean used = new AtomicBoolean();
    private final Sinks.Many<DeadLetter> deadLetters = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<RunSummary> summary = Sinks.one();
    private final Sinks.EmitFailureHandler retryBriefly = Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1));

    private final io.flowengine.internal.run.RunMeters meters;

    PipelineRun(PipelineSpec spec, ScriptSet scripts, OutputStream console, io.flowengine.internal.run.RunMeters meters) {
        this.spec = spec;
        this.scripts = scripts;
        this.console = console;
        this.meters = meters;
    }

    /** The pipeline applied to {@code input}. Subscribe once: a run is one execution. */
    public Flux<Row> transform(Flux<Row> input) {
        return Flux.defer(() -> {
            if (!used.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("this PipelineRun has already run; call Pipeline.newRun() for another"));
            }
            RunCounters counters = new RunCounters(meters, scripts.stepRuntimes());
            io.flowengine.internal.run.RunLog log = new io.flowengine.internal.run.RunLog(
                    io.flowengine.internal.run.RunLog.newId(), spec.name());
            OutputStream scriptConsole = console != null ? console : log.console();
            OutputStage stage = OutputStage.unformatted();
            FailurePolicy policy = new FailurePolicy(spec.errors().onError(), spec.errors().maxErrors(), counters,
                    d -> deadLetters.emitNext(d, retryBriefly));
            ConcurrentLinkedQueue<Outcome> wholeChunkFailures = new ConcurrentLinkedQueue<>();
            AtomicLong rowNumber = new AtomicLong();
            AtomicLong seq = new AtomicLong();
            int chunkSize = spec.execution().chunkSize();
            Flux<Chunk> chunks = input
                    .onErrorStop()
                    .map(r -> {
                        long n = rowNumber.incrementAndGet();
                        return r.withPosition(n, r.line() > 0 ? r.line() : n);
                    })
                    // a chunk goes on when full or after 50 ms, so a slow source is not held back
                    .bufferTimeout(chunkSize, Duration.ofMillis(50), true)
                    .map(rows -> new Chunk(seq.getAndIncrement(), rows.toArray(new Row[0]), rows.size(), List.of(), rows.size()));
            return Steps.apply(chunks, scripts, spec.execution(), spec.errors().onError(), scriptConsole, wholeChunkFailures::add)
                    .concatMapIterable(outcome -> {
                        List<Row> rows = new ArrayList<>(outcome.size());
                        Outcome o;
                        while ((o = wholeChunkFailures.poll()) != null) {
                            stage.accept(o, policy, counters, rows::add);
                        }
                        stage.accept(outcome, policy, counters, rows::add);
                        return rows;
                    })
                    .concatWith(Flux.defer(() -> {
                        List<Row> rows = new ArrayList<>();
                        Outcome o;
                        while ((o = wholeChunkFailures.poll()) != null) {
                            stage.accept(o, policy, counters, rows::add);
                        }
                        policy.checkNotAllFailed();
                        return Flux.fromIterable(rows);
                    }))
                    .doOnComplete(() -> end(counters, null))
                    .doOnError(e -> end(counters, e instanceof FlowEngineException fe ? fe
                            : new FlowEngineException(String.valueOf(e), e)))
                    .doOnCancel(() -> end(counters, new FlowEngineException("the run was cancelled")));
        });
    }

    private void end(RunCounters counters, FlowEngineException error) {
        summary.tryEmitValue(counters.summary(error));
        deadLetters.emitComplete(retryBriefly);
    }

    /** The records that failed under {@code errors.onError: dead-letter}, in input order. */
    public Flux<DeadLetter> deadLetters() {
        return deadLetters.asFlux();
    }

    /** The run's accounting, when it ends (succeeded, failed or cancelled). */
    public Mono<RunSummary> summary() {
        return summary.asMono();
    }
}
