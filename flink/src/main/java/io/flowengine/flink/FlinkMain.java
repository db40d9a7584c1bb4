package io.flowengine.flink;

import io.flowengine.FlowEngineException;
import io.flowengine.InvalidRequestException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.RunSummary;
import io.flowengine.StepRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flowengine-flink}: runs a pipeline file as a Flink job, in an embedded local Flink or on
 * a cluster ({@code --jobmanager}); also the entry point of the job jar for {@code flink run}.
 */
@Command(name = "flowengine-flink", mixinStandardHelpOptions = true, version = "flowengine-flink 0.1.0",
        description = "Runs FlowEngine pipeline files on Apache Flink.",
        subcommands = {FlinkMain.Run.class, FlinkMain.Validate.class})
public final class FlinkMain {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** Keeps the logger whose level is set (java.util.logging holds loggers weakly). */
    private static final Logger ROOT = Logger.getLogger("");

    public static void main(String[] args) {
        int code = execute(args, System.err, System.getenv());
        if (Boolean.getBoolean("flowengine.launcher")) {
            System.exit(code);
        }
        if (code != OK) {
            // under flink run: an exception is how a program says it failed
            throw new IllegalStateException("flowengine-flink exited with code " + code + " (see above)");
        }
    }

    static int execute(String[] args, PrintStream err, Map<String, String> env) {
        CommandLine cl = new CommandLine(new FlinkMain(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == Run.class) {
                    return cls.cast(new Run(err, env));
                }
                if (cls == Validate.class) {
                    return cls.cast(new Validate(err, env));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("flowengine-flink: " + e.getMessage());
            return e instanceof PipelineValidationException || e instanceof InvalidRequestException ? USAGE : FAILED;
        });
        return cl.execute(args);
    }

    /** The pipeline file and its overrides. */
    static class PipelineArgs {
        @Parameters(index = "0", paramLabel = "PIPELINE", description = "The pipeline file (YAML or JSON).")
        Path pipeline;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a pipeline var (repeatable).")
        Map<String, String> sets = new LinkedHashMap<>();

        @Option(names = {"-p", "--parallelism"}, paramLabel = "N",
                description = "Subtasks, each with one JavaScript rail (default: execution.parallelism).")
        Integer parallelism;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs a pipeline as a Flink job: locally, or on the cluster of --jobmanager.")
    static final class Run extends PipelineArgs implements Callable<Integer> {
        private final PrintStream err;
        private final Map<String, String> env;

        @Option(names = {"-i", "--input"}, paramLabel = "IN",
                description = "A file, folder or glob, on any file system Flink has (repeatable; default: source.path).")
        List<String> inputs = new ArrayList<>();

        @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR",
                description = "The folder of CSV part files; must be new or empty (default: sink.path).")
        String output;

        @Option(names = "--dead-letter", paramLabel = "DIR",
                description = "The folder of dead-letter part files (default: errors.deadLetter, else OUTDIR.dead-letters).")
        String deadLetter;

        @Option(names = "--summary", paramLabel = "FILE", description = "Write the run summary as JSON to FILE.")
        Path summaryFile;

        @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
                description = "Submit the job to this cluster (its REST address) and wait for it, instead of running locally.")
        String jobManager;

        @Option(names = "--job-jar", paramLabel = "JAR",
                description = "With --jobmanager: the job jar to ship (default: flowengine-flink-job.jar beside the launcher).")
        Path jobJar;

        @Option(names = "--checkpoint-interval", paramLabel = "DURATION",
                description = "How often to checkpoint, e.g. 30s or 2m (default: 30s locally; the cluster's setting with --jobmanager).")
        String checkpointInterval;

        @Option(names = "--checkpoint-dir", paramLabel = "URI",
                description = "Where checkpoints go, e.g. file:///data/checkpoints or s3://bucket/checkpoints.")
        String checkpointDir;

        @Option(names = {"-q", "--quiet"}, description = "No notes and no summary line.")
        boolean quiet;

        @Option(names = "--verbose", description = "Flink's own log lines, and stack traces of errors.")
        boolean verbose;

        Run(PrintStream err, Map<String, String> env) {
            this.err = err;
            this.env = env;
        }

