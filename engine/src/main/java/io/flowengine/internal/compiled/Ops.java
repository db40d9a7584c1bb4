package io.flowengine.internal.compiled;

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
        static final Fallback INSTANCE = new Fallback();

        private Fallback() {
            super("run this row on GraalJS", null, false, false);
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
            return toStr(a).concat(toStr(b));
        }
        return toNumber(a) + toNumber(b);
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
