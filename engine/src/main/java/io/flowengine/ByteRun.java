package io.flowengine;

import io.flowengine.internal.flux.BytesRun;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.RunMeters;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One run of a pipeline from bytes to bytes: {@link #transform} takes the input file's bytes as a
 * {@code Flux<ByteBuffer>} (in {@code source} encoding, split anywhere) and gives the output
 * file's bytes (in {@code sink} encoding), as a WebFlux handler or a message consumer has them.
 * Backpressure runs both ways: the input is asked for a buffer at a time as the CSV reader takes
 * them, so a slow subscriber of the output slows the input down. The output Flux fails with the
 * run's error (nothing after it is written); cancelling it cancels the run. Dead letters go to
 * the request's {@code deadLetter} file under {@code errors.onError: dead-letter}.
 *
 * <pre>{@code
 * ByteRun run = pipeline.newByteRun(RunRequest.create().deadLetter(Path.of("dead.csv")));
 * Flux<ByteBuffer> csv = run.transform(upload);     // subscribe once
 * Mono<RunSummary> summary = run.summary();
 * }</pre>
 */
public final class ByteRun {

    private final PipelineSpec spec;
    private final ScriptSet scripts;
    private final RunRequest request;
    private final OutputStream console;
    private final RunMeters meters;
    private final AtomicBoolean used = new AtomicBoolean();
    private final Sinks.One<RunSummary> summary = Sinks.one();

    ByteRun(PipelineSpec spec, ScriptSet scripts, RunRequest request, OutputStream console, RunMeters meters) {
        this.spec = spec;
        this.scripts = scripts;
        this.request = request;
        this.console = console;
        this.meters = meters;
    }

    /** The pipeline applied to the bytes of {@code input}. Subscribe once: a run is one execution. */
    public Flux<ByteBuffer> transform(Flux<ByteBuffer> input) {
        return Flux.defer(() -> {
            if (!used.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("this ByteRun has already run; call Pipeline.newByteRun() for another"));
            }
            return BytesRun.transform(spec, scripts, request, request.progress().counters(), console, meters, input,
                    summary::tryEmitValue);
        });
    }

    /** The run's accounting, once it has ended (succeeded, failed or cancelled) and let go of its files. */
    public Mono<RunSummary> summary() {
        return summary.asMono();
    }
}
