package io.flowengine.internal.compiled;

import io.flowengine.Columns;
import io.flowengine.Row;
import java.util.Arrays;

/**
 * A row as compiled code changes it, with the GraalJS rows' rules: an input column keeps its
 * place (deleted, then set again, it comes back where it was); a new column goes after the
 * others, in the order set; values are strings. Nothing is copied until the code writes.
 */
final class CompiledRow {

    private final Row input;
    /** The input columns' values; null: deleted. Null array: not written yet. */
    private String[] values;
    private String[] addedKeys;
    private String[] addedValues;
    private int added;
    private boolean removed;

    CompiledRow(Row input) {
        this.input = input;
    }

    /** The value of {@code column}, or null when the row has no such column. */
    String get(String column) {
        int i = input.columns().indexOf(column);
        if (i >= 0) {
            return values == null ? input.get(i) : values[i];
        }
        int a = addedIndex(column);
        return a < 0 ? null : addedValues[a];
    }

    void set(String column, String value) {
        int i = input.columns().indexOf(column);
        if (i >= 0) {
            copy();
            values[i] = value;
            return;
        }
        int a = addedIndex(column);
        if (a >= 0) {
            addedValues[a] = value;
            return;
        }
        if (addedKeys == null) {
            addedKeys = new String[4];
            addedValues = new String[4];
        } else if (added == addedKeys.length) {
            addedKeys = Arrays.copyOf(addedKeys, added * 2);
            addedValues = Arrays.copyOf(addedValues, added * 2);
        }
        addedKeys[added] = column;
        addedValues[added++] = value;
    }

    void delete(String column) {
        int i = input.columns().indexOf(column);
        if (i >= 0) {
            copy();
            if (values[i] != null) {
                values[i] = null;
                removed = true;
            }
            return;
        }
        int a = addedIndex(column);
        if (a >= 0) {
            System.arraycopy(addedKeys, a + 1, addedKeys, a, added - a - 1);
            System.arraycopy(addedValues, a + 1, addedValues, a, added - a - 1);
            added--;
        }
    }

    private int addedIndex(String column) {
        for (int a = 0; a < added; a++) {
            if (column.equals(addedKeys[a])) {
                return a;
            }
        }
        return -1;
    }

    private void copy() {
        if (values == null) {
            values = new String[input.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = input.get(i);
            }
        }
    }

    /** The row as it stands, numbered as its input; {@code cache} reuses columns that repeat. */
    Row toRow(ColumnsCache cache) {
        if (values == null && added == 0) {
            return input;
        }
        copy();
        Columns in = input.columns();
        int kept = 0;
        for (String v : values) {
            if (v != null) {
                kept++;
            }
        }
        String[] names = new String[kept + added];
        String[] out = new String[kept + added];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                names[k] = in.name(i);
                out[k++] = values[i];
            }
        }
        for (int a = 0; a < added; a++) {
            names[k] = addedKeys[a];
            out[k++] = addedValues[a];
        }
        return Row.of(cache.columns(names, in), out, input.rowNumber(), input.line());
    }

    /** The last column lists made, so that rows of one shape share one {@link Columns}. */
    static final class ColumnsCache {
        private Columns last;

        Columns columns(String[] names, Columns input) {
            if (same(input, names)) {
                return input;
            }
            if (last != null && same(last, names)) {
                return last;
            }
            last = Columns.of(names);
            return last;
        }

        private static boolean same(Columns c, String[] names) {
            if (c.size() != names.length) {
                return false;
            }
            for (int i = 0; i < names.length; i++) {
                if (!c.name(i).equals(names[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
