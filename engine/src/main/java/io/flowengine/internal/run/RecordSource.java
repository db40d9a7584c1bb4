package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.SourceSpec;
import io.flowengine.Row;
import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import io.flowengine.internal.csv.CsvWriter;
import io.flowengine.internal.csv.DecodingReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV input as numbered chunks of rows. The header (or {@code c1..cN}) is read with the
 * first chunk; a record whose field count does not match it becomes a failure that keeps its
 * text. Blocking: call it on a thread that may block.
 */
public final class RecordSource implements Closeable {

    private final CsvReader reader;
    private final SourceSpec spec;
    private final String name;
    private final CsvWriter rawWriter;
    private Columns columns;
    private long rowNumber;
    private boolean started;
    /** What {@link #read()} read: a row, or a failure. */
    private Row row;
    private DeadLetter failure;

    public RecordSource(InputStream in, SourceSpec spec, String name) {
        this.spec = spec;
        this.name = name;
        DecodingReader decoder = new DecodingReader(in, spec.csv().encoding());
        this.reader = new CsvReader(decoder, spec.csv().delimiter(), spec.csv().quote(), spec.maxFieldSize(),
                spec.maxRecordSize(), decoder::errors);
        this.rawWriter = new CsvWriter(spec.csv().delimiter(), spec.csv().quote());
    }

    /** The input's columns; null until the first chunk has been read, or when the input is empty. */
    public Columns columns() {
        return columns;
    }

    /** The next chunk of at most {@code size} records, or null at the end of the input. */
    public Chunk next(long seq, int size) {
        Row[] rows = new Row[size];
        int n = 0;
        int records = 0;
        List<DeadLetter> malformed = List.of();
        while (records < size && read()) {
            records++;
            if (failure != null) {
                if (malformed.isEmpty()) {
                    malformed = new ArrayList<>();
                }
                malformed.add(failure);
            } else {
                rows[n++] = row;
            }
        }
        if (records == 0) {
            return null;
        }
        return new Chunk(seq, rows, n, malformed, records);
    }

    /**
     * The next record, or null at the end of the input: a row, or a record that cannot be one
     * (malformed, or with the wrong number of fields) as a failure in step {@code source} that
     * keeps its text. For a runner that numbers and groups records itself (Flink).
     */
    public Record nextRecord() {
        return read() ? new Record(row, failure) : null;
    }

    /** One record as read: exactly one of the two is set. */
    public record Record(Row row, DeadLetter failure) {
    }

    /**
     * Reads the header now, with {@code source.header: true}, so that {@link #columns()} is known
     * before the first record; does nothing otherwise. False when the input is empty.
     */
    public boolean start() {
        if (started) {
            return true;
        }
        started = true;
        try {
            return !spec.header() || readHeader();
        } catch (IOException e) {
            throw new FlowEngineException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** Reads one record into {@link #row} or {@link #failure}; false at the end of the input. */
    private boolean read() {
        try {
            if (!started && !start()) {
                return false;
            }
            CsvRecord rec = reader.next();
            if (rec == null) {
                return false;
            }
            long number = ++rowNumber;
            if (columns == null) {
                columns = Columns.numbered(rec.malformed() ? 1 : rec.fields().length);
            }
            String problem = rec.malformed() ? "malformed CSV: " + rec.error()
                    : rec.fields().length != columns.size() ? "the record has " + rec.fields().length
                            + " fields but the " + (spec.header() ? "header has " : "first record has ") + columns.size()
                            + ". Check for a missing or extra delimiter, or quote fields that contain one" : null;
            if (problem != null) {
                String raw = rec.malformed() ? rec.raw() : raw(rec.fields());
                row = null;
                failure = new DeadLetter(null, number, rec.line(), "source", problem, raw);
            } else {
                row = Row.of(columns, rec.fields(), number, rec.line());
                failure = null;
            }
            return true;
        } catch (IOException e) {
            throw new FlowEngineException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private boolean readHeader() throws IOException {
        CsvRecord header = reader.next();
        if (header == null) {
            return false;
        }
        if (header.malformed()) {
            throw new FlowEngineException(name + ":" + header.line() + ": the header is malformed CSV: " + header.error());
        }
        List<String> names = new ArrayList<>(List.of(header.fields()));
        Map<String, Integer> seen = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            Integer first = seen.putIfAbsent(names.get(i), i);
            if (first != null) {
                throw new FlowEngineException(name + ":" + header.line() + ": the header names column '" + names.get(i)
                        + "' twice (columns " + (first + 1) + " and " + (i + 1)
                        + "). Rename one, or set source.header: false to name columns c1, c2, ...");
            }
        }
        columns = Columns.of(names);
        return true;
    }

    private String raw(String[] fields) {
        StringBuilder sb = new StringBuilder();
        rawWriter.append(sb, fields, fields.length);
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
