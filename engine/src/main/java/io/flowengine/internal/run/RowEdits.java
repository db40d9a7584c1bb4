package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A row as a step changes it, with one set of rules for both runtimes (GraalJS's row proxies and
 * compiled steps): an input column keeps its place (deleted, then set again, it comes back where
 * it was); a new column goes after the others, in the order first set; values are strings.
 * Nothing is copied until the step writes. Used by one thread at a time.
 */
public final class RowEdits {

    private final Row input;
    /** The input columns' values; null: deleted. Null array: nothing written yet. */
    private String[] values;
    private String[] addedKeys;
    private String[] addedValues;
    private int added;
    private boolean removed;

    public RowEdits(Row input) {
        this.input = input;
    }

    public Row input() {
        return input;
    }

    /** The value of {@code column}, or null when the row has no such column (or it was deleted). */
    public String get(String column) {
        int i = input.columns().indexOf(column);
        if (i >= 0) {
            return values == null ? input.get(i) : values[i];
        }
        int a = addedIndex(column);
        return a < 0 ? null : addedValues[a];
    }

    public boolean has(String column) {
        return get(column) != null;
    }

    public void set(String column, String value) {
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

    /** Removes {@code column}; false when the row had no such column. */
    public boolean delete(String column) {
        int i = input.columns().indexOf(column);
        if (i >= 0) {
            copy();
            if (values[i] == null) {
                return false;
            }
            values[i] = null;
            removed = true;
            return true;
        }
        int a = addedIndex(column);
        if (a < 0) {
            return false;
        }
        System.arraycopy(addedKeys, a + 1, addedKeys, a, added - a - 1);
        System.arraycopy(addedValues, a + 1, addedValues, a, added - a - 1);
        added--;
        return true;
    }

    /** Back to the input's values (before running the row again). */
    public void reset() {
        values = null;
        added = 0;
        removed = false;
    }

    /** An independent copy of this row as it is now (to go back to, should a step run again). */
    public RowEdits snapshot() {
        RowEdits c = new RowEdits(input);
        c.restore(this);
        return c;
    }

    /** Back to what {@code saved} (a {@link #snapshot()} of this row) holds. */
    public void restore(RowEdits saved) {
        values = saved.values == null ? null : saved.values.clone();
        addedKeys = saved.addedKeys == null ? null : saved.addedKeys.clone();
        addedValues = saved.addedValues == null ? null : saved.addedValues.clone();
        added = saved.added;
        removed = saved.removed;
    }

    /** The row's columns now, in order. */
    public List<String> keys() {
        Columns in = input.columns();
        List<String> keys = new ArrayList<>(in.size() + added);
        for (int i = 0; i < in.size(); i++) {
            if (values == null || values[i] != null) {
                keys.add(in.name(i));
            }
        }
        for (int a = 0; a < added; a++) {
            keys.add(addedKeys[a]);
        }
        return keys;
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

    /** The row as it is now, numbered like its input; {@code cache} lets rows of one shape share their columns. */
    public Row toRow(ColumnCache cache) {
        if (values == null && added == 0) {
            return input;
        }
        copy();
        if (!removed && added == 0) {
            return Row.of(input.columns(), values, input.rowNumber(), input.line());
        }
        if (!removed) {
            String[] out = Arrays.copyOf(values, values.length + added);
            System.arraycopy(addedValues, 0, out, values.length, added);
            return Row.of(cache.extended(input.columns(), addedKeys, added), out, input.rowNumber(), input.line());
        }
        List<String> keys = keys();
        String[] out = new String[keys.size()];
        int k = 0;
        for (String v : values) {
            if (v != null) {
                out[k++] = v;
            }
        }
        for (int a = 0; a < added; a++) {
            out[k++] = addedValues[a];
        }
        return Row.of(cache.columns(keys.toArray(new String[0]), input.columns()), out, input.rowNumber(), input.line());
    }

    /**
     * Reuses the last {@link Columns} made when the next row has the same names, so that a
     * chunk's rows share one. One per rail.
     */
    public static final class ColumnCache {
        private Columns lastColumns;
        private Columns lastInput;
        private Columns lastExtended;

        /** Columns named {@code keys}: {@code input} itself, the last ones made, or new ones. */
        public Columns columns(String[] keys, Columns input) {
            Columns last = lastColumns;
            if (last != null && sameNames(last, keys)) {
                return last;
            }
            if (sameNames(input, keys)) {
                lastColumns = input;
                return input;
            }
            Columns c = Columns.of(keys);
            lastColumns = c;
            return c;
        }

        /** {@code input} followed by the first {@code count} of {@code added}. */
        Columns extended(Columns input, String[] added, int count) {
            Columns e = lastExtended;
            if (e != null && lastInput == input && e.size() == input.size() + count) {
                boolean same = true;
                for (int a = 0; a < count && same; a++) {
                    same = e.name(input.size() + a).equals(added[a]);
                }
                if (same) {
                    return e;
                }
            }
            String[] names = new String[input.size() + count];
            for (int c = 0; c < input.size(); c++) {
                names[c] = input.name(c);
            }
            System.arraycopy(added, 0, names, input.size(), count);
            lastInput = input;
            lastExtended = Columns.of(names);
            return lastExtended;
        }

        private static boolean sameNames(Columns columns, String[] keys) {
            if (columns.size() != keys.length) {
                return false;
            }
            for (int i = 0; i < keys.length; i++) {
                if (!columns.name(i).equals(keys[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
