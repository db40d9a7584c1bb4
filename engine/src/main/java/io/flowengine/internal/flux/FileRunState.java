package io.flowengine.internal.flux;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.WriteMode;
import io.flowengine.internal.csv.CsvWriter;
import io.flowengine.internal.run.AtomicOutput;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.DeadLetterFormat;
import io.flowengine.internal.run.FailurePolicy;
import io.flowengine.internal.run.Outcome;
import io.flowengine.internal.run.OutputStage;
import io.flowengine.internal.run.RecordSource;
import io.flowengine.internal.run.RunCounters;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.core.publisher.Flux;

/** The open files of one file run and what happens to each outcome; used from one thread at a time. */
final class FileRunState {

    private final PipelineSpec spec;
    private final RecordSource source;
    private final AtomicOutput output;
    private final AtomicOutput deadLetters;
    private final RunCounters counters;
    private final io.flowengine.RunProgress progress;
    private final OutputStage stage;
    private final FailurePolicy policy;
    private final CsvWriter deadLetterWriter;
    private final StringBuilder csv = new StringBuilder(1 << 16);
    private final StringBuilder dlCsv = new StringBuilder();
    private final ConcurrentLinkedQueue<Outcome> wholeChunkFailures = new ConcurrentLinkedQueue<>();
    private DeadLetterFormat deadLetterFormat;
    private boolean ended;

    private FileRunState(PipelineSpec spec, RecordSource source, AtomicOutput output, AtomicOutput deadLetters,
            RunCounters counters, io.flowengine.RunProgress progress) {
        this.spec = spec;
        this.progress = progress;
        this.source = source;
        this.output = output;
        this.deadLetters = deadLetters;
        this.counters = counters;
        this.stage = spec.sink().http().isPresent() ? OutputStage.unformatted()
                : new OutputStage(spec.sink().columns(), new CsvWriter(spec.sink().csv().delimiter(), spec.sink().csv().quote()));
        this.deadLetterWriter = new CsvWriter(',', '"');
        this.policy = new FailurePolicy(spec.errors().onError(), spec.errors().maxErrors(), counters, this::deadLetter);
    }

    static FileRunState open(PipelineSpec spec, FileRun.Endpoints io, RunCounters counters) {
        InputStream in = openInput(io);
        AtomicOutput output = null;
        try {
            output = spec.sink().http().isPresent() ? null
                    : io.output().isPresent()
                    ? AtomicOutput.create(io.output().get(), spec.sink().mode(), spec.sink().csv().encoding())
                    : AtomicOutput.stream(io.request().outputStream(), spec.sink().csv().encoding());
            AtomicOutput dl = io.deadLetter().isPresent()
                    ? AtomicOutput.create(io.deadLetter().get(), WriteMode.REPLACE, java.nio.charset.StandardCharsets.UTF_8,
                            "dead-letter file", "--dead-letter")
                    : null;
            return new FileRunState(spec, new RecordSource(in, spec.source(), io.inputName()), output, dl, counters,
                    io.request().progress());
        } catch (RuntimeException e) {
            if (output != null) {
                output.abort();
            }
            closeQuietly(in);
            throw e;
        }
    }

    private static InputStream openInput(FileRun.Endpoints io) {
        if (io.input().isEmpty()) {
            return counting(new FilterInputStream(io.request().inputStream()) {
                @Override
                public void close() {
                    // the caller's stream (stdin) stays open
                }
            }, io.request().progress());
        }
        Path path = io.input().get();
        try {
            io.request().progress().totalBytes(Files.size(path));
            return counting(Files.newInputStream(path), io.request().progress());
        } catch (NoSuchFileException e) {
            throw new FlowEngineException("the input file " + path + " does not exist. Check --input or source.path"
                    + " (relative to the pipeline file)");
        } catch (IOException e) {
            throw new FlowEngineException("cannot open the input file " + path + ": " + e.getMessage());
        }
    }

    private static InputStream counting(InputStream in, io.flowengine.RunProgress progress) {
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

    Flux<Chunk> chunks() {
        int size = spec.execution().chunkSize();
        return Flux.generate(() -> 0L, (seq, sink) -> {
            Chunk c = source.next(seq, size);
            if (c == null) {
                sink.complete();
            } else {
                progress.addRows(c.records());
                sink.next(c);
            }
            return seq + 1;
        });
    }

    /** Called by the step stage, from any thread, for a chunk whose processing failed as a whole. */
    void wholeChunkFailed(Outcome outcome) {
        wholeChunkFailures.add(outcome);
    }

    synchronized void write(Outcome outcome) {
        if (ended) {
            return;
        }
        drainWholeChunkFailures();
        stage.accept(outcome, csv, policy, counters);
        flush();
    }

    synchronized void finish() {
        if (ended) {
            return;
        }
        drainWholeChunkFailures();
        policy.checkNotAllFailed();
        stage.finish(csv);
        flush();
    }

    private void drainWholeChunkFailures() {
        Outcome o;
        while ((o = wholeChunkFailures.poll()) != null) {
            stage.accept(o, csv, policy, counters);
        }
    }

    /** For an HTTP sink: the rows of {@code outcome} to send, each with its input record. */
    synchronized java.util.List<HttpSink.Item> items(Outcome outcome) {
        java.util.List<HttpSink.Item> items = new java.util.ArrayList<>(outcome.size());
        if (ended) {
            return items;
        }
        drainWholeChunkFailures();
        stage.acceptWithInputs(outcome, policy, counters, (row, from) -> items.add(new HttpSink.Item(row, from)));
        flush();
        return items;
    }

    /** For an HTTP sink: a batch was delivered, or its records fail. */
    synchronized void delivered(HttpSink.Delivery d) {
        if (ended || d.delivered()) {
            return;
        }
        String why = (d.failure() instanceof FlowEngineException fe ? fe.getMessage() : String.valueOf(d.failure()))
                + " (after " + d.attempts() + " attempt" + (d.attempts() == 1 ? "" : "s") + ")";
        HttpSink.forEachRecord(d.items(), record -> {
            io.flowengine.Row from = record.get(0).from();
            counters.undeliver(record.size());
            policy.accept(new DeadLetter(from, from.rowNumber(), from.line(), "sink", why, ""));
        });
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

    private void deadLetter(DeadLetter d) {
        if (deadLetterFormat == null) {
            Columns columns = source.columns() != null ? source.columns() : Columns.of();
            deadLetterFormat = new DeadLetterFormat(columns, deadLetterWriter);
            deadLetterFormat.header(dlCsv);
        }
        deadLetterFormat.append(dlCsv, d);
    }

    /** A dead-letter file always has its header, even when nothing failed. */
    private void deadLetterHeader() {
        if (deadLetters != null && deadLetterFormat == null && source.columns() != null) {
            deadLetterFormat = new DeadLetterFormat(source.columns(), deadLetterWriter);
            deadLetterFormat.header(dlCsv);
        }
    }

    synchronized void commit() {
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
    synchronized void abort() {
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

    static FlowEngineException userError(Throwable e) {
        Throwable t = reactor.core.Exceptions.unwrap(e);
        for (Throwable each : reactor.core.Exceptions.unwrapMultiple(t)) {
            if (reactor.core.Exceptions.unwrap(each) instanceof FlowEngineException fe) {
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

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing an input after the run: nothing to report
        }
    }
}
