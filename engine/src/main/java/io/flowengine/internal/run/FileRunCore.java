package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.InvalidRequestException;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.WriteMode;
import io.flowengine.Row;
import io.flowengine.RunRequest;
import io.flowengine.internal.csv.CsvWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run from a file or stream to a file, a stream or an HTTP sink, without its threading: the
 * open input and outputs, the {@link RunCore} that decides every record, and the commit (the
 * output appears only when the run succeeds) or abort (it is discarded; dead letters so far are
 * kept). A runner reads chunks with {@link #next}, has a {@link RailPool} process them, hands the
 * results here in input order, and ends with {@link #finish} and {@link #commit}, or {@link #abort}.
 * Blocking; used from one thread at a time.
 */
public final class FileRunCore {

    /** Where a run reads and writes, resolved. */
    public record Endpoints(Optional<Path> input, Optional<Path> output, Optional<Path> deadLetter, RunRequest request,
            List<Path> inputs) {

        /** One input (or a stream). */
        public Endpoints(Optional<Path> input, Optional<Path> output, Optional<Path> deadLetter, RunRequest request) {
            this(input, output, deadLetter, request, input.map(List::of).orElse(List.of()));
        }

        public String inputName() {
            return input.map(Path::toString).orElse(request.inputName());
        }

        /**
         * Where {@code request} reads and writes for {@code spec}: the request's paths, else the
         * pipeline's; checked to be distinct, writable kinds, and not a folder as input.
         */
        public static Endpoints resolve(PipelineSpec spec, RunRequest request) {
            List<Path> given = request.inputIsStream() ? List.of()
                    : !request.inputs().isEmpty() ? request.inputs() : spec.source().path().map(List::of).orElse(List.of());
            if (given.isEmpty() && !request.inputIsStream()) {
                throw new InvalidRequestException("the run has no input: the pipeline sets no source.path and none was given."
                        + " Set source.path, or pass --input (RunRequest.input when embedding)");
            }
            List<Path> inputs = new ArrayList<>();
            for (Path g : given) {
                inputs.addAll(InputPaths.expand(g));
            }
            Optional<Path> input = inputs.isEmpty() ? Optional.empty() : Optional.of(inputs.get(0));
            boolean http = spec.sink().http().isPresent();
            if (http && request.output().isPresent()) {
                throw new InvalidRequestException("the pipeline sends its rows to sink.http, so there is no output file;"
                        + " drop --output, or remove sink.http to write a file");
            }
            Optional<Path> output = request.outputIsStream() || http ? Optional.empty() : request.output().or(() -> spec.sink().path());
            if (output.isEmpty() && !http && !request.outputIsStream()) {
                throw new InvalidRequestException("the run has no output: the pipeline sets no sink.path and none was given."
                        + " Set sink.path, or pass --output (RunRequest.output when embedding)");
            }
            Optional<Path> deadLetter = Optional.empty();
            if (spec.errors().onError() == ErrorPolicy.DEAD_LETTER) {
                deadLetter = request.deadLetter().or(() -> spec.errors().deadLetter()).or(() -> output
                        .filter(p -> OutputPaths.kind(p, "output", "--output") == OutputPaths.Kind.FILE)
                        .map(Endpoints::besideOutput));
                if (deadLetter.isEmpty()) {
                    throw new InvalidRequestException("errors.onError is dead-letter and the output is "
                            + (http ? "sink.http" : output.isPresent() ? "the device or pipe " + output.get() : "stdout")
                            + ", so there is no place for dead letters by default. Pass --dead-letter FILE or set errors.deadLetter");
                }
            }
            for (Path in : inputs.isEmpty() ? List.<Path>of() : inputs) {
                OutputPaths.checkDistinct(Optional.of(in), output, deadLetter);
            }
            if (inputs.isEmpty()) {
                OutputPaths.checkDistinct(input, output, deadLetter);
            }
            output.ifPresent(p -> OutputPaths.kind(p, "output", "--output"));
            deadLetter.ifPresent(p -> OutputPaths.kind(p, "dead-letter file", "--dead-letter"));
            return new Endpoints(input, output, deadLetter, request, List.copyOf(inputs));
        }

        /** {@code out/orders.csv} → {@code out/orders.dead-letters.csv}. */
        static Path besideOutput(Path output) {
            String name = output.getFileName().toString().replaceFirst("\\.(csv|tsv|psv|txt)$", "");
            return output.resolveSibling(name + ".dead-letters.csv");
        }
    }

    private final PipelineSpec spec;
    private RecordSource source;
    /** The inputs, read one after the other (one, or none for a stream). */
    private final List<Path> inputs;
    private int inputIndex;
    /** The file being read, as scripts see it in {@code ctx.file}; null for a stream. */
    private String currentFile;
    /** The first input's columns, which every later input's header must equal. */
    private Columns firstColumns;
    /** The input of the chunk being written, for its dead letters' {@code _file}. */
    private String writingFile = "";
    private java.util.function.Consumer<String> notice = n -> { };
    /** With {@code source.unionColumns} and several inputs: the union of their headers; null otherwise. */
    private Columns union;
    private final AtomicOutput output;
    private final AtomicOutput deadLetters;
    private final ProgressCounters progress;
    private final RunCore core;
    private final CsvWriter deadLetterWriter = new CsvWriter(',', '"');
    private final StringBuilder csv = new StringBuilder(1 << 16);
    private final StringBuilder dlCsv = new StringBuilder();
    private DeadLetterFormat deadLetterFormat;
    private long seq;
    private boolean ended;

    private FileRunCore(PipelineSpec spec, RecordSource source, AtomicOutput output, AtomicOutput deadLetters,
            RunCounters counters, ProgressCounters progress, PipelineSpec.OutputFormat format, List<Path> inputs) {
        this.inputs = inputs;
        this.spec = spec;
        this.progress = progress;
        this.source = source;
        this.output = output;
        this.deadLetters = deadLetters;
        OutputStage stage = spec.sink().http().isPresent() ? OutputStage.unformatted()
                : new OutputStage(spec.sink().columns(), spec.sink().columns().isPresent(),
                        new CsvWriter(spec.sink().csv().delimiter(), spec.sink().csv().quote()), true, format);
        this.core = new RunCore(spec, counters, stage, this::deadLetter);
    }

    /** Opens the input and the outputs of {@code io}; the outputs are temporary files until {@link #commit}. */
    public static FileRunCore open(PipelineSpec spec, Endpoints io, RunCounters counters, ProgressCounters progress) {
        return open(spec, io, counters, progress, notice -> { });
    }

    /**
     * As above; {@code notice} is told what the user should know but that does not stop the run
     * (an input read as gzip although its name does not say so).
     */
    public static FileRunCore open(PipelineSpec spec, Endpoints io, RunCounters counters, ProgressCounters progress,
            java.util.function.Consumer<String> notice) {
        // the progress counts the bytes as stored, compressed or not, as the input's size does
        InputStream in = new Compressed(openInput(io, progress), io.inputName(), spec.source().compression(), notice);
        AtomicOutput output = null;
        try {
            PipelineSpec.Compression out = spec.sink().compression();
            output = spec.sink().http().isPresent() ? null
                    : io.output().isPresent()
                    ? AtomicOutput.create(io.output().get(), spec.sink().mode(), spec.sink().csv().encoding(), "output", "--output",
                            Codec.forOutput(out, io.output().get().toString()))
                    : AtomicOutput.stream(io.request().outputStream(), spec.sink().csv().encoding(), Codec.of(out));
            AtomicOutput dl = io.deadLetter().isPresent()
                    ? AtomicOutput.create(io.deadLetter().get(), WriteMode.REPLACE, StandardCharsets.UTF_8, "dead-letter file",
                            "--dead-letter", Codec.ofName(io.deadLetter().get().toString()))
                    : null;
            PipelineSpec.OutputFormat format = io.request().outputFormat().orElse(spec.sink().format())
                    .forName(io.output().map(Path::toString).orElse(null));
            FileRunCore core = new FileRunCore(spec, new RecordSource(in, spec.source(), io.inputName()), output, dl, counters,
                    progress, format, io.inputs());
            core.notice = notice;
            core.currentFile = io.input().map(Path::toString).orElse(null);
            if (io.inputs().size() > 1 && spec.source().layout().unionColumns() && spec.source().header()) {
                core.union = union(spec, io.inputs(), notice);
                core.firstColumns = core.union;
            }
            return core;
        } catch (RuntimeException e) {
            if (output != null) {
                output.abort();
            }
            closeQuietly(in);
            throw e;
        }
    }

    private static InputStream openInput(Endpoints io, ProgressCounters progress) {
        if (io.input().isEmpty()) {
            return counting(new FilterInputStream(io.request().inputStream()) {
                @Override
                public void close() {
                    // the caller's stream (stdin) stays open
                }
            }, progress);
        }
        Path path = io.input().get();
        try {
            long total = 0;
            for (Path p : io.inputs().isEmpty() ? List.of(path) : io.inputs()) {
                total += Files.isRegularFile(p) ? Files.size(p) : 0;
            }
            progress.totalBytes(total);
            return counting(Files.newInputStream(path), progress);
        } catch (NoSuchFileException e) {
            throw new FlowEngineException("the input file " + path + " does not exist. Check --input or source.path"
                    + " (relative to the pipeline file)");
        } catch (IOException e) {
            throw new FlowEngineException("cannot open the input file " + path + ": " + e.getMessage());
        }
    }

    private static InputStream counting(InputStream in, ProgressCounters progress) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    progress.addBytes(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    progress.addBytes(n);
                }
                return n;
            }
        };
    }

    /** The next chunk of the input, or null at its end. Blocking. */
    public Chunk next() {
        while (true) {
            Chunk c = source.next(seq++, spec.execution().chunkSize());
            if (firstColumns == null) {
                firstColumns = source.columns();
            }
            if (c != null) {
                progress.addRows(c.records());
                return (union != null ? toUnion(c) : c).from(currentFile);
            }
            if (inputIndex + 1 >= inputs.size()) {
                return null;
            }
            nextInput();
        }
    }

    /** The union of the inputs' headers, in the order the names first appear. */
    private static Columns union(PipelineSpec spec, List<Path> inputs, java.util.function.Consumer<String> notice) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (Path p : inputs) {
            try (RecordSource s = new RecordSource(new Compressed(Files.newInputStream(p), p.toString(), spec.source().compression(),
                    n -> { }), spec.source(), p.toString())) {
                if (s.start() && s.columns() != null) {
                    names.addAll(s.columns().names());
                }
            } catch (IOException e) {
                throw new FlowEngineException("cannot read the header of " + p + ": " + e.getMessage());
            }
        }
        return Columns.of(List.copyOf(names));
    }

    /** {@code c}'s rows with the union's columns: a file's missing columns are "". */
    private Chunk toUnion(Chunk c) {
        Row[] rows = c.rows();
        for (int i = 0; i < c.size(); i++) {
            Row r = rows[i];
            if (r.columns() == union) {
                continue;
            }
            String[] values = new String[union.size()];
            for (int k = 0; k < values.length; k++) {
                String v = r.get(union.name(k));
                values[k] = v == null ? "" : v;
            }
            rows[i] = Row.of(union, values, r.rowNumber(), r.line());
        }
        return c;
    }

    /** Moves on to the next input file, whose header must be the first's. */
    private void nextInput() {
        closeQuietly(source);
        Path path = inputs.get(++inputIndex);
        InputStream in;
        try {
            in = counting(Files.newInputStream(path), progress);
        } catch (NoSuchFileException e) {
            throw new FlowEngineException("the input file " + path + " does not exist. Check --input or source.path");
        } catch (IOException e) {
            throw new FlowEngineException("cannot open the input file " + path + ": " + e.getMessage());
        }
        source = new RecordSource(new Compressed(in, path.toString(), spec.source().compression(), notice), spec.source(),
                path.toString());
        currentFile = path.toString();
        if (source.start() && union == null && spec.source().header() && firstColumns != null && !firstColumns.equals(source.columns())) {
            throw new FlowEngineException(path + ": the header " + source.columns() + " differs from " + inputs.get(0) + "'s "
                    + firstColumns + ". Every input must have the same columns, in the same order (or set source.unionColumns: true"
                    + " to take the union of the headers)");
        }
    }

    /** Writes what the steps made of a chunk, in input order. */
    public synchronized void write(Processed p) {
        if (ended) {
            return;
        }
        fileOf(p);
        core.accept(p, csv);
        flush();
    }

    /** For an HTTP sink: the rows of {@code p} to send, each with its input record. */
    public synchronized List<Delivery.Item> items(Processed p) {
        List<Delivery.Item> items = new ArrayList<>(p.chunk().size());
        if (ended) {
            return items;
        }
        fileOf(p);
        core.accept(p, (row, from) -> items.add(new Delivery.Item(row, from)));
        flush();
        return items;
    }

    /** For an HTTP sink: a batch was delivered, or its records fail. */
    public synchronized void delivered(Delivery d) {
        if (ended || d.delivered()) {
            return;
        }
        String why = (d.failure() instanceof FlowEngineException fe ? fe.getMessage() : String.valueOf(d.failure()))
                + " (after " + d.attempts() + " attempt" + (d.attempts() == 1 ? "" : "s") + ")";
        d.forEachRecord(record -> core.failDelivered(record.get(0).from(), record.size(), why));
        flush();
    }

    /** Every chunk has been written. */
    public synchronized void finish() {
        if (ended) {
            return;
        }
        core.finish(csv);
        flush();
    }

    private void flush() {
        if (csv.length() > 0 && output != null) {
            output.write(csv);
            csv.setLength(0);
        }
        if (dlCsv.length() > 0) {
            deadLetters.write(dlCsv);
            dlCsv.setLength(0);
        }
    }

    private void fileOf(Processed p) {
        // the chunk knows its input
        writingFile = p.chunk().file() == null ? "" : p.chunk().file();
    }

    private void deadLetter(DeadLetter d) {
        if (deadLetterFormat == null) {
            Columns columns = firstColumns != null ? firstColumns : source.columns() != null ? source.columns() : Columns.of();
            deadLetterFormat = new DeadLetterFormat(columns, deadLetterWriter, inputs.size() > 1);
            deadLetterFormat.header(dlCsv);
        }
        deadLetterFormat.append(dlCsv, d, writingFile);
    }

    /** A dead-letter file always has its header, even when nothing failed. */
    private void deadLetterHeader() {
        Columns known = firstColumns != null ? firstColumns : source.columns();
        if (deadLetters != null && deadLetterFormat == null && known != null) {
            deadLetterFormat = new DeadLetterFormat(known, deadLetterWriter, inputs.size() > 1);
            deadLetterFormat.header(dlCsv);
        }
    }

    /** The run succeeded: the output and the dead letters take their places. */
    public synchronized void commit() {
        ended = true;
        try {
            deadLetterHeader();
            flush();
            if (output != null) {
                output.commit();
            }
        } finally {
            if (deadLetters != null) {
                deadLetters.commit();
            }
            closeQuietly(source);
            progress.markClosed();
        }
    }

    /** The run failed or was cancelled: the output is discarded; dead letters so far are kept. */
    public synchronized void abort() {
        if (ended) {
            return;
        }
        ended = true;
        if (output != null) {
            output.abort();
        }
        if (deadLetters != null) {
            try {
                deadLetterHeader();
                if (dlCsv.length() > 0) {
                    deadLetters.write(dlCsv);
                }
                deadLetters.commit();
            } catch (FlowEngineException e) {
                deadLetters.abort();
            }
        }
        closeQuietly(source);
        progress.markClosed();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing an input after the run: nothing to report
        }
    }
}