        @Override
        public Integer call() throws Exception {
            ROOT.setLevel(verbose ? Level.INFO : Level.WARNING);
            FlinkJob.Job job;
            try {
                job = FlinkJob.prepare(new FlinkJob.Request(pipeline, inputs, Optional.ofNullable(output),
                        Optional.ofNullable(deadLetter), sets, Optional.ofNullable(parallelism)), env);
            } catch (PipelineValidationException e) {
                for (Problem p : e.problems()) {
                    err.println(p);
                }
                err.println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + pipeline);
                return USAGE;
            }
            if (!quiet) {
                for (String note : job.notes()) {
                    err.println("flowengine-flink: note: " + note);
                }
            }
            RunSummary summary = FlinkJob.run(environment(), job);
            if (summaryFile != null) {
                try {
                    Files.writeString(summaryFile, summary.toJson() + "\n", StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("flowengine-flink: cannot write the summary to " + summaryFile + ": " + e.getMessage());
                }
            }
            if (!summary.succeeded()) {
                FlowEngineException error = summary.error().orElseThrow();
                err.println("flowengine-flink: run failed: " + error.getMessage());
                if (verbose && error.getCause() != null) {
                    error.getCause().printStackTrace(err);
                }
            }
            if (!quiet) {
                err.println("flowengine-flink: " + summary.line());
            }
            return summary.succeeded() ? OK : FAILED;
        }

        private StreamExecutionEnvironment environment() {
            Configuration conf = new Configuration();
            if (checkpointDir != null) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
            }
            StreamExecutionEnvironment env;
            if (jobManager != null) {
                int colon = jobManager.lastIndexOf(':');
                if (colon <= 0) {
                    throw new InvalidRequestException("--jobmanager takes HOST:PORT (the REST address, port 8081 by default),"
                            + " not " + jobManager);
                }
                Path jar = jobJar != null ? jobJar : Path.of(System.getProperty("flowengine.jobJar", "flowengine-flink-job.jar"));
                if (!Files.isRegularFile(jar)) {
                    throw new InvalidRequestException("the job jar " + jar + " does not exist. Build it (./mvnw -pl flink -am"
                            + " package) or pass --job-jar");
                }
                env = StreamExecutionEnvironment.createRemoteEnvironment(jobManager.substring(0, colon),
                        Integer.parseInt(jobManager.substring(colon + 1)), conf, jar.toAbsolutePath().toString());
            } else {
                boolean local = Boolean.getBoolean("flowengine.launcher");
                if (local) {
                    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
                    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
                    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
                }
                env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                if (local && checkpointInterval == null) {
                    env.enableCheckpointing(Duration.ofSeconds(30).toMillis());
                }
            }
            if (checkpointInterval != null) {
                env.enableCheckpointing(duration(checkpointInterval).toMillis());
            }
            return env;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks a pipeline file for Flink: every problem, and what means something else there.")
    static final class Validate extends PipelineArgs implements Callable<Integer> {
        private final PrintStream err;
        private final Map<String, String> env;

        Validate(PrintStream err, Map<String, String> env) {
            this.err = err;
            this.env = env;
        }

        @Override
        public Integer call() {
            try {
                PipelineSpec spec = Pipeline.loadSpec(pipeline, sets, env);
                Pipeline p = Pipeline.of(spec);
                List<String> unsupported = FlinkJob.unsupported(spec);
                for (String u : unsupported) {
                    err.println(pipeline + ": " + u);
                }
                if (!unsupported.isEmpty()) {
                    err.println(unsupported.size() + " problem" + (unsupported.size() == 1 ? "" : "s") + " in " + pipeline
                            + " for Flink");
                    return USAGE;
                }
                err.println(pipeline + ": valid for Flink (" + spec.steps().size() + " step" + (spec.steps().size() == 1 ? "" : "s") + ")");
                for (StepRuntime r : p.stepRuntimes()) {
                    err.println("  step '" + r.step() + "': " + (r.compiled() ? "compiled" : "GraalJS (" + r.reason() + ")"));
                }
                int n = parallelism != null ? parallelism : spec.execution().parallelism();
                for (String note : FlinkJob.notes(spec, n)) {
                    err.println("  note: " + note);
                }
                return OK;
            } catch (PipelineValidationException e) {
                for (Problem p : e.problems()) {
                    err.println(p);
                }
                err.println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + pipeline);
                return USAGE;
            }
        }
    }

    /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1m30s}, seconds, or ISO-8601 ({@code PT30S}): {@link io.flowengine.Units}. */
    static Duration duration(String s) {
        try {
            Duration d = io.flowengine.Units.duration(s);
            if (!d.isZero() && !d.isNegative()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("--checkpoint-interval: " + e.getMessage());
        }
        throw new InvalidRequestException("--checkpoint-interval must be positive, not " + s);
    }
}
