package io.flowengine;

import io.flowengine.internal.config.PipelineLoader;
import io.flowengine.internal.flux.FileRun;
import io.flowengine.internal.js.JsEngine;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.PreviewRun;
import io.flowengine.internal.run.RunMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * A compiled pipeline: its file read and checked, its scripts parsed. Immutable and safe to share;
 * each run has its own state.
 *
 * <pre>{@code
 * Pipeline p = Pipeline.load(Path.of("orders.yaml"));
 * RunSummary s = p.run(RunRequest.create().input(in).output(out)).block();   // files
 * PipelineRun run = p.newRun();                                              // or a Flux
 * Flux<Row> out = run.transform(rows);
 * }</pre>
 *
 * <p>Loading and compiling read files and start the JavaScript engine: do it on a thread that may
 * block, never on an event loop.
 */
public final class Pipeline {

    private final PipelineSpec spec;
    private final ScriptSet scripts;
    private final OutputStream console;
    private final RunMeters meters;

    private Pipeline(PipelineSpec spec, ScriptSet scripts, OutputStream console, RunMeters meters) {
        this.spec = spec;
        this.scripts = scripts;
        this.console = console;
        this.meters = meters;
    }

    /** Loads and compiles the pipeline file at {@code file}. */
    public static Pipeline load(Path file) {
        return of(loadSpec(file, Map.of(), System.getenv()));
    }

    /**
     * Reads the pipeline file at {@code file}, with {@code sets} overriding its {@code vars} and
     * {@code env} used for {@code ${NAME}}, reporting every problem at once — scripts included.
     *
     * @throws PipelineValidationException listing every problem with its position
     */
    public static PipelineSpec loadSpec(Path file, Map<String, String> sets, Map<String, String> env) {
        return PipelineLoader.load(file, sets, env, ScriptSet::problems);
    }

    /** Reads a pipeline from YAML or JSON text; relative paths resolve against {@code baseDir}. */
    public static PipelineSpec parseSpec(String text, String fileName, Path baseDir, Map<String, String> env) {
        return PipelineLoader.parse(text, fileName, baseDir, Map.of(), env, ScriptSet::problems);
    }

    /**
     * Reads a pipeline from text sent by someone who may not read this machine's files or
     * environment (a server's client): {@code ${NAME}} takes no value from the environment (a
     * default {@code ${NAME:-x}} applies), and a {@code file:} script must be a file inside
     * {@code baseDir}.
     */
    public static PipelineSpec parseSubmitted(String text, String fileName, Path baseDir) {
        return PipelineLoader.parse(text, fileName, baseDir, Map.of(), Map.of(), ScriptSet::problems, true);
    }

    /**
     * Compiles {@code spec}: parses every script and reports syntax errors with their positions.
     *
     * @throws PipelineValidationException when a script does not compile
     */
    public static Pipeline of(PipelineSpec spec) {
        return new Pipeline(spec, ScriptSet.compile(spec), null, null);
    }

    /** Every problem of the pipeline file at {@code file}; empty when it is valid. */
    public static List<Problem> validate(Path file, Map<String, String> sets, Map<String, String> env) {
        try {
            of(loadSpec(file, sets, env));
            return List.of();
        } catch (PipelineValidationException e) {
            return e.problems();
        }
    }

    /** How each step runs: compiled or on GraalJS (with the reason), in step order. */
    public List<StepRuntime> stepRuntimes() {
        return scripts.stepRuntimes();
    }

    /**
     * This pipeline with script console output ({@code console.log}) sent to {@code console}.
     * By default it is logged, a line at a time, at INFO on the SLF4J logger
     * {@code flowengine.script} with the run id.
     */
    public Pipeline withConsole(OutputStream console) {
        return new Pipeline(spec, scripts, Objects.requireNonNull(console), meters);
    }

    /**
     * This pipeline recording its runs to {@code registry} (the meters of {@link FlowMeters},
     * tagged with {@code name}). Nothing is recorded to Micrometer's global registry.
     */
    public Pipeline withMeterRegistry(MeterRegistry registry, String name) {
        RunMeters m = new RunMeters(registry, name, scripts.stepNames());
        return new Pipeline(spec, scripts.withTimings(m.stepTimings()), console, m);
    }

    /**
     * How JavaScript runs in this JVM: {@code "interpreted"}, or {@code "optimizing (GraalVM CE)"}
     * when GraalJS's optimizing compiler is available. Starts the JavaScript engine: call off
     * non-blocking threads.
     */
    public static String javaScriptRuntime() {
        return JsEngine.runtime();
    }

