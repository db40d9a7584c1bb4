package io.flowengine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record: column names mapped to string values, plus where it came from.
 *
 * <p>{@code rowNumber} is the 1-based number of the data record in its source (the header is not
 * counted); {@code line} is the 1-based physical line where the record starts (a quoted field
 * may span lines). Rows built by an application carry 0 for both until the engine numbers them.
 */
public final class Row {

    private final Columns columns;
    private final String[] values;
    private final long rowNumber;
    private final long line;

    private Row(Columns columns, String[] values, long rowNumber, long line) {
        this.columns = columns;
        this.values = values;
        this.rowNumber = rowNumber;
        this.line = line;
    }

    /**
     * A row over shared columns. The array is owned by the row afterwards; it must have one value
     * per column, and no value may be null (an empty field is "").
     */
    public static Row of(Columns columns, String[] values, long rowNumber, long line) {
        Objects.requireNonNull(columns, "columns");
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("row has " + values.length + " values for "
                    + columns.size() + " columns " + columns);
        }
        return new Row(columns, values, rowNumber, line);
    }

    /** A row with the given columns and values, not numbered. */
    public static Row of(List<String> columns, List<String> values) {
        return of(Columns.of(columns), values.toArray(new String[0]), 0, 0);
    }

    /** A row from a map in its iteration order; null values become "". */
    public static Row of(Map<String, ?> fields) {
        String[] names = new String[fields.size()];
        String[] values = new String[fields.size()];
        int i = 0;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue() == null ? "" : e.getValue().toString();
        }
        return new Row(Columns.of(names), values, 0, 0);
    }

    /** This row's values numbered as record {@code rowNumber} starting on {@code line}. */
    public Row withPosition(long rowNumber, long line) {
        return new Row(columns, values, rowNumber, line);
    }

    public Columns columns() {
        return columns;
    }

    public int size() {
        return values.length;
    }

    public String get(int i) {
        return values[i];
    }

    /** The value of column {@code name}, or null when the row has no such column. */
    public String get(String name) {
        int i = columns.indexOf(name);
        return i < 0 ? null : values[i];
    }

    public List<String> values() {
        return List.of(values);
    }

    public long rowNumber() {
        return rowNumber;
    }

    public long line() {
        return line;
    }

    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(columns.name(i), values[i]);
        }
        return map;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row)) {
            return false;
        }
        Row r = (Row) o;
        return columns.equals(r.columns) && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return 31 * columns.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Row" + (rowNumber > 0 ? "#" + rowNumber : "") + toMap();
    }
}
