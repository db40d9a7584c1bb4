package io.flowengine.internal.flux;

import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.FileRunCore;
import io.flowengine.internal.run.FileRunCore.Endpoints;
import io.flowengine.internal.run.Processed;
import io.flowengine.internal.run.ProgressCounters;
import io.flowengine.internal.run.RailPool;
import io.flowengine.internal.run.RetryPolicy;
import io.flowengine.internal.run.RunCounters;
import io.flowengine.internal.run.RunLog;
import io.flowengine.internal.run.RunMeters;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A run from a file or stream to a file, a stream or an HTTP sink, composed in Reactor over the
 * run core: reader ({@link FileRunCore#next}, on an I/O thread) → steps on rails ({@link Steps})
 * → the core, in input order, on an I/O thread → commit when the run succeeds, else abort.
 */
public final class FileRun {

    private FileRun() {
    }

    public static Mono<RunSummary> run(PipelineSpec spec, ScriptSet scripts, RunRequest request, ProgressCounters progress,
            OutputStream console, RunMeters meters) {
        return Mono.defer(() -> {
            RunLog log = new RunLog(request.runId().orElseGet(RunLog::newId), spec.name());
            OutputStream scriptConsole = console != null ? console : log.console();
            RunCounters counters = new RunCounters(meters, scripts.stepRuntimes());
            Endpoints io;
            try {
                io = Endpoints.resolve(spec, request);
            } catch (FlowEngineException e) {
                progress.markClosed();
                return Mono.just(counters.summary(e)).doOnNext(log::ended);
            }
            log.debug("run started: {} -> {}", io.inputName(), io.output().map(Path::toString)
                    .orElse(spec.sink().http().map(h -> h.url().toString()).orElse("the output stream")));
            return Mono.usingWhen(
                            Mono.fromCallable(() -> FileRunCore.open(spec, io, counters, progress, notice -> log.warn("{}", notice))).subscribeOn(EngineSchedulers.io()),
                            core -> {
                                Flux<Processed> processed = Steps.apply(chunks(core), spec.execution(),
                                                () -> new RailPool(scripts, scriptConsole))
                                        .publishOn(EngineSchedulers.io(), spec.execution().prefetch());
                                return deliver(spec, core, processed, counters, log).then(Mono.fromRunnable(core::finish));
                            },
                            core -> Mono.fromRunnable(core::commit).subscribeOn(EngineSchedulers.io()),
                            (core, error) -> Mono.fromRunnable(core::abort).subscribeOn(EngineSchedulers.io()),
                            core -> Mono.fromRunnable(core::abort).subscribeOn(EngineSchedulers.io()))
                    .then(Mono.fromCallable(() -> counters.summary(null)))
                    .onErrorResume(e -> {
                        progress.markClosed();
                        return Mono.just(counters.summary(userError(e)));
                    })
                    .doOnNext(log::ended);
        });
    }

    /** The input's chunks, read on an I/O thread as demand comes. */
    static Flux<Chunk> chunks(FileRunCore core) {
        return Flux.<Chunk>generate(sink -> {
            Chunk c = core.next();
            if (c == null) {
                sink.complete();
            } else {
                sink.next(c);
            }
        }).subscribeOn(EngineSchedulers.io());
    }

    /** Writes the processed chunks to the output, or sends their rows to the HTTP sink. */
    static Mono<Void> deliver(PipelineSpec spec, FileRunCore core, Flux<Processed> processed, RunCounters counters,
            RunLog log) {
        if (spec.sink().http().isEmpty()) {
            return processed.doOnNext(core::write).then();
        }
        PipelineSpec.HttpSinkSpec http = spec.sink().http().get();
        HttpSink sink = new HttpSink(http, new RetryPolicy(spec.errors().retry(), new Random()), () -> {
            counters.retried();
            log.warn("a batch for {} failed with a transient error; retrying", http.url());
        });
        return sink.deliver(processed.concatMapIterable(core::items))
                .publishOn(EngineSchedulers.io(), spec.execution().prefetch())
                .doOnNext(core::delivered)
                .then();
    }

    /** The error to report for {@code e}, which ended a run: the engine's own, or one that says what kind it was. */
    static FlowEngineException userError(Throwable e) {
        Throwable t = Exceptions.unwrap(e);
        for (Throwable each : Exceptions.unwrapMultiple(t)) {
            if (Exceptions.unwrap(each) instanceof FlowEngineException fe) {
                return fe;
            }
        }
        if (t instanceof FlowEngineException fe) {
            return fe;
        }
        if (t instanceof UncheckedIOException io) {
            return new FlowEngineException("I/O error: " + io.getCause().getMessage(), t);
        }
        return new FlowEngineException("internal error: " + t + ". Please report it with --verbose output", t);
    }
}
