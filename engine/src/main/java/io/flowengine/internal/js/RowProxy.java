package io.flowengine.internal.js;

import io.flowengine.Columns;
import io.flowengine.Row;
import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * A row as scripts see it: reads and writes go straight to a copy of the row's values, so a
 * script pays only for the fields it touches. New keys become new columns (in the order they were
 * set); deleting a key removes its column. Values written are stored as strings, converted as
 * JavaScript's {@code String(v)} would (objects as JSON; null and undefined as "").
 */
final class RowProxy implements ProxyObject {

    private final Row input;
    private final String[] values;
    private final ValueText text;
    /** Keys set that the input does not have, in the order they were first set; null slots are deleted. */
    private String[] addedKeys;
    private String[] addedValues;
    private int added;
    private boolean removed;

    /** Converts a guest value to the string stored in a row. */
    interface ValueText {
        String of(Value v);
    }

    RowProxy(Row input, ValueText text) {
        this.input = input;
        this.values = new String[input.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = input.get(i);
        }
        this.text = text;
    }

    Row input() {
        return input;
    }

    /** Back to the input's values, undoing what a script did (before running the row again). */
    void reset() {
        for (int i = 0; i < values.length; i++) {
            values[i] = input.get(i);
        }
        added = 0;
        removed = false;
    }

    @Override
    public Object getMember(String key) {
        int i = input.columns().indexOf(key);
        if (i >= 0) {
            return values[i];
        }
        int a = addedIndex(key);
        return a < 0 ? null : addedValues[a];
    }

    private int addedIndex(String key) {
        for (int a = 0; a < added; a++) {
            if (key.equals(addedKeys[a])) {
                return a;
            }
        }
        return -1;
    }

    @Override
    public Object getMemberKeys() {
        return ProxyArray.fromList(new ArrayList<>(keys()));
    }

    @Override
    public boolean hasMember(String key) {
        int i = input.columns().indexOf(key);
        if (i >= 0) {
            return values[i] != null;
        }
        return addedIndex(key) >= 0;
    }

    @Override
    public void putMember(String key, Value value) {
        String v = text.of(value);
        int i = input.columns().indexOf(key);
        if (i >= 0) {
            values[i] = v;
            return;
        }
        int a = addedIndex(key);
        if (a >= 0) {
            addedValues[a] = v;
            return;
        }
        if (addedKeys == null) {
            addedKeys = new String[4];
            addedValues = new String[4];
        } else if (added == addedKeys.length) {
            addedKeys = java.util.Arrays.copyOf(addedKeys, added * 2);
            addedValues = java.util.Arrays.copyOf(addedValues, added * 2);
        }
        addedKeys[added] = key;
        addedValues[added++] = v;
    }

    @Override
    public boolean removeMember(String key) {
        int i = input.columns().indexOf(key);
        if (i >= 0) {
            if (values[i] == null) {
                return false;
            }
            values[i] = null;
            removed = true;
            return true;
        }
        int a = addedIndex(key);
        if (a < 0) {
            return false;
        }
        System.arraycopy(addedKeys, a + 1, addedKeys, a, added - a - 1);
        System.arraycopy(addedValues, a + 1, addedValues, a, added - a - 1);
        added--;
        return true;
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>(values.length + added);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                keys.add(input.columns().name(i));
            }
        }
        for (int a = 0; a < added; a++) {
            keys.add(addedKeys[a]);
        }
        return keys;
    }

    /** The row as it is now, numbered like its input. */
    Row toRow(ColumnCache cache) {
        if (!removed && added == 0) {
            return Row.of(input.columns(), values, input.rowNumber(), input.line());
        }
        if (!removed) {
            String[] out = java.util.Arrays.copyOf(values, values.length + added);
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

    /** Reuses one {@link Columns} for rows with the same keys. */
    interface ColumnCache {
        Columns columns(String[] keys, Columns input);

        /** {@code input} followed by the first {@code count} of {@code added}. */
        Columns extended(Columns input, String[] added, int count);
    }
}
