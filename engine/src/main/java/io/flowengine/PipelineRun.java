package io.flowengine;

import io.flowengine.internal.flux.FluxRun;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.RunCounters;
import io.flowengine.internal.run.RunLog;
import io.flowengine.internal.run.RunMeters;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private final RunMeters meters;

    PipelineRun(PipelineSpec spec, ScriptSet scripts, OutputStream console, RunMeters meters) {
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
            RunLog log = new RunLog(RunLog.newId(), spec.name());
            OutputStream scriptConsole = console != null ? console : log.console();
            return FluxRun.transform(input, spec, scripts, scriptConsole, counters, d -> deadLetters.emitNext(d, retryBriefly))
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
