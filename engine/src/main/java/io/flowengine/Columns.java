package io.flowengine;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, ordered list of distinct column names with constant-time lookup by name.
 * Rows read from one source share one instance, so a row costs only its values.
 */
public final class Columns {

    private final String[] names;
    private final Map<String, Integer> index;
    private final List<String> view;

    private Columns(String[] names) {
        this.names = names;
        this.index = new HashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
            if (index.putIfAbsent(names[i], i) != null) {
                throw new IllegalArgumentException("duplicate column name '" + names[i] + "'");
            }
        }
        this.view = Collections.unmodifiableList(Arrays.asList(names));
    }

    /** Columns with the given names, in order; names must be distinct. */
    public static Columns of(List<String> names) {
        return new Columns(names.toArray(new String[0]));
    }

    /** Columns with the given names, in order; names must be distinct. */
    public static Columns of(String... names) {
        return new Columns(names.clone());
    }

    /** Columns {@code c1..cN}, used for sources without a header. */
    public static Columns numbered(int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = "c" + (i + 1);
        }
        return new Columns(names);
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    /** The position of {@code name}, or -1. */
    public int indexOf(String name) {
        if (names.length <= 16) {
            // scripts look names up with fresh strings: a scan beats hashing them every time
            int length = name.length();
            for (int i = 0; i < names.length; i++) {
                String n = names[i];
                if (n.length() == length && n.equals(name)) {
                    return i;
                }
            }
            return -1;
        }
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    public List<String> names() {
        return view;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Columns && Arrays.equals(names, ((Columns) o).names));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(names);
    }

    @Override
    public String toString() {
        return view.toString();
    }
}
