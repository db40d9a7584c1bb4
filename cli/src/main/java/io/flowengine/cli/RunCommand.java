package io.flowengine.cli;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.RunProgress;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;

/** {@code flowengine run PIPELINE}: runs a pipeline from a file or stdin to a file or stdout. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Runs a pipeline. Without --input/--output (or with -), reads stdin and writes stdout.")
final class RunCommand implements Callable<Integer> {

    private final Main.Terminal terminal;
    /** After SIGINT/SIGTERM: how long the run may take to let go of its files before the process is halted. */
    static final long SIGNAL_GRACE_MILLIS = 10_000;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE",
            description = "The pipeline file (YAML or JSON); optional with -e or -f.")
    Path pipeline;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a pipeline var (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = {"-e", "--eval"}, paramLabel = "BODY",
            description = "A transform step's body, e.g. 'row.total = row.amount * row.quantity' (repeatable; with -f, in order).")
    List<String> evals = new ArrayList<>();

    @Option(names = {"-f", "--filter"}, paramLabel = "EXPR",
            description = "A filter step's condition, e.g. \"row.status !== 'cancelled'\" (repeatable; with -e, in order).")
    List<String> filters = new ArrayList<>();

    @Option(names = "--from", paramLabel = "FORMAT", description = "The input's format: csv, tsv, psv or ndjson (overrides source.format).")
    String from;

    @Option(names = "--to", paramLabel = "FORMAT", description = "The output's format: csv, tsv, psv, ndjson or json (overrides sink.format).")
    String to;

    @Spec
    CommandSpec command;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Input CSV; - for stdin; a folder or a glob for several (repeatable: read in order as one input)."
                    + " Default: source.path, else stdin.")
    List<String> inputs = new ArrayList<>();

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

    @Mixin
    Logs.Options logs = new Logs.Options();

    RunCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Logs.configure(terminal.err(), logs, Logs.LogLevel.warn);
        Pipeline pipeline = compile();
        PrometheusMeterRegistry registry = null;
        if (metrics) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            pipeline = pipeline.withMeterRegistry(registry, pipeline.spec().name());
        }
        RunRequest request = request(pipeline);
        RunSummary summary = runUntilDoneOrSignalled(pipeline, request);
        report(summary);
        if (registry != null) {
            // the meters in Prometheus's text format, as GET /metrics shows them
            terminal.err().print(registry.scrape());
            terminal.err().flush();
        }
        // a request the run refused (--output with sink.http, paths that alias each other) is a usage error
        return summary.succeeded() ? Main.OK : Main.exitCode(summary.error().orElseThrow());
    }

    /** The pipeline file (or the one-liner's steps) loaded and compiled, with --parallelism, -e, -f, --from and --to applied. */
    private Pipeline compile() {
        if (pipeline == null && evals.isEmpty() && filters.isEmpty()) {
            throw new UsageException("run needs a pipeline file, or steps as -e 'BODY' and -f 'EXPR'."
                    + " Try: flowengine run -e 'row.name = row.name.toUpperCase()' -i in.csv -o out.csv");
        }
        PipelineSpec spec = pipeline != null ? Pipeline.loadSpec(pipeline, sets, terminal.env()) : oneLiner();
        spec = OneLiner.withSteps(spec, OneLiner.steps(spec.steps().size(), command.commandLine().getParseResult().originalArgs(),
                evals, filters));
        spec = OneLiner.withFormats(spec, from, to);
        if (parallelism != null) {
            if (parallelism < 1 || parallelism > PipelineSpec.ExecutionSpec.MAX_PARALLELISM) {
                throw new UsageException("--parallelism must be at least 1 and at most "
                        + PipelineSpec.ExecutionSpec.MAX_PARALLELISM + ", not " + parallelism);
            }
            spec = spec.withExecution(spec.execution().withParallelism(parallelism));
        }
        return Pipeline.of(spec);
    }

    /** A pipeline of only the command line's steps: CSV in and out; dead letters with --dead-letter, else fail. */
    private PipelineSpec oneLiner() {
        PipelineSpec spec = PipelineSpec.of("one-liner", List.of());
        return deadLetter != null ? spec.withErrors(PipelineSpec.ErrorsSpec.of(io.flowengine.ErrorPolicy.DEAD_LETTER)) : spec;
    }

    /**
     * Where the run reads and writes: --input/--output (- for the standard streams), else the
     * pipeline's paths, else stdin and stdout. Only the CLI binds the process's streams.
     */
    private RunRequest request(Pipeline pipeline) {
        RunRequest request = RunRequest.create().progress(new RunProgress());
        if (inputs.equals(List.of("-")) || inputs.isEmpty() && pipeline.spec().source().path().isEmpty()) {
            request = request.input(terminal.in(), "stdin");
        } else if (!inputs.isEmpty()) {
            if (inputs.contains("-")) {
                throw new UsageException("stdin (-) cannot be one of several inputs; give files, folders or globs");
            }
            request = request.inputs(inputs.stream().map(Path::of).toList());
        }
        if ("-".equals(output) || output == null && pipeline.spec().sink().path().isEmpty()) {
            request = request.output(terminal.out());
        } else if (output != null) {
            request = request.output(Path.of(output));
        }
        return deadLetter != null ? request.deadLetter(deadLetter) : request;
    }

    /**
     * Runs {@code request}, with the progress line when stderr is a terminal. On SIGINT/SIGTERM
     * the run is cancelled and the process waits until its files are let go (the output left
     * untouched, its temporary file removed, dead letters so far written); the JVM then exits
     * with 130 or 143.
     */
    private RunSummary runUntilDoneOrSignalled(Pipeline pipeline, RunRequest request) {
        Progress progress = quiet || !terminal.stderrIsTerminal() ? null : new Progress(request.progress(), terminal.err());
        CompletableFuture<RunSummary> result = new CompletableFuture<>();
        Disposable run = pipeline.run(request).subscribe(result::complete, result::completeExceptionally);
        RunProgress live = request.progress();
        Thread onSignal = new Thread(() -> {
            if (result.isDone()) {
                return;
            }
            // whatever else holds the JVM up at shutdown (a script that cannot be stopped), the
            // signal wins: the process ends within the grace
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
                live.closed().get(SIGNAL_GRACE_MILLIS / 2, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
            terminal.err().println("\nflowengine: interrupted; the output was not written");
        }, "flowengine-interrupt");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return result.join();
        } finally {
            if (progress != null) {
                progress.stop();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    /** The summary file, the failure and the summary line. */
    private void report(RunSummary summary) {
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
            if (terminal.verbose()) {
                error.printStackTrace(terminal.err());
            }
        }
        if (!quiet) {
            terminal.err().println(Progress.summaryLine(summary));
        }
    }
}
