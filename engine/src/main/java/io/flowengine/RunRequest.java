package io.flowengine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a file run reads and writes. Anything left unset comes from the pipeline file
 * ({@code source.path}, {@code sink.path}, {@code errors.deadLetter}), and failing that from the
 * standard streams. Immutable: every setter returns a changed copy.
 */
public final class RunRequest {

    private final Optional<Path> input;
    private final Optional<Path> output;
    private final Optional<Path> deadLetter;
    private final boolean stdin;
    private final boolean stdout;
    private final InputStream in;
    private final OutputStream out;
    private final RunProgress progress;
    private final String inputName;
    private final String runId;

    private RunRequest(Optional<Path> input, Optional<Path> output, Optional<Path> deadLetter, boolean stdin,
            boolean stdout, InputStream in, OutputStream out, RunProgress progress, String inputName, String runId) {
        this.runId = runId;
        this.progress = progress;
        this.inputName = inputName;
        this.input = input;
        this.output = output;
        this.deadLetter = deadLetter;
        this.stdin = stdin;
        this.stdout = stdout;
        this.in = in;
        this.out = out;
    }

    /** A request that takes everything from the pipeline file; standard streams as fallback. */
    public static RunRequest create() {
        return new RunRequest(Optional.empty(), Optional.empty(), Optional.empty(), false, false, System.in, System.out, new RunProgress(), "stdin", null);
    }

    public RunRequest input(Path path) {
        return new RunRequest(Optional.of(path), output, deadLetter, false, stdout, in, out, progress, inputName, runId);
    }

    /** Read from {@code stream} (not closed by the run) rather than a file. */
    public RunRequest input(InputStream stream) {
        return new RunRequest(Optional.empty(), output, deadLetter, true, stdout, stream, out, progress, inputName, runId);
    }

    /** Read from {@code stream}, called {@code name} in messages ("the upload"). */
    public RunRequest input(InputStream stream, String name) {
        return new RunRequest(Optional.empty(), output, deadLetter, true, stdout, stream, out, progress, name, runId);
    }

    /** The run's id, on every log line of the run; by default a new random one. */
    public RunRequest runId(String id) {
        return new RunRequest(input, output, deadLetter, stdin, stdout, in, out, progress, inputName, java.util.Objects.requireNonNull(id));
    }

    /** The run id set with {@link #runId(String)}, if any. */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    /** What messages call the input when it is a stream. */
    public String inputName() {
        return inputName;
    }

    public RunRequest output(Path path) {
        return new RunRequest(input, Optional.of(path), deadLetter, stdin, false, in, out, progress, inputName, runId);
    }

    /** Write to {@code stream} (flushed, not closed by the run) rather than a file. */
    public RunRequest output(OutputStream stream) {
        return new RunRequest(input, Optional.empty(), deadLetter, stdin, true, in, stream, progress, inputName, runId);
    }

    public RunRequest deadLetter(Path path) {
        return new RunRequest(input, output, Optional.of(path), stdin, stdout, in, out, progress, inputName, runId);
    }

    /** Report live counts to {@code progress}. */
    public RunRequest progress(RunProgress progress) {
        return new RunRequest(input, output, deadLetter, stdin, stdout, in, out, progress, inputName, runId);
    }

    public RunProgress progress() {
        return progress;
    }

    public Optional<Path> input() {
        return input;
    }

    public Optional<Path> output() {
        return output;
    }

    public Optional<Path> deadLetter() {
        return deadLetter;
    }

    /** True when the input is a stream given with {@link #input(InputStream)}. */
    public boolean inputIsStream() {
        return stdin;
    }

    /** True when the output is a stream given with {@link #output(OutputStream)}. */
    public boolean outputIsStream() {
        return stdout;
    }

    public InputStream inputStream() {
        return in;
    }

    public OutputStream outputStream() {
        return out;
    }
}