    /**
     * Runs the first {@code records} records of {@code input} through the steps and shows what
     * each step made of them; nothing is written. Blocking: call off non-blocking threads.
     *
     * @param name how errors name the input
     */
    public Preview preview(InputStream input, String name, int records) {
        return preview(input, name, null, records);
    }

    private Preview preview(InputStream input, String name, String file, int records) {
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1");
        }
        return PreviewRun.of(spec, scripts, input, name, file, records, console);
    }

    /** {@link #preview(java.io.InputStream, String, int)} of a file (gzip or zstd decompressed); scripts see it as {@code ctx.file}. */
    public Preview preview(Path input, int records) {
        try (InputStream in = io.flowengine.internal.run.Codec.detected(Files.newInputStream(input))) {
            return preview(in, input.toString(), input.toString(), records);
        } catch (IOException e) {
            throw new FlowEngineException("cannot read " + input + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the pipeline's {@code tests:}: each test's input through the pipeline, its output
     * compared with the test's {@code expect}. The sink is the test's output whatever the pipeline
     * file says (an HTTP sink is not called). Blocking: call off non-blocking threads.
     */
    public List<TestResult> runTests() {
        PipelineSpec.SinkSpec sink = spec.sink();
        PipelineSpec local = spec.withSink(new PipelineSpec.SinkSpec(Optional.empty(), sink.csv(), sink.columns(), sink.mode(),
                Optional.empty()));
        Pipeline p = new Pipeline(local, scripts, console, null);
        // compiled steps must give GraalJS's results: each test runs on both, and fails if they differ
        Pipeline graal = scripts.compiled().isEmpty() ? null
                : of(local.withExecution(local.execution().withJavaScript(PipelineSpec.JavaScriptMode.GRAALJS)));
        return runTests(p, graal);
    }

    /** Runs the tests on {@code p} and, when {@code reference} is given, on it too, comparing the two. */
    List<TestResult> runTests(Pipeline p, Pipeline reference) {
        List<TestResult> results = new ArrayList<>();
        for (PipelineSpec.TestSpec test : spec.tests()) {
            TestResult r = p.runTest(test);
            results.add(reference == null ? r : r.against(reference.runTest(test)));
        }
        return results;
    }

    private TestResult runTest(PipelineSpec.TestSpec test) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path dead = null;
        try {
            RunRequest request = RunRequest.create()
                    .input(new ByteArrayInputStream(test.input().getBytes(spec.source().csv().encoding())), "test '" + test.name() + "'")
                    .output(out);
            if (spec.errors().onError() == ErrorPolicy.DEAD_LETTER) {
                dead = Files.createTempFile("flowengine-test-", ".dead-letters.csv");
                Files.delete(dead);
                request = request.deadLetter(dead);
            }
            RunSummary summary = run(request).block();
            String actual = summary.succeeded() ? out.toString(spec.sink().csv().encoding()) : "";
            String deadLetters = dead != null && Files.exists(dead) ? Files.readString(dead) : "";
            return new TestResult(test.name(), summary.succeeded() && TestResult.same(test.expect(), actual), test.expect(), actual,
                    summary, deadLetters);
        } catch (IOException e) {
            throw new FlowEngineException("cannot run test '" + test.name() + "': " + e.getMessage(), e);
        } finally {
            if (dead != null) {
                try {
                    Files.deleteIfExists(dead);
                } catch (IOException e) {
                    // a temporary file; nothing to lose
                }
            }
        }
    }

    public PipelineSpec spec() {
        return spec;
    }

    /**
     * Runs the pipeline from a file or stream to a file or stream. The output appears only when
     * the run succeeds; the summary says how it ended (the Mono itself does not fail for a
     * failed run).
     */
    public Mono<RunSummary> run(RunRequest request) {
        return FileRun.run(spec, scripts, request, request.progress().counters(), console, meters);
    }

    /**
     * A new run from bytes to bytes ({@code Flux<ByteBuffer>} in and out). {@code request} gives
     * the run id, the dead-letter file and the progress; the bytes are its input and output.
     */
    public ByteRun newByteRun(RunRequest request) {
        return new ByteRun(spec, scripts, request, console, meters);
    }

    /** A new run over an application's own {@code Flux} of rows. */
    public PipelineRun newRun() {
        return new PipelineRun(spec, scripts, console, meters);
    }
}
