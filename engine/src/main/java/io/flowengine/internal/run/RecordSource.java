package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
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
    private final PipelineSpec.Layout layout;
    /** The input's lines, for NDJSON; null for CSV. */
    private final java.io.BufferedReader lines;
    private long jsonLine;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private Columns columns;
    /** How many fields a record should have: the columns', less {@code _extra} under {@code ragged: keep}. */
    private int fieldCount;
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
        this.layout = ndjsonName(name) && !spec.layout().ndjson() ? withNdjson(spec.layout()) : spec.layout();
        if (layout.comment() != null) {
            reader.comment(layout.comment());
        }
        this.lines = layout.ndjson() ? new java.io.BufferedReader(decoder, 1 << 16) : null;
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
            if (lines != null) {
                for (int i = 0; i < layout.skipLines(); i++) {
                    if (lines.readLine() == null) {
                        return false;
                    }
                    jsonLine++;
                }
                if (layout.columns() != null) {
                    setColumns(layout.columns());
                }
                return true;
            }
            if (!reader.skipLines(layout.skipLines())) {
                return false;
            }
            if (!spec.header() && layout.columns() != null) {
                setColumns(layout.columns());
            }
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
            if (lines != null) {
                return readJson();
            }
            CsvRecord rec = reader.next();
            if (rec == null) {
                return false;
            }
            long number = ++rowNumber;
            if (columns == null) {
                setColumns(Columns.numbered(rec.malformed() ? 1 : rec.fields().length).names());
            }
            String problem = null;
            String[] values = null;
            if (rec.malformed()) {
                problem = "malformed CSV: " + rec.error();
            } else {
                values = fit(rec.fields());
                if (values == null) {
                    int n = rec.fields().length;
                    problem = "the record has " + n + " fields but the " + (spec.header() ? "header has " : layout.columns() != null
                            ? "source.columns name " : "first record has ") + fieldCount + ". Check for a missing or extra"
                            + " delimiter, or quote fields that contain one" + (layout.ragged() == PipelineSpec.Ragged.ERROR
                            ? " (source.ragged: pad pads short records; keep also keeps extra fields in _extra)"
                            : " (its extra fields are not empty: source.ragged: keep keeps them in _extra)");
                }
            }
            if (problem != null) {
                String raw = rec.malformed() ? rec.raw() : raw(rec.fields());
                row = null;
                failure = new DeadLetter(null, number, rec.line(), "source", problem, raw);
            } else {
                row = Row.of(columns, values, number, rec.line());
                failure = null;
            }
            return true;
        } catch (IOException e) {
            throw new FlowEngineException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code name} says NDJSON: {@code .ndjson} or {@code .jsonl}, perhaps with {@code .gz} or {@code .zst} after it. */
    public static boolean ndjsonName(String name) {
        String n = Codec.withoutExtension(name.toLowerCase(java.util.Locale.ROOT));
        return n.endsWith(".ndjson") || n.endsWith(".jsonl");
    }

    private static PipelineSpec.Layout withNdjson(PipelineSpec.Layout l) {
        return new PipelineSpec.Layout(l.ragged(), l.trimHeaders(), l.columns(), l.skipLines(), l.comment(), true, l.unionColumns());
    }

    /** Reads one NDJSON line into {@link #row} or {@link #failure}; false at the end. */
    private boolean readJson() throws IOException {
        String text;
        do {
            text = lines.readLine();
            jsonLine++;
        } while (text != null && (text.isBlank() || layout.comment() != null && text.startsWith(layout.comment().toString())));
        if (text == null) {
            return false;
        }
        long number = ++rowNumber;
        String problem = null;
        String[] values = null;
        com.fasterxml.jackson.databind.JsonNode node = null;
        try {
            node = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problem = "malformed JSON: " + e.getOriginalMessage();
        }
        if (problem == null && (node == null || !node.isObject())) {
            problem = "the line is not a JSON object, as every line of an NDJSON input must be";
        }
        if (problem == null) {
            if (columns == null) {
                List<String> names = new ArrayList<>();
                node.fieldNames().forEachRemaining(names::add);
                setColumns(names);
            }
            values = new String[columns.size()];
            List<String> missing = new ArrayList<>();
            for (int c = 0; c < fieldCount; c++) {
                com.fasterxml.jackson.databind.JsonNode v = node.get(columns.name(c));
                if (v == null) {
                    missing.add(columns.name(c));
                    values[c] = "";
                } else {
                    values[c] = text(v);
                }
            }
            com.fasterxml.jackson.databind.node.ObjectNode extra = JSON.createObjectNode();
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : node.properties()) {
                if (columns.indexOf(e.getKey()) < 0 || columns.indexOf(e.getKey()) >= fieldCount) {
                    extra.set(e.getKey(), e.getValue());
                }
            }
            boolean extraEmpty = true;
            for (com.fasterxml.jackson.databind.JsonNode v : (Iterable<com.fasterxml.jackson.databind.JsonNode>) extra::elements) {
                extraEmpty &= v.isNull() || v.isTextual() && v.asText().isEmpty();
            }
            boolean keep = layout.ragged() == PipelineSpec.Ragged.KEEP;
            if (layout.ragged() == PipelineSpec.Ragged.ERROR && (!missing.isEmpty() || !extra.isEmpty())
                    || layout.ragged() == PipelineSpec.Ragged.PAD && !extraEmpty) {
                List<String> more = new ArrayList<>();
                extra.fieldNames().forEachRemaining(more::add);
                problem = "the object's keys differ from the columns " + columns + " (the first object's keys)"
                        + (missing.isEmpty() ? "" : ": it lacks " + missing) + (more.isEmpty() ? "" : (missing.isEmpty() ? ":" : ",")
                        + " it has " + more + " too") + (layout.ragged() == PipelineSpec.Ragged.ERROR
                        ? ". source.ragged: pad fills missing keys with \"\"; keep also keeps other keys in _extra"
                        : ". source.ragged: keep keeps other keys in _extra");
            } else if (keep) {
                values[fieldCount] = extra.isEmpty() || extraEmpty ? "" : extra.toString();
            }
        }
        if (problem != null) {
            row = null;
            failure = new DeadLetter(null, number, jsonLine, "source", problem, text);
        } else {
            row = Row.of(columns, values, number, jsonLine);
            failure = null;
        }
        return true;
    }

    /** A JSON value as a field: a string as it is, null as "", anything else as its JSON text. */
    private static String text(com.fasterxml.jackson.databind.JsonNode v) {
        return v.isTextual() ? v.asText() : v.isNull() ? "" : v.isBigDecimal() ? v.decimalValue().toPlainString() : v.toString();
    }

    /** The columns, with {@code _extra} after them under {@code ragged: keep}. */
    private void setColumns(List<String> names) {
        fieldCount = names.size();
        if (layout.ragged() == PipelineSpec.Ragged.KEEP) {
            List<String> all = new ArrayList<>(names);
            String extra = "_extra";
            while (all.contains(extra)) {
                extra += "_";
            }
            all.add(extra);
            columns = Columns.of(all);
        } else {
            columns = Columns.of(names);
        }
    }

    /** The record's values fitted to the columns under {@code source.ragged}; null when it does not fit. */
    private String[] fit(String[] fields) {
        int n = fields.length;
        boolean keep = layout.ragged() == PipelineSpec.Ragged.KEEP;
        if (n == fieldCount && !keep) {
            return fields;
        }
        if (n != fieldCount && layout.ragged() == PipelineSpec.Ragged.ERROR) {
            return null;
        }
        String[] values = new String[columns.size()];
        for (int i = 0; i < fieldCount; i++) {
            values[i] = i < n ? fields[i] : "";
        }
        if (n > fieldCount) {
            boolean empty = true;
            for (int i = fieldCount; i < n && empty; i++) {
                empty = fields[i].isEmpty();
            }
            if (!empty && !keep) {
                return null;
            }
            if (keep) {
                values[fieldCount] = empty ? "" : raw(java.util.Arrays.copyOfRange(fields, fieldCount, n));
            }
        } else if (keep) {
            values[fieldCount] = "";
        }
        return values;
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
        if (layout.trimHeaders()) {
            names.replaceAll(String::strip);
        }
        if (layout.columns() != null) {
            if (layout.columns().size() != names.size()) {
                throw new FlowEngineException(name + ":" + header.line() + ": source.columns names " + layout.columns().size()
                        + " columns but the header has " + names.size() + " " + names + ". Name every column of the header,"
                        + " in order (or set source.header: false to name the columns of a file without one)");
            }
            names = new ArrayList<>(layout.columns());
        }
        Map<String, Integer> seen = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            Integer first = seen.putIfAbsent(names.get(i), i);
            if (first != null) {
                throw new FlowEngineException(name + ":" + header.line() + ": the header names column '" + names.get(i)
                        + "' twice (columns " + (first + 1) + " and " + (i + 1)
                        + "). Rename one, or set source.header: false to name columns c1, c2, ...");
            }
        }
        setColumns(names);
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
