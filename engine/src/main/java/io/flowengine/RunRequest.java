package io.flowengine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a file run reads and writes. Anything left unset comes from the pipeline file
 * ({@code source.path}, {@code sink.path}, {@code errors.deadLetter}). A run with neither fails
 * with a message that says so: the engine never binds the process's standard streams by itself
 * (the CLI passes them as streams). Immutable: every setter returns a changed copy.
 */
public final class RunRequest {

    private Optional<Path> input = Optional.empty();
    /** The inputs after the first, read after it as one stream. */
    private List<Path> moreInputs = List.of();
    private Optional<Path> output = Optional.empty();
    private Optional<Path> deadLetter = Optional.empty();
    private InputStream in;
    private OutputStream out;
    private RunProgress progress = new RunProgress();
    private String inputName = "the input stream";
    private String runId;
    private PipelineSpec.OutputFormat format;

    private RunRequest() {
    }

    /** A request that takes everything from the pipeline file. */
    public static RunRequest create() {
        return new RunRequest();
    }

    /** A copy of this request with {@code change} applied to it. */
    private RunRequest with(Consumer<RunRequest> change) {
        RunRequest r = new RunRequest();
        r.input = input;
        r.moreInputs = moreInputs;
        r.output = output;
        r.deadLetter = deadLetter;
        r.in = in;
        r.out = out;
        r.progress = progress;
        r.inputName = inputName;
        r.runId = runId;
        r.format = format;
        change.accept(r);
        return r;
    }

    public RunRequest input(Path path) {
        Objects.requireNonNull(path);
        return with(r -> {
            r.input = Optional.of(path);
            r.moreInputs = List.of();
            r.in = null;
        });
    }

    /**
     * Read these files in order, as one input; each file's header must be the first's. A path may
     * be a folder (its files) or a glob ({@code in/orders-*.csv}).
     */
    public RunRequest inputs(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no inputs");
        }
        return with(r -> {
            r.input = Optional.of(paths.get(0));
            r.moreInputs = List.copyOf(paths.subList(1, paths.size()));
            r.in = null;
        });
    }

    /** Every input path given, in order (empty for a stream or none). */
    public List<Path> inputs() {
        if (input.isEmpty()) {
            return List.of();
        }
        List<Path> all = new java.util.ArrayList<>();
        all.add(input.get());
        all.addAll(moreInputs);
        return all;
    }

    /** Read from {@code stream} (not closed by the run) rather than a file. */
    public RunRequest input(InputStream stream) {
        return input(stream, "the input stream");
    }

    /** Read from {@code stream}, called {@code name} in messages ("the upload", "stdin"). */
    public RunRequest input(InputStream stream, String name) {
        Objects.requireNonNull(stream);
        Objects.requireNonNull(name);
        return with(r -> {
            r.input = Optional.empty();
            r.moreInputs = List.of();
            r.in = stream;
            r.inputName = name;
        });
    }

    /** What messages call the input when it is a stream ("the upload"); the default is "the input stream". */
    public RunRequest inputName(String name) {
        Objects.requireNonNull(name);
        return with(r -> r.inputName = name);
    }

    /** The run's id, on every log line of the run; by default a new random one. */
    public RunRequest runId(String id) {
        Objects.requireNonNull(id);
        return with(r -> r.runId = id);
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
        Objects.requireNonNull(path);
        return with(r -> {
            r.output = Optional.of(path);
            r.out = null;
        });
    }

    /** Write to {@code stream} (flushed, not closed by the run) rather than a file. */
    public RunRequest output(OutputStream stream) {
        Objects.requireNonNull(stream);
        return with(r -> {
            r.output = Optional.empty();
            r.out = stream;
        });
    }

    public RunRequest deadLetter(Path path) {
        Objects.requireNonNull(path);
        return with(r -> r.deadLetter = Optional.of(path));
    }

    /** Report live counts to {@code progress}. */
    /**
     * Writes the output as {@code format} whatever {@code sink.format} says (a server answering
     * {@code Accept: application/x-ndjson}).
     */
    public RunRequest outputFormat(PipelineSpec.OutputFormat format) {
        return with(r -> r.format = format);
    }

    /** The format asked for with {@link #outputFormat}, if any. */
    public Optional<PipelineSpec.OutputFormat> outputFormat() {
        return Optional.ofNullable(format);
    }

    public RunRequest progress(RunProgress progress) {
        Objects.requireNonNull(progress);
        return with(r -> r.progress = progress);
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
        return in != null;
    }

    /** True when the output is a stream given with {@link #output(OutputStream)}. */
    public boolean outputIsStream() {
        return out != null;
    }

    /** The input stream; null unless one was given. */
    public InputStream inputStream() {
        return in;
    }

    /** The output stream; null unless one was given. */
    public OutputStream outputStream() {
        return out;
    }
}
