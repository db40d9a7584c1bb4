package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.PipelineSpec;
import io.flowengine.Row;
import io.flowengine.internal.csv.CsvWriter;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Fits produced rows to the output header and formats them as CSV. Runs sequentially, in output
 * order. The header is {@code sink.columns} or, by default, the columns of the first output row;
 * a row that lacks an output column — or, with the default header, has a column the header does
 * not — fails as a whole record: none of that record's rows is written.
 */
public final class OutputStage {

    private final CsvWriter writer;
    private final boolean explicit;
    private final boolean writeHeader;
    private final PipelineSpec.OutputFormat format;
    /** The output columns' names as JSON keys ({@code "name":}), for the JSON formats. */
    private String[] keys;
    private boolean firstObject = true;
    private Columns header;
    private String[] fields = new String[0];
    private boolean headerWritten;

    public OutputStage(Optional<List<String>> columns, CsvWriter writer) {
        this(columns, writer, true);
    }

    /**
     * @param writeHeader false: the rows only, for a runner that writes the header itself (Flink
     *     writes it at the top of every part file; see {@link #header()})
     */
    public OutputStage(Optional<List<String>> columns, CsvWriter writer, boolean writeHeader) {
        this(columns, columns.isPresent(), writer, writeHeader);
    }

    /**
     * @param explicit whether {@code columns} are {@code sink.columns}; false: they are the columns
     *     of the first output row, found beforehand (Flink: the client previews the first input
     *     file so that every subtask fits rows to the header {@code flowengine run} would take)
     */
    public OutputStage(Optional<List<String>> columns, boolean explicit, CsvWriter writer, boolean writeHeader) {
        this(columns, explicit, writer, writeHeader, PipelineSpec.OutputFormat.CSV);
    }

    /** @param format CSV, or NDJSON / JSON (objects with the output columns as keys, in order) */
    public OutputStage(Optional<List<String>> columns, boolean explicit, CsvWriter writer, boolean writeHeader,
            PipelineSpec.OutputFormat format) {
        this.format = format;
        this.writeHeader = writeHeader;
        this.writer = writer;
        this.explicit = explicit;
        this.header = columns.map(Columns::of).orElse(null);
    }

    /** An output stage that hands rows on as they are, with no header to fit (embedding). */
    public static OutputStage unformatted() {
        return new OutputStage(Optional.empty(), null);
    }

    /**
     * Appends the rows of {@code outcome} that fit to {@code csv}, failing the records that do not
     * through {@code policy}, and counts every record of the outcome.
     */
    public void accept(Outcome outcome, StringBuilder csv, FailurePolicy policy, RunCounters counters) {
        accept(outcome, policy, counters, (row, from) -> write(row, csv), () -> writeHeaderOnce(csv));
    }

    /** Hands the rows of {@code outcome} to {@code rows}, failing records through {@code policy}. */
    public void accept(Outcome outcome, FailurePolicy policy, RunCounters counters, Consumer<Row> rows) {
        accept(outcome, policy, counters, (row, from) -> rows.accept(row), () -> { });
    }

    /** Hands each row of {@code outcome} with the input row it came from to {@code rows}. */
    public void acceptWithInputs(Outcome outcome, FailurePolicy policy, RunCounters counters,
            BiConsumer<Row, Row> rows) {
        accept(outcome, policy, counters, rows, () -> { });
    }

    /**
     * Gives every input record of {@code outcome} exactly one outcome, in record order: written
     * (all of its rows fit), filtered, or failed. The counts are added as the records are
     * decided, so a run that stops at a failure has counted exactly the records up to it.
     */
    private void accept(Outcome outcome, FailurePolicy policy, RunCounters counters,
            BiConsumer<Row, Row> rows, Runnable beforeFirstRow) {
        counters.addIn(outcome.records());
        List<DeadLetter> failures = outcome.failures();
        long[] filteredRows = outcome.filteredRows();
        int nextFailure = 0;
        int nextFiltered = 0;
        int i = 0;
        long records = 0;
        long written = 0;
        long filtered = 0;
        try {
            while (i < outcome.size()) {
                Row input = outcome.from()[i];
                int end = i + 1;
                while (end < outcome.size() && outcome.from()[end] == input) {
                    end++;
                }
                while (nextFiltered < outcome.filtered() && filteredRows[nextFiltered] < input.rowNumber()) {
                    nextFiltered++;
                    filtered++;
                }
                while (nextFailure < failures.size() && failures.get(nextFailure).rowNumber() < input.rowNumber()) {
                    policy.accept(failures.get(nextFailure++));
                }
                String misfit = null;
                for (int r = i; r < end && misfit == null && writer != null; r++) {
                    misfit = fit(outcome.produced()[r]);
                }
                if (misfit != null) {
                    policy.accept(new DeadLetter(input, input.rowNumber(), input.line(), "sink", misfit, ""));
                } else {
                    beforeFirstRow.run();
                    for (int r = i; r < end; r++) {
                        rows.accept(outcome.produced()[r], input);
                    }
                    records++;
                    written += end - i;
                }
                i = end;
            }
            filtered += outcome.filtered() - nextFiltered;
            nextFiltered = outcome.filtered();
            while (nextFailure < failures.size()) {
                policy.accept(failures.get(nextFailure++));
            }
        } finally {
            counters.addFiltered(filtered);
            counters.addOut(records, written);
        }
    }

