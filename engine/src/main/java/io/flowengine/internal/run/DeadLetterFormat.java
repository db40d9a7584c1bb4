package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.internal.csv.CsvWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead-letter CSV: the input's columns as read, then {@code _row}, {@code _line},
 * {@code _step}, {@code _error} and {@code _raw} (the raw text of a record that could not be
 * parsed; empty otherwise).
 */
public final class DeadLetterFormat {

    public static final List<String> META = List.of("_row", "_line", "_step", "_error", "_raw");

    private final Columns input;
    private final CsvWriter writer;
    private final String[] fields;
    private final boolean withFile;

    public DeadLetterFormat(Columns input, CsvWriter writer) {
        this(input, writer, false);
    }

    /** @param withFile a last column {@code _file}: the input a record came from (a run of several inputs) */
    public DeadLetterFormat(Columns input, CsvWriter writer, boolean withFile) {
        this.input = input;
        this.writer = writer;
        this.withFile = withFile;
        this.fields = new String[input.size() + META.size() + (withFile ? 1 : 0)];
    }

    public void header(StringBuilder csv) {
        List<String> names = new ArrayList<>(input.names());
        for (String m : META) {
            names.add(input.indexOf(m) >= 0 ? m + "_" : m);
        }
        if (withFile) {
            names.add(input.indexOf("_file") >= 0 ? "_file_" : "_file");
        }
        writer.append(csv, names);
    }

    public void append(StringBuilder csv, DeadLetter d) {
        append(csv, d, "");
    }

    /** As above, from input {@code file} (the {@code _file} column, when there is one). */
    public void append(StringBuilder csv, DeadLetter d, String file) {
        int n = input.size();
        for (int c = 0; c < n; c++) {
            String v = d.input() == null ? null : d.input().get(input.name(c));
            fields[c] = v == null ? "" : v;
        }
        fields[n] = Long.toString(d.rowNumber());
        fields[n + 1] = Long.toString(d.line());
        fields[n + 2] = d.step();
        fields[n + 3] = d.error();
        fields[n + 4] = d.raw();
        if (withFile) {
            fields[n + 5] = file;
        }
        writer.append(csv, fields, fields.length);
    }
}
