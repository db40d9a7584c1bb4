package io.flowengine.internal.compiled;

import io.flowengine.internal.js.JsEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ECMAScript's operators and conversions on the values compiled code handles: {@link String},
 * {@link Double}, {@link Boolean}, {@link #NULL} and {@link #UNDEFINED}. Anything the
 * specification would throw a TypeError for throws {@link Fallback}: the row is then run on
 * GraalJS, which reports the authentic error.
 */
final class Ops {

    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "undefined";
        }
    };
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private Ops() {
    }

    /** Thrown where JavaScript would throw: the row goes to GraalJS for the real outcome. */
    static final class Fallback extends RuntimeException {
        private static final long serialVersionUID = 1L;

        static final Fallback INSTANCE = new Fallback();

        private Fallback() {
            super("run this row on GraalJS", null, false, false);
        }
    }

    /** A row's error, made by {@code throw new Error(...)}: where, and GraalJS's message ("Error: ..."). */
    static final class Thrown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final String where;
        final String text;

        Thrown(String where, String text) {
            super(text, null, false, false);
            this.where = where;
            this.text = text;
        }
    }

    static double toNumber(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            return JsNumbers.toNumber(s);
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return v == NULL ? 0 : Double.NaN;
    }

    static String toStr(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            return JsNumbers.toString(d);
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        return v == NULL ? "null" : "undefined";
    }

    /** What a row stores for a value: String(v), with null and undefined as "". */
    static String stored(Object v) {
        return v == NULL || v == UNDEFINED ? "" : toStr(v);
    }

    static boolean truthy(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Double d) {
            return d != 0 && !Double.isNaN(d);
        }
        return false;
    }

    static String typeOf(Object v) {
        return v instanceof String ? "string" : v instanceof Double ? "number" : v instanceof Boolean ? "boolean"
                : v == NULL ? "object" : "undefined";
    }

    static Object add(Object a, Object b) {
        if (a instanceof String || b instanceof String) {
            String x = toStr(a);
            String y = toStr(b);
            if ((long) x.length() + y.length() > LONGEST) {
                throw Fallback.INSTANCE;
            }
            return x.concat(y);
        }
        return toNumber(a) + toNumber(b);
    }

    /**
     * The longest string compiled code makes. GraalJS's limit is twice this: a longer result is
     * left to GraalJS, which makes it or fails the row with its own error.
     */
    static final int LONGEST = JsEngine.MAX_STRING_LENGTH / 2;

    /** {@code s}, when it is not longer than {@link #LONGEST}. */
    static String checked(String s) {
        if (s.length() > LONGEST) {
            throw Fallback.INSTANCE;
        }
        return s;
    }

    /** Hands the row to GraalJS when a string of {@code length} would be longer than {@link #LONGEST}. */
    private static void check(long length) {
        if (length > LONGEST) {
            throw Fallback.INSTANCE;
        }
    }

    /** ToLength: an integer from 0 to 2^53 - 1. */
    static double toLength(Object v) {
        double d = toInteger(v);
        return d <= 0 ? 0 : Math.min(d, 9007199254740991.0);
    }

    /** ToUint32. */
    static long toUint32(Object v) {
        double d = toNumber(v);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return 0;
        }
        double t = d < 0 ? Math.ceil(d) : Math.floor(d);
        double m = t % 4294967296.0;
        return m < 0 ? (long) (m + 4294967296.0) : (long) m;
    }

    /** ToInt32. */
    static int toInt32(Object v) {
        return (int) toUint32(v);
    }

    /** String.prototype.padStart and padEnd. */
    static String pad(String s, Object maxLength, Object fillString, boolean atStart) {
        double length = toLength(maxLength);
        if (length <= s.length()) {
            return s;
        }
        String filler = fillString == UNDEFINED ? " " : toStr(fillString);
        if (filler.isEmpty()) {
            return s;
        }
        check((long) length);
        int fill = (int) length - s.length();
        StringBuilder sb = new StringBuilder((int) length);
        if (!atStart) {
            sb.append(s);
        }
        while (fill > 0) {
            int n = Math.min(fill, filler.length());
            sb.append(filler, 0, n);
            fill -= n;
        }
        if (atStart) {
            sb.append(s);
        }
        return sb.toString();
    }

    /** String.prototype.repeat: a negative or infinite count throws (a RangeError, on GraalJS). */
    static String repeat(String s, Object count) {
        double n = toInteger(count);
        if (n < 0 || n == Double.POSITIVE_INFINITY) {
            throw Fallback.INSTANCE;
        }
        if (n == 0 || s.isEmpty()) {
            return "";
        }
        check((long) Math.min(n * s.length(), Long.MAX_VALUE / 2.0));
        return s.repeat((int) n);
    }

    /** StringIndexOf: -1 when {@code from} lies past the end (where Java's indexOf clamps). */
    private static int indexOf(String s, String search, int from) {
        return from > s.length() ? -1 : s.indexOf(search, from);
    }

    /** String.prototype.replace and replaceAll with a string pattern. */
    static String replace(String s, Object pattern, Object replacement, boolean all) {
        String search = toStr(pattern);
        String with = toStr(replacement);
        int at = indexOf(s, search, 0);
        if (at < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + with.length());
        int end = 0;
        int advance = Math.max(1, search.length());
        while (at >= 0) {
            sb.append(s, end, at);
            substitute(sb, s, at, search.length(), with);
            check(sb.length());
            end = at + search.length();
            at = all ? indexOf(s, search, at + advance) : -1;
        }
        sb.append(s, end, s.length());
        return checked(sb.toString());
    }

    /** GetSubstitution with no captures: $$, $&, $` and $' are replaced, everything else is kept. */
    private static void substitute(StringBuilder sb, String s, int at, int matched, String with) {
        int i = 0;
        while (i < with.length()) {
            char c = with.charAt(i);
            if (c == '$' && i + 1 < with.length()) {
                char n = with.charAt(i + 1);
                if (n == '$') {
                    sb.append('$');
                    i += 2;
                    continue;
                }
                if (n == '&') {
                    sb.append(s, at, at + matched);
                    i += 2;
                    continue;
                }
                if (n == '`') {
                    sb.append(s, 0, at);
                    i += 2;
                    continue;
                }
                if (n == '\'') {
                    sb.append(s, Math.min(at + matched, s.length()), s.length());
                    i += 2;
                    continue;
                }
            }
            sb.append(c);
            i++;
        }
    }

    /** String.prototype.split with a string separator (or none): the parts, as an array value. */
    static String[] split(String s, Object separator, Object limit) {
        long lim = limit == UNDEFINED ? 4294967295L : toUint32(limit);
        String sep = toStr(separator);
        if (lim == 0) {
            return new String[0];
        }
        if (separator == UNDEFINED) {
            return new String[] {s};
        }
        if (sep.isEmpty()) {
            int n = (int) Math.min(s.length(), lim);
            String[] units = new String[n];
            for (int i = 0; i < n; i++) {
                units[i] = String.valueOf(s.charAt(i));
            }
            return units;
        }
        if (s.isEmpty()) {
            return new String[] {s};
        }
        List<String> parts = new ArrayList<>();
        int i = 0;
        int j = s.indexOf(sep);
        while (j >= 0) {
            parts.add(s.substring(i, j));
            if (parts.size() == lim) {
                return parts.toArray(new String[0]);
            }
            i = j + sep.length();
            j = s.indexOf(sep, i);
        }
        parts.add(s.substring(i));
        return parts.toArray(new String[0]);
    }

    /** {@code array[key]} on an array of strings: an element, its length, or undefined. */
    static Object element(String[] array, Object key) {
        if (key instanceof Double d) {
            double x = d;
            return x >= 0 && x < array.length && x == Math.rint(x) ? array[(int) x] : UNDEFINED;
        }
        String k = toStr(key);
        if (k.equals("length")) {
            return (double) array.length;
        }
        long index = arrayIndex(k);
        if (index >= 0) {
            return index < array.length ? array[(int) index] : UNDEFINED;
        }
        // a method's name, perhaps: GraalJS knows what Array.prototype holds
        if (key instanceof String) {
            throw Fallback.INSTANCE;
        }
        return UNDEFINED;
    }

    /** The array index a canonical numeric string names (0 to 2^32 - 2), else -1. */
    static long arrayIndex(String k) {
        if (k.isEmpty() || k.length() > 10 || k.length() > 1 && k.charAt(0) == '0') {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v < 4294967295L ? v : -1;
    }

    /** Array.prototype.join on strings. */
    static String join(String[] array, Object separator) {
        String sep = separator == UNDEFINED ? "," : toStr(separator);
        long length = (long) sep.length() * Math.max(0, array.length - 1);
        for (String e : array) {
            length += e.length();
        }
        check(length);
        return String.join(sep, array);
    }

    /** Array.prototype.slice. */
    static String[] slice(String[] array, Object start, Object end) {
        int len = array.length;
        int from = clampRelative(toInteger(start), len);
        int to = end == UNDEFINED ? len : clampRelative(toInteger(end), len);
        return from < to ? Arrays.copyOfRange(array, from, to) : new String[0];
    }

    /** Array.prototype.indexOf (strict equality): the elements are strings. */
    static double indexOf(String[] array, Object value) {
        if (value instanceof String v) {
            for (int i = 0; i < array.length; i++) {
                if (array[i].equals(v)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** parseFloat: the longest prefix (after white space) that is a decimal literal or Infinity. */
    static double parseFloat(String input) {
        String t = JsNumbers.trimStart(input);
        int n = t.length();
        int i = 0;
        if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            i++;
        }
        if (t.startsWith("Infinity", i)) {
            return t.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        int digits = i;
        while (i < n && isDigit(t.charAt(i))) {
            i++;
        }
        boolean whole = i > digits;
        boolean fraction = false;
        if (i < n && t.charAt(i) == '.') {
            int j = i + 1;
            while (j < n && isDigit(t.charAt(j))) {
                j++;
            }
            fraction = j > i + 1;
            if (whole || fraction) {
                i = j;
            }
        }
        if (!whole && !fraction) {
            return Double.NaN;
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (t.charAt(j) == '+' || t.charAt(j) == '-')) {
                j++;
            }
            int k = j;
            while (k < n && isDigit(t.charAt(k))) {
                k++;
            }
            if (k > j) {
                i = k;
            }
        }
        return Double.parseDouble(t.substring(0, i));
    }

    /**
     * parseInt. Values up to 2^53 are computed exactly here; a longer run of digits, for which
     * the specification lets an engine approximate, is left to GraalJS.
     */
    static double parseInt(String input, Object radix) {
        String s = JsNumbers.trimStart(input);
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i++;
        }
        int r = toInt32(radix);
        boolean stripPrefix = true;
        if (r != 0) {
            if (r < 2 || r > 36) {
                return Double.NaN;
            }
            stripPrefix = r == 16;
        } else {
            r = 10;
        }
        if (stripPrefix && s.length() >= i + 2 && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
            i += 2;
            r = 16;
        }
        long value = 0;
        int start = i;
        for (; i < s.length(); i++) {
            int d = digit(s.charAt(i));
            if (d < 0 || d >= r) {
                break;
            }
            value = value * r + d;
            if (value > 1L << 53) {
                throw Fallback.INSTANCE;
            }
        }
        if (i == start) {
            return Double.NaN;
        }
        if (value == 0) {
            return negative ? -0.0 : 0.0;
        }
        return negative ? -(double) value : (double) value;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean strictEquals(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof String || a instanceof Boolean) {
            return a.equals(b);
        }
        return a == b;
    }

    static boolean looseEquals(Object a, Object b) {
        boolean an = a == NULL || a == UNDEFINED;
        boolean bn = b == NULL || b == UNDEFINED;
        if (an || bn) {
            return an && bn;
        }
        if (a.getClass() == b.getClass()) {
            return strictEquals(a, b);
        }
        // number, string and boolean: compared as numbers
        return toNumber(a) == toNumber(b);
    }

    /** IsLessThan(a, b): strings by UTF-16 code units, else as numbers; NaN gives false. */
    static boolean less(Object a, Object b, boolean orEqual) {
        if (a instanceof String x && b instanceof String y) {
            int c = x.compareTo(y);
            return orEqual ? c <= 0 : c < 0;
        }
        double x = toNumber(a);
        double y = toNumber(b);
        return orEqual ? x <= y : x < y;
    }

    /** ToIntegerOrInfinity. */
    static double toInteger(Object v) {
        double d = toNumber(v);
        if (Double.isNaN(d) || d == 0) {
            return 0;
        }
        return d < 0 ? Math.ceil(d) : Math.floor(d);
    }

    static String string(Object receiver) {
        if (receiver instanceof String s) {
            return s;
        }
        throw Fallback.INSTANCE;
    }

    /** Math.round: the closest integer, ties toward +Infinity, -0 kept for (-0.5, -0]. */
    static double round(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        double r = Math.floor(x);
        if (x - r >= 0.5) {
            r += 1;
        }
        return r == 0 && (x < 0 || 1 / x < 0) ? -0.0 : r;
    }

    /** String.prototype.slice(start, end). */
    static String slice(String s, Object start, Object end) {
        int len = s.length();
        int from = clampRelative(toInteger(start), len);
        int to = end == UNDEFINED ? len : clampRelative(toInteger(end), len);
        return from < to ? s.substring(from, to) : "";
    }

    private static int clampRelative(double rel, int len) {
        if (rel < 0) {
            return (int) Math.max(len + rel, 0);
        }
        return (int) Math.min(rel, len);
    }

    /** String.prototype.substring(start, end). */
    static String substring(String s, Object start, Object end) {
        int len = s.length();
        int a = (int) Math.min(Math.max(toInteger(start), 0), len);
        int b = end == UNDEFINED ? len : (int) Math.min(Math.max(toInteger(end), 0), len);
        return s.substring(Math.min(a, b), Math.max(a, b));
    }

    /** String.prototype.charAt(pos). */
    static String charAt(String s, Object pos) {
        double p = toInteger(pos);
        return p < 0 || p >= s.length() ? "" : String.valueOf(s.charAt((int) p));
    }
}
