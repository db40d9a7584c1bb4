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

    public DeadLetterFormat(Columns input, CsvWriter writer) {
        this.input = input;
        this.writer = writer;
        this.fields = new String[input.size() + META.size()];
    }

    public void header(StringBuilder csv) {
        List<String> names = new ArrayList<>(input.names());
        for (String m : META) {
            names.add(input.indexOf(m) >= 0 ? m + "_" : m);
        }
        writer.append(csv, names);
    }

    public void append(StringBuilder csv, DeadLetter d) {
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
        writer.append(csv, fields, fields.length);
    }
}
