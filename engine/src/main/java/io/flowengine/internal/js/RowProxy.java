package io.flowengine.internal.js;

import io.flowengine.internal.run.RowEdits;
import io.flowengine.Row;
import java.util.ArrayList;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * A row as scripts see it, over {@link RowEdits} (the rules compiled steps follow too): a script
 * pays only for the fields it touches. New keys become new columns (in the order they were set);
 * deleting a key removes its column. Values written are stored as strings, converted as
 * JavaScript's {@code String(v)} would (objects as JSON; null and undefined as "").
 */
final class RowProxy implements ProxyObject {

    private final RowEdits edits;
    private final ValueText text;
    /** What {@link #reset()} goes back to; null: the input row. */
    private final RowEdits start;

    /** Converts a guest value to the string stored in a row. */
    interface ValueText {
        String of(Value v);
    }

    RowProxy(Row input, ValueText text) {
        this.edits = new RowEdits(input);
        this.text = text;
        this.start = null;
    }

    /** A proxy over {@code edits}, which earlier (compiled) steps have made; {@link #reset()} goes back to them. */
    RowProxy(RowEdits edits, ValueText text) {
        this.edits = edits;
        this.text = text;
        this.start = edits.snapshot();
    }

    /** Back to the row as it came, undoing what a script did (before running the row again). */
    void reset() {
        if (start == null) {
            edits.reset();
        } else {
            edits.restore(start);
        }
    }

    Row input() {
        return edits.input();
    }

    @Override
    public Object getMember(String key) {
        return edits.get(key);
    }

    @Override
    public Object getMemberKeys() {
        return ProxyArray.fromList(new ArrayList<>(edits.keys()));
    }

    @Override
    public boolean hasMember(String key) {
        return edits.has(key);
    }

    @Override
    public void putMember(String key, Value value) {
        edits.set(key, text.of(value));
    }

    @Override
    public boolean removeMember(String key) {
        return edits.delete(key);
    }

    /** The row as it is now, numbered like its input. */
    Row toRow(RowEdits.ColumnCache cache) {
        return edits.toRow(cache);
    }
}
