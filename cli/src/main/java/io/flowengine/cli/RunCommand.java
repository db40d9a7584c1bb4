package io.flowengine.cli;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.RunProgress;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code flowengine run PIPELINE}: runs a pipeline from a file or stdin to a file or stdout. */
@Command(name = "run", description = "Runs a pipeline. Without --input/--output (or with -), reads stdin and writes stdout.")
final class RunCommand implements Callable<Integer> {

    private final Main.Terminal terminal;
    /** After SIGINT/SIGTERM: how long the run may take to let go of its files before the process is halted. */
    static final long SIGNAL_GRACE_MILLIS = 10_000;

    @Mixin
    PipelineOptions options;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Input CSV; - for stdin. Default: source.path, else stdin.")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output CSV; - for stdout. Default: sink.path, else stdout.")
    String output;

    @Option(names = "--dead-letter", paramLabel = "FILE", description = "Dead-letter CSV (with errors.onError: dead-letter).")
    Path deadLetter;

    @Option(names = "--parallelism", paramLabel = "N", description = "JavaScript rails (default: execution.parallelism, else the number of CPUs).")
    Integer parallelism;

    @Option(names = "--summary", paramLabel = "FILE", description = "Write the run summary as JSON to FILE.")
    Path summaryFile;

    @Option(names = "--metrics", description = "Print the run's metrics (Prometheus names) on stderr at the end.")
    boolean metrics;

    @Option(names = {"-q", "--quiet"}, description = "No progress line and no summary line.")
    boolean quiet;

    @Option(names = "--verbose", description = "Show stack traces with errors.")
    boolean verbose;

    /** The meters in Prometheus naming, one per line, sorted. */
    private void printMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (io.micrometer.core.instrument.Meter m : registry.getMeters()) {
            String tags = m.getId().getTags().stream().map(t -> t.getKey() + "=\"" + t.getValue() + "\"")
                    .collect(java.util.stream.Collectors.joining(",", "{", "}"));
            String name = m.getId().getName().replace('.', '_');
            if (m instanceof io.micrometer.core.instrument.Counter c) {
                lines.add(name + "_total" + tags + " " + (long) c.count());
            } else if (m instanceof io.micrometer.core.instrument.Gauge g) {
                lines.add(name + tags + " " + (long) g.value());
            } else if (m instanceof io.micrometer.core.instrument.FunctionTimer t) {
                lines.add(name + "_seconds_count" + tags + " " + (long) t.count());
                lines.add(name + "_seconds_sum" + tags + " " + String.format(java.util.Locale.ROOT, "%.6f",
                        t.totalTime(java.util.concurrent.TimeUnit.SECONDS)));
            }
        }
        java.util.Collections.sort(lines);
        lines.forEach(terminal.err()::println);
    }

    @Mixin
    Logs.Options logs = new Logs.Options();

    RunCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Logs.configure(terminal.err(), logs, Logs.LogLevel.warn);
        Pipeline compiled;
        try {
            PipelineSpec spec = Pipeline.loadSpec(options.pipeline, options.sets, terminal.env());
            if (parallelism != null) {
                if (parallelism < 1 || parallelism > PipelineSpec.ExecutionSpec.MAX_PARALLELISM) {
                    terminal.err().println("flowengine: --parallelism must be at least 1 and at most "
                            + PipelineSpec.ExecutionSpec.MAX_PARALLELISM + ", not " + parallelism);
                    return Main.USAGE;
                }
                spec = spec.withExecution(spec.execution().withParallelism(parallelism));
            }
            compiled = Pipeline.of(spec);
        } catch (PipelineValidationException e) {
            for (Problem p : e.problems()) {
                terminal.err().println(p);
            }
            return Main.USAGE;
        }
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = null;
        if (metrics) {
            registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            compiled = compiled.withMeterRegistry(registry, compiled.spec().name());
        }
        RunRequest request = RunRequest.create().progress(new RunProgress());
        request = "-".equals(input) ? request.input(terminal.in()) : input != null ? request.input(Path.of(input)) : request;
        request = "-".equals(output) ? request.output(terminal.out()) : output != null ? request.output(Path.of(output)) : request;
        if (input == null && compiled.spec().source().path().isEmpty()) {
            request = request.input(terminal.in());
        }
        if (output == null && compiled.spec().sink().path().isEmpty()) {
            request = request.output(terminal.out());
        }
        if (deadLetter != null) {
            request = request.deadLetter(deadLetter);
        }
        Progress progress = quiet || !terminal.stderrIsTerminal() ? null : new Progress(request.progress(), terminal.err());
        RunSummary summary;
        Thread onSignal = null;
        try {
            java.util.concurrent.CompletableFuture<RunSummary> result = new java.util.concurrent.CompletableFuture<>();
            reactor.core.Disposable run = compiled.run(request).subscribe(result::complete, result::completeExceptionally);
            RunProgress live = request.progress();
            // SIGINT/SIGTERM: cancel the run and wait until its files are let go (the output left
            // untouched, its temporary file removed, dead letters so far written); the JVM then
            // exits with 130 or 143.
            onSignal = new Thread(() -> {
                if (!result.isDone()) {
                    // whatever else holds the JVM up at shutdown (a script that cannot be stopped),
                    // the signal wins: the process ends within the grace
                    Thread halt = new Thread(() -> {
                        try {
                            Thread.sleep(SIGNAL_GRACE_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                        terminal.err().println("flowengine: stopped after " + SIGNAL_GRACE_MILLIS / 1000 + " s of shutdown");
                        Runtime.getRuntime().halt(143);
                    }, "flowengine-halt");
                    halt.setDaemon(true);
                    halt.start();
                    run.dispose();
                    try {
                        live.closed().get(SIGNAL_GRACE_MILLIS / 2, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        // exiting anyway
                    }
                    terminal.err().println("\nflowengine: interrupted; the output was not written");
                }
            }, "flowengine-interrupt");
            Runtime.getRuntime().addShutdownHook(onSignal);
            summary = result.join();
        } finally {
            if (progress != null) {
                progress.stop();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        if (summaryFile != null) {
            try {
                Files.writeString(summaryFile, summary.toJson() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                terminal.err().println("flowengine: cannot write the summary to " + summaryFile + ": " + e.getMessage());
            }
        }
        if (!summary.succeeded()) {
            Throwable error = summary.error().orElseThrow();
            terminal.err().println("flowengine: run failed: " + error.getMessage());
            if (verbose) {
                error.printStackTrace(terminal.err());
            }
        }
        if (!quiet) {
            terminal.err().println(Progress.summaryLine(summary));
        }
        if (registry != null) {
            printMetrics(registry);
        }
        if (summary.error().orElse(null) instanceof io.flowengine.InvalidRequestException) {
            return Main.USAGE;
        }
        return summary.succeeded() ? Main.OK : Main.FAILED;
    }
}
