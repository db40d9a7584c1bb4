package io.flowengine.internal.flux;

import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.RunCounters;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * A run from a file or stream to a file or stream: reader → steps on rails → sink, with the
 * output committed only when the run succeeds.
 */
public final class FileRun {

    private FileRun() {
    }

    public static Mono<RunSummary> run(PipelineSpec spec, ScriptSet scripts, RunRequest request, OutputStream console,
            io.flowengine.internal.run.RunMeters meters) {
        return Mono.defer(() -> {
            io.flowengine.internal.run.RunLog log = new io.flowengine.internal.run.RunLog(
                    request.runId().orElseGet(io.flowengine.internal.run.RunLog::newId), spec.name());
            OutputStream scriptConsole = console != null ? console : log.console();
            RunCounters counters = new RunCounters(meters, scripts.stepRuntimes());
            Endpoints io;
            try {
                io = endpoints(spec, request);
            } catch (FlowEngineException e) {
                request.progress().markClosed();
                return Mono.just(counters.summary(e)).doOnNext(log::ended);
            }
            log.debug("run started: {} -> {}", io.inputName(), io.output().map(Path::toString)
                    .orElse(spec.sink().http().isPresent() ? spec.sink().http().get().url().toString() : "the output stream"));
            int prefetch = spec.execution().prefetch();
            return Mono.usingWhen(
                            Mono.fromCallable(() -> FileRunState.open(spec, io, counters)).subscribeOn(EngineSchedulers.io()),
                            st -> {
                                reactor.core.publisher.Flux<io.flowengine.internal.run.Outcome> outcomes = Steps.apply(
                                                st.chunks().subscribeOn(EngineSchedulers.io()), scripts, spec.execution(),
                                                spec.errors().onError(), scriptConsole, st::wholeChunkFailed)
                                        .publishOn(EngineSchedulers.io(), prefetch);
                                if (spec.sink().http().isEmpty()) {
                                    return outcomes.doOnNext(st::write).then(Mono.fromRunnable(st::finish));
                                }
                                HttpSink sink = new HttpSink(spec.sink().http().get(),
                                        new io.flowengine.internal.run.RetryPolicy(spec.errors().retry(), new java.util.Random()),
                                        () -> {
                                            counters.retried();
                                            log.warn("a batch for {} failed with a transient error; retrying", spec.sink().http().get().url());
                                        });
                                return sink.deliver(outcomes.concatMapIterable(st::items))
                                        .publishOn(EngineSchedulers.io(), prefetch)
                                        .doOnNext(st::delivered)
                                        .then(Mono.fromRunnable(st::finish));
                            },
                            st -> Mono.fromRunnable(st::commit).subscribeOn(EngineSchedulers.io()),
                            (st, error) -> Mono.fromRunnable(st::abort).subscribeOn(EngineSchedulers.io()),
                            st -> Mono.fromRunnable(st::abort).subscribeOn(EngineSchedulers.io()))
                    .then(Mono.fromCallable(() -> counters.summary(null)))
                    .onErrorResume(e -> {
                        request.progress().markClosed();
                        return Mono.just(counters.summary(FileRunState.userError(e)));
                    })
                    .doOnNext(log::ended);
        });
    }

    /** Where this run reads and writes, resolved. */
    record Endpoints(Optional<Path> input, Optional<Path> output, Optional<Path> deadLetter, RunRequest request) {
        String inputName() {
            return input.map(Path::toString).orElse(request.inputName());
        }
    }

    private static Endpoints endpoints(PipelineSpec spec, RunRequest request) {
        Optional<Path> input = request.inputIsStream() ? Optional.empty()
                : request.input().or(() -> spec.source().path());
        boolean http = spec.sink().http().isPresent();
        if (http && request.output().isPresent()) {
            throw new io.flowengine.InvalidRequestException("the pipeline sends its rows to sink.http, so there is no output file;"
                    + " drop --output, or remove sink.http to write a file");
        }
        Optional<Path> output = request.outputIsStream() || http ? Optional.empty()
                : request.output().or(() -> spec.sink().path());
        Optional<Path> deadLetter = Optional.empty();
        if (spec.errors().onError() == ErrorPolicy.DEAD_LETTER) {
            deadLetter = request.deadLetter().or(() -> spec.errors().deadLetter()).or(() -> output
                    .filter(p -> io.flowengine.internal.run.OutputPaths.kind(p, "output", "--output") == io.flowengine.internal.run.OutputPaths.Kind.FILE)
                    .map(FileRun::besideOutput));
            if (deadLetter.isEmpty()) {
                throw new io.flowengine.InvalidRequestException("errors.onError is dead-letter and the output is "
                        + (http ? "sink.http" : output.isPresent() ? "the device or pipe " + output.get() : "stdout")
                        + ", so there is no place for dead letters by default. Pass --dead-letter FILE or set errors.deadLetter");
            }
        }
        io.flowengine.internal.run.OutputPaths.checkDistinct(input, output, deadLetter);
        output.ifPresent(p -> io.flowengine.internal.run.OutputPaths.kind(p, "output", "--output"));
        deadLetter.ifPresent(p -> io.flowengine.internal.run.OutputPaths.kind(p, "dead-letter file", "--dead-letter"));
        if (input.isPresent() && java.nio.file.Files.isDirectory(input.get())) {
            throw new io.flowengine.InvalidRequestException("the input " + input.get() + " is a folder. Name a CSV file inside it");
        }
        return new Endpoints(input, output, deadLetter, request);
    }

    /** {@code out/orders.csv} → {@code out/orders.dead-letters.csv}. */
    static Path besideOutput(Path output) {
        String name = output.getFileName().toString().replaceFirst("\\.(csv|tsv|psv|txt)$", "");
        return output.resolveSibling(name + ".dead-letters.csv");
    }
}
