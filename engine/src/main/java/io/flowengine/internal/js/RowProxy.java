package io.flowengine.internal.js;

import io.flowengine.Columns;
import io.flowengine.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private Map<String, String> added;
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

    @Override
    public Object getMember(String key) {
        int i = input.columns().indexOf(key);
        if (i >= 0) {
            return values[i];
        }
        return added == null ? null : added.get(key);
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
        return added != null && added.containsKey(key);
    }

    @Override
    public void putMember(String key, Value value) {
        String v = text.of(value);
        int i = input.columns().indexOf(key);
        if (i >= 0) {
            values[i] = v;
            return;
        }
        if (added == null) {
            added = new LinkedHashMap<>();
        }
        added.put(key, v);
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
        return added != null && added.remove(key) != null;
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>(values.length + (added == null ? 0 : added.size()));
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                keys.add(input.columns().name(i));
            }
        }
        if (added != null) {
            keys.addAll(added.keySet());
        }
        return keys;
    }

    /** The row as it is now, numbered like its input. */
    Row toRow(ColumnCache cache) {
        if (!removed && (added == null || added.isEmpty())) {
            return Row.of(input.columns(), values, input.rowNumber(), input.line());
        }
        List<String> keys = keys();
        String[] out = new String[keys.size()];
        int k = 0;
        for (String v : values) {
            if (v != null) {
                out[k++] = v;
            }
        }
        if (added != null) {
            for (String v : added.values()) {
                out[k++] = v;
            }
        }
        return Row.of(cache.columns(keys.toArray(new String[0]), input.columns()), out, input.rowNumber(), input.line());
    }

    /** Reuses one {@link Columns} for rows with the same keys. */
    interface ColumnCache {
        Columns columns(String[] keys, Columns input);
    }
}
