package io.flowengine.cli;

import io.flowengine.Columns;
import io.flowengine.Row;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Rows as a plain-text table: one column per field, widths to fit, long values cut. */
final class Table {

    static final int MAX_WIDTH = 24;

    private Table() {
    }

    /**
     * Prints {@code rows} under a header of their columns (rows of different shapes share one
     * header: the union of their columns, in order of appearance), each row led by its record
     * number. {@code only} limits and orders the columns when not null.
     */
    static void print(PrintStream out, List<Row> rows, List<String> only, String indent) {
        if (rows.isEmpty()) {
            out.println(indent + "(no rows)");
            return;
        }
        List<String> names = only != null ? only : union(rows);
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[names.size() + 1];
        header[0] = "#";
        for (int c = 0; c < names.size(); c++) {
            header[c + 1] = names.get(c);
        }
        cells.add(header);
        for (Row r : rows) {
            String[] line = new String[names.size() + 1];
            line[0] = Long.toString(r.rowNumber());
            for (int c = 0; c < names.size(); c++) {
                String v = r.columns().indexOf(names.get(c)) >= 0 ? r.get(names.get(c)) : null;
                line[c + 1] = v == null ? "·" : visible(v);
            }
            cells.add(line);
        }
        int[] widths = new int[header.length];
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                line[c] = cut(line[c], MAX_WIDTH);
                widths[c] = Math.max(widths[c], line[c].codePointCount(0, line[c].length()));
            }
        }
        for (String[] line : cells) {
            StringBuilder sb = new StringBuilder(indent);
            for (int c = 0; c < line.length; c++) {
                sb.append(line[c]);
                if (c < line.length - 1) {
                    sb.append(" ".repeat(widths[c] - line[c].codePointCount(0, line[c].length()) + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** One row as {@code name=value, ...}, values cut. */
    static String inline(Row r) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < r.size(); c++) {
            sb.append(c > 0 ? ", " : "").append(r.columns().name(c)).append('=').append(cut(visible(r.get(c)), MAX_WIDTH));
        }
        return sb.toString();
    }

    static String cut(String s, int max) {
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    /** Line breaks and tabs shown as escapes, so that one row stays on one line. */
    static String visible(String v) {
        return v.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static List<String> union(List<Row> rows) {
        Set<String> names = new LinkedHashSet<>();
        Columns last = null;
        for (Row r : rows) {
            if (r.columns() != last) {
                last = r.columns();
                for (int c = 0; c < last.size(); c++) {
                    names.add(last.name(c));
                }
            }
        }
        return List.copyOf(names);
    }
}
