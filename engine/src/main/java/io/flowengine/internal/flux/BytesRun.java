package io.flowengine.internal.flux;

import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.FileRunCore;
import io.flowengine.internal.run.FileRunCore.Endpoints;
import io.flowengine.internal.run.Processed;
import io.flowengine.internal.run.ProgressCounters;
import io.flowengine.internal.run.RailPool;
import io.flowengine.internal.run.RunCounters;
import io.flowengine.internal.run.RunLog;
import io.flowengine.internal.run.RunMeters;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A run from bytes to bytes, composed in Reactor over the run core: the input {@code Flux} is read
 * by the CSV reader on an I/O thread (asked for a buffer at a time, as the reader takes them), the
 * chunks go through the steps on rails, and each chunk's CSV is handed on downstream as soon as it
 * is formatted, so a slow subscriber slows the reader and, through it, the input. The output ends
 * when the run succeeds (the header alone for an empty input), fails with the run's error, and a
 * cancelled subscription cancels the run (dead letters so far are kept).
 */
public final class BytesRun {

    private BytesRun() {
    }

    /**
     * @param ended told the run's summary once, when the run has let go of its files
     */
    public static Flux<ByteBuffer> transform(PipelineSpec spec, ScriptSet scripts, RunRequest request, ProgressCounters progress,
            OutputStream console, RunMeters meters, Flux<ByteBuffer> input, Consumer<RunSummary> ended) {
        return Flux.defer(() -> {
            RunLog log = new RunLog(request.runId().orElseGet(RunLog::newId), spec.name());
            OutputStream scriptConsole = console != null ? console : log.console();
            RunCounters counters = new RunCounters(meters, scripts.stepRuntimes());
            FluxInputStream in = new FluxInputStream(input);
            Collected out = new Collected();
            RunRequest bound = request.input(in, request.inputName()).output(out);
            AtomicReference<FileRunCore> opened = new AtomicReference<>();
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicBoolean told = new AtomicBoolean();
            Consumer<FlowEngineException> end = error -> {
                if (told.compareAndSet(false, true)) {
                    RunSummary summary = counters.summary(error);
                    log.ended(summary);
                    ended.accept(summary);
                }
            };
            Flux<ByteBuffer> bytes = Flux.usingWhen(
                    Mono.fromCallable(() -> {
                        FileRunCore core = FileRunCore.open(spec, Endpoints.resolve(spec, bound), counters, progress,
                                notice -> log.warn("{}", notice));
                        opened.set(core);
                        if (cancelled.get()) {
                            // cancelled while the files were being opened: usingWhen will not see them
                            core.abort();
                        }
                        return core;
                    }).subscribeOn(EngineSchedulers.io()),
                    core -> body(spec, scripts, scriptConsole, core, out, counters, log),
                    core -> Mono.empty(),
                    (core, error) -> Mono.fromRunnable(core::abort).subscribeOn(EngineSchedulers.io()),
                    core -> Mono.fromRunnable(core::abort).subscribeOn(EngineSchedulers.io()));
            return bytes
                    .onErrorMap(FileRun::userError)
                    .doOnComplete(() -> end.accept(null))
                    .doOnError(e -> {
                        progress.markClosed();
                        end.accept((FlowEngineException) e);
                    })
                    .doOnCancel(() -> {
                        cancelled.set(true);
                        // off the cancelling thread (an event loop, maybe): the output is discarded and
                        // the dead letters written (abort is idempotent), then the summary is told
                        EngineSchedulers.io().schedule(() -> {
                            FileRunCore core = opened.get();
                            if (core != null) {
                                core.abort();
                            }
                            progress.markClosed();
                            end.accept(new FlowEngineException("the run was cancelled"));
                        });
                    })
                    .doFinally(s -> in.close());
        });
    }

    /** Each processed chunk's bytes as it is written; the end's (the header of an empty output) after the commit. */
    private static Flux<ByteBuffer> body(PipelineSpec spec, ScriptSet scripts, OutputStream console, FileRunCore core,
            Collected out, RunCounters counters, RunLog log) {
        Flux<Processed> processed = Steps.apply(FileRun.chunks(core), spec.execution(), () -> new RailPool(scripts, console))
                .publishOn(EngineSchedulers.io(), spec.execution().prefetch());
        Flux<ByteBuffer> rows = spec.sink().http().isEmpty()
                ? processed.concatMapIterable(p -> {
                    core.write(p);
                    return out.drain();
                }, 1)
                : FileRun.deliver(spec, core, processed, counters, log).thenMany(Flux.empty());
        return rows.concatWith(Flux.defer(() -> {
            core.finish();
            core.commit();
            return Flux.fromIterable(out.drain());
        }).subscribeOn(EngineSchedulers.io()));
    }

    /** What the run has written since the last {@link #drain()}. */
    private static final class Collected extends ByteArrayOutputStream {
        Collected() {
            super(1 << 16);
        }

        synchronized List<ByteBuffer> drain() {
            if (count == 0) {
                return List.of();
            }
            ByteBuffer b = ByteBuffer.wrap(toByteArray());
            reset();
            return List.of(b);
        }
    }
}