    /** Writes the header if there is one to write and it has not been written (e.g. no rows at all); closes a JSON array. */
    public void finish(StringBuilder csv) {
        if (format == PipelineSpec.OutputFormat.JSON) {
            csv.append(firstObject ? "[]\n" : "\n]\n");
            return;
        }
        if (header != null && format == PipelineSpec.OutputFormat.CSV) {
            writeHeaderOnce(csv);
        }
    }

    /** The output header: {@code sink.columns}, else the columns of the first output row; null before that row. */
    public Columns header() {
        return header;
    }

    /** Why {@code row} does not fit the output header, or null when it does. */
    private String fit(Row row) {
        if (header == null) {
            header = row.columns();
            return null;
        }
        if (row.columns() == header) {
            return null;
        }
        if (row.columns().equals(header)) {
            // the same names in the same order (a header known beforehand): rows with this instance fit at once
            header = row.columns();
            return null;
        }
        for (int c = 0; c < header.size(); c++) {
            if (row.columns().indexOf(header.name(c)) < 0) {
                return "the output row has no column '" + header.name(c) + "', which the output header " + header
                        + " needs. Set it in every row (even to \"\")" + (explicit ? "" : " or list the columns in sink.columns");
            }
        }
        if (!explicit && row.columns().size() != header.size()) {
            for (String name : row.columns().names()) {
                if (header.indexOf(name) < 0) {
                    return "the output row has a column '" + name + "' that the output header " + header
                            + " (the columns of the first output row) lacks. List every column in sink.columns,"
                            + " or give every row the same columns";
                }
            }
        }
        return null;
    }

    private void writeHeaderOnce(StringBuilder csv) {
        if (!headerWritten) {
            headerWritten = true;
            if (writeHeader && format == PipelineSpec.OutputFormat.CSV) {
                writer.append(csv, header.names());
            }
            fields = new String[header.size()];
            if (format != PipelineSpec.OutputFormat.CSV) {
                keys = new String[header.size()];
                for (int c = 0; c < keys.length; c++) {
                    keys[c] = (c == 0 ? "{" : ",") + quoted(header.name(c)) + ":";
                }
            }
        }
    }

    private static String quoted(String s) {
        return "\"" + new String(JSON.quoteAsString(s)) + "\"";
    }

    private static final com.fasterxml.jackson.core.io.JsonStringEncoder JSON = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();

    /** One row as a JSON object: keys in the output columns' order, values as strings (null as null). */
    private void writeObject(StringBuilder out) {
        if (format == PipelineSpec.OutputFormat.JSON) {
            out.append(firstObject ? "[\n" : ",\n");
        }
        firstObject = false;
        for (int c = 0; c < fields.length; c++) {
            out.append(keys[c]);
            if (fields[c] == null) {
                out.append("null");
            } else {
                out.append('"');
                JSON.quoteAsString(fields[c], out);
                out.append('"');
            }
        }
        out.append(fields.length == 0 ? "{}" : "}");
        if (format == PipelineSpec.OutputFormat.NDJSON) {
            out.append('\n');
        }
    }

    private void write(Row row, StringBuilder csv) {
        if (row.columns() == header) {
            for (int c = 0; c < fields.length; c++) {
                fields[c] = row.get(c);
            }
        } else {
            Columns rc = row.columns();
            for (int c = 0; c < fields.length; c++) {
                fields[c] = row.get(rc.indexOf(header.name(c)));
            }
        }
        if (format == PipelineSpec.OutputFormat.CSV) {
            writer.append(csv, fields, fields.length);
        } else {
            writeObject(csv);
        }
    }
}
