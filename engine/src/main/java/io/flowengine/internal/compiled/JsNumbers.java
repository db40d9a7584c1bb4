package io.flowengine.internal.compiled;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * ECMAScript's conversions between numbers and strings, exactly as the specification defines
 * them (and GraalJS implements them): Number::toString, StringToNumber, Number.prototype.toFixed,
 * and the white space that String.prototype.trim and StringToNumber strip.
 */
final class JsNumbers {

    private JsNumbers() {
    }

    /** Number::toString(x) in radix 10: shortest round-trip digits, JavaScript's layout. */
    static String toString(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (x == 0) {
            return "0";
        }
        if (x < 0) {
            return "-" + toString(-x);
        }
        if (Double.isInfinite(x)) {
            return "Infinity";
        }
        if (x < 9.007199254740992E15 && x == Math.rint(x)) {
            return Long.toString((long) x);
        }
        String digits;
        int scale;
        long packed = fastShortest(x);
        if (packed >= 0) {
            long d = packed >>> 5;
            scale = (int) (packed & 31);
            while (d % 10 == 0) {
                d /= 10;
                scale--;
            }
            digits = Long.toString(d);
        } else {
            BigDecimal shortest = shortest(x);
            digits = shortest.unscaledValue().toString();
            scale = shortest.scale();
        }
        int k = digits.length();
        // x = digits × 10^(n − k)
        int n = k - scale;
        StringBuilder sb = new StringBuilder(k + 8);
        if (k <= n && n <= 21) {
            sb.append(digits);
            for (int i = 0; i < n - k; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (int i = 0; i < -n; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }

    /**
     * The shortest decimal that reads back as {@code x} (of those, the closest; of two, the even
     * one), in integer arithmetic, packed as by {@link #closestPacked}; negative when this
     * arithmetic does not reach x. A decimal of p digits that reads back means one of p + 1 does
     * too, so the fewest digits are found by bisection; a non-integer below 2^53 needs at least
     * as many digits as its integer part has.
     */
    static long fastShortest(double x) {
        if (!(x >= Double.MIN_NORMAL && x < 9.007199254740992E15)) {
            return PACKED_SLOW;
        }
        int k = (int) Math.floor(Math.log10(x));
        int lo = Math.max(1, k + 1);
        int hi = 17;
        long best = closestPacked(x, hi);
        if (best < 0) {
            return PACKED_SLOW;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long r = closestPacked(x, mid);
            if (r == PACKED_SLOW) {
                return PACKED_SLOW;
            }
            if (r == PACKED_NONE) {
                lo = mid + 1;
            } else {
                best = r;
                hi = mid;
            }
        }
        return best;
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code x} (x > 0, finite);
     * of several, the closest to x; of two equally close, the one with an even last digit. Its
     * unscaled value has no trailing zeros.
     */
    /** {@link #shortest}, without the integer-arithmetic fast path (for tests). */
    static BigDecimal slowShortest(double x) {
        return shortest(x);
    }

    private static BigDecimal shortest(double x) {
        if (x < Double.MIN_NORMAL) {
            // subnormals are far apart: many short decimals read back, pick the closest of each length
            BigDecimal exact = new BigDecimal(x);
            for (int p = 1; p <= 17; p++) {
                BigDecimal c = closestAt(exact, p, x);
                if (c != null) {
                    return c.stripTrailingZeros();
                }
            }
        }
        // Java's Double.toString always reads back, but before JDK 19 its digits are not always
        // the fewest. Up to 15 digits, at most one decimal of a length reads back as a double
        // (doubles are closer together than 15-digit decimals), and it is the rounding, down or
        // up, of any decimal that reads back (for normal doubles): so shorter forms are found from Java's digits with
        // no big arithmetic. The lengths that read back are all those from the shortest up (a
        // decimal of j digits is one of j + 1 too), so the search stops at the first length
        // that fails. Only 16 and 17 digits need the exact value, to pick the closest.
        String[] digitsAndExponent = decimal(Double.toString(x));
        String digits = digitsAndExponent[0];
        int exponent = Integer.parseInt(digitsAndExponent[1]);
        BigDecimal best = digits.length() <= 15 ? new BigDecimal(new BigInteger(digits), -exponent) : null;
        for (int p = Math.min(digits.length() - 1, 15); p >= 1; p--) {
            BigDecimal shorter = roundTrip(digits, exponent, p, x);
            if (shorter == null) {
                break;
            }
            best = shorter;
        }
        if (best == null) {
            best = closest(x, 16);
            if (best == null) {
                best = closest(x, 17);
            }
            if (best == null || best == SLOW) {
                best = slowShortest16or17(x);
            }
        }
        return best.stripTrailingZeros();
    }

    /** 16 or 17 digits from the exact value of x, with BigDecimal (the reference for {@link #closest}). */
    static BigDecimal slowShortest16or17(double x) {
        BigDecimal exact = new BigDecimal(x);
        BigDecimal best = closestAt(exact, 16, x);
        return best != null ? best : closestAt(exact, 17, x);
    }

    private static final long[] POW5 = new long[28];
    private static final long[] POW10 = new long[19];

    static {
        POW5[0] = 1;
        for (int i = 1; i < POW5.length; i++) {
            POW5[i] = POW5[i - 1] * 5;
        }
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /**
     * The closest decimal of {@code p} significant digits (16 or 17) to {@code x} when it reads
     * back as x (of two equally close, the even one), as {@link #closestAt} finds it but in 128-bit
     * integer arithmetic: x = m × 2^q, so x × 10^s = m × 5^s / 2^shift, whose quotient is the
     * candidate and whose remainder decides its rounding and whether it reads back (it does when
     * it lies within half an ulp of x: 2 × distance < 5^s in units of 2^-shift, an exact tie
     * reading back when m is even). Null when no p-digit decimal reads back, and also where this
     * arithmetic does not reach (large or tiny x, powers of two): the caller then uses BigDecimal.
     */
    static BigDecimal closest(double x, int p) {
        long r = closestPacked(x, p);
        return r == PACKED_SLOW ? SLOW : r == PACKED_NONE ? null : BigDecimal.valueOf(r >>> 5, (int) (r & 31));
    }

    /** {@link #closestPacked}: this arithmetic does not decide. */
    static final long PACKED_SLOW = -1;
    /** {@link #closestPacked}: no decimal of that many digits reads back. */
    static final long PACKED_NONE = -2;

    /**
     * As {@link #closest}, packed in a long with no allocation: the digits (below 2^57) shifted
     * left by 5, the scale (the power of ten below them, 0 to 27) in the low 5 bits; or
     * PACKED_SLOW, PACKED_NONE.
     */
    static long closestPacked(double x, int p) {
        long bits = Double.doubleToRawLongBits(x);
        int biased = (int) ((bits >>> 52) & 0x7ff);
        long m = (bits & 0xFFFFFFFFFFFFFL) | (1L << 52);
        if (biased == 0 || biased == 0x7ff || m == 1L << 52 || x <= 0) {
            return PACKED_SLOW;
        }
        int q = biased - 1075;
        int k = (int) Math.floor(Math.log10(x));
        for (int attempt = 0; attempt < 3; attempt++) {
            int s = p - 1 - k;
            int shift = -(q + s);
            if (s < 0 || s >= POW5.length || shift <= 0 || shift >= 127) {
                return PACKED_SLOW;
            }
            long five = POW5[s];
            // N = m × 5^s < 2^53 × 2^63: 116 bits
            long lo = m * five;
            long hi = Math.multiplyHigh(m, five);
            long floor;
            long remHi;
            long remLo;
            if (shift >= 64) {
                floor = hi >>> (shift - 64);
                remHi = shift == 64 ? 0 : hi & ((1L << (shift - 64)) - 1);
                remLo = lo;
            } else {
                if (hi >>> shift != 0) {
                    return PACKED_SLOW;
                }
                floor = (lo >>> shift) | (hi << (64 - shift));
                remHi = 0;
                remLo = lo & ((1L << shift) - 1);
            }
            if (floor < POW10[p - 1]) {
                k--;
                continue;
            }
            if (floor >= POW10[p]) {
                k++;
                continue;
            }
            // half = 2^(shift - 1)
            long halfHi = shift - 1 >= 64 ? 1L << (shift - 65) : 0;
            long halfLo = shift - 1 >= 64 ? 0 : 1L << (shift - 1);
            int vsHalf = remHi != halfHi ? Long.compareUnsigned(remHi, halfHi) : Long.compareUnsigned(remLo, halfLo);
            boolean up = vsHalf > 0 || vsHalf == 0 && (floor & 1) == 1;
            // the distance from x to the candidate, in units of 2^-shift
            long distHi;
            long distLo;
            if (up) {
                // 2^shift - rem
                long oneHi = shift >= 64 ? 1L << (shift - 64) : 0;
                long oneLo = shift >= 64 ? 0 : 1L << shift;
                distLo = oneLo - remLo;
                distHi = oneHi - remHi - (Long.compareUnsigned(oneLo, remLo) < 0 ? 1 : 0);
            } else {
                distHi = remHi;
                distLo = remLo;
            }
            if (distHi != 0 || Long.compareUnsigned(distLo, 1L << 62) >= 0) {
                return PACKED_NONE;
            }
            long twice = distLo << 1;
            boolean readsBack = twice < five || twice == five && (m & 1) == 0;
            if (!readsBack) {
                return PACKED_NONE;
            }
            long c = up ? floor + 1 : floor;
            return c << 5 | s;
        }
        return PACKED_SLOW;
    }

    /** {@link #closest} could not decide: BigDecimal must. */
    static final BigDecimal SLOW = new BigDecimal("-1");

    /** Java's form of a positive double as {digits without leading or trailing zeros, exponent}: x = digits × 10^exponent. */
    private static String[] decimal(String javaForm) {
        int e = javaForm.indexOf('E');
        String mantissa = e < 0 ? javaForm : javaForm.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(javaForm.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String all = dot < 0 ? mantissa : mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        exponent -= dot < 0 ? 0 : mantissa.length() - dot - 1;
        int from = 0;
        while (from < all.length() - 1 && all.charAt(from) == '0') {
            from++;
        }
        int to = all.length();
        while (to > from + 1 && all.charAt(to - 1) == '0') {
            to--;
            exponent++;
        }
        return new String[] {all.substring(from, to), Integer.toString(exponent)};
    }

    /** The p-digit rounding (down, then up) of digits × 10^exponent that reads back as x, or null. */
    private static BigDecimal roundTrip(String digits, int exponent, int p, double x) {
        int dropped = digits.length() - p;
        String down = digits.substring(0, p);
        int e = exponent + dropped;
        if (Double.parseDouble(down + "E" + e) == x) {
            return new BigDecimal(new BigInteger(down), -e);
        }
        BigInteger up = new BigInteger(down).add(BigInteger.ONE);
        if (Double.parseDouble(up + "E" + e) == x) {
            return new BigDecimal(up, -e);
        }
        return null;
    }

    /**
     * Of the decimals with {@code p} significant digits that read back as {@code x}, the closest
     * to it (of two equally close, the one with an even last digit); null when none does.
     */
    private static BigDecimal closestAt(BigDecimal exact, int p, double x) {
        BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
        BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
        boolean downOk = Double.parseDouble(down.toString()) == x;
        boolean upOk = Double.parseDouble(up.toString()) == x;
        if (downOk && upOk) {
            int c = exact.subtract(down).compareTo(up.subtract(exact));
            return c < 0 ? down : c > 0 ? up : down.unscaledValue().testBit(0) ? up : down;
        }
        return downOk ? down : upOk ? up : null;
    }

    /** StringToNumber: white space trimmed; "" is 0; decimal, 0x/0o/0b, (+/-)Infinity; else NaN. */
    static double toNumber(String s) {
        String t = trim(s);
        if (t.isEmpty()) {
            return 0;
        }
        char c0 = t.charAt(0);
        if (t.length() > 2 && c0 == '0') {
            char r = t.charAt(1);
            int radix = r == 'x' || r == 'X' ? 16 : r == 'o' || r == 'O' ? 8 : r == 'b' || r == 'B' ? 2 : 0;
            if (radix != 0) {
                String body = t.substring(2);
                for (int i = 0; i < body.length(); i++) {
                    if (Character.digit(body.charAt(i), radix) < 0 || body.charAt(i) > 'z') {
                        return Double.NaN;
                    }
                }
                return new BigInteger(body, radix).doubleValue();
            }
        }
        int i = 0;
        boolean negative = false;
        if (c0 == '+' || c0 == '-') {
            negative = c0 == '-';
            i = 1;
        }
        if (t.startsWith("Infinity", i) && t.length() == i + 8) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        int start = i;
        int intDigits = 0;
        while (i < t.length() && isDigit(t.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < t.length() && t.charAt(i) == '.') {
            i++;
            while (i < t.length() && isDigit(t.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return Double.NaN;
        }
        boolean exponent = i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E');
        if (exponent) {
            i++;
            if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < t.length() && isDigit(t.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return Double.NaN;
            }
        }
        if (i != t.length()) {
            return Double.NaN;
        }
        double v;
        if (!exponent && intDigits + fracDigits <= 15) {
            // up to 15 digits are exact in a double, and so is 10^fracDigits: one division,
            // correctly rounded, is the nearest double to the decimal (Clinger's fast path)
            long digits = 0;
            for (int j = start; j < t.length(); j++) {
                char c = t.charAt(j);
                if (c != '.') {
                    digits = digits * 10 + (c - '0');
                }
            }
            v = fracDigits == 0 ? (double) digits : (double) digits / POW10[fracDigits];
        } else {
            // the text is a JavaScript StrDecimalLiteral, which Java's parser reads with the same rounding
            v = Double.parseDouble(t.substring(start));
        }
        return negative ? -v : v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ECMAScript WhiteSpace or LineTerminator. */
    static boolean isWhiteSpace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isWhiteSpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isWhiteSpace(s.charAt(b - 1))) {
            b--;
        }
        return a == 0 && b == s.length() ? s : s.substring(a, b);
    }

    static String trimStart(String s) {
        int a = 0;
        while (a < s.length() && isWhiteSpace(s.charAt(a))) {
            a++;
        }
        return s.substring(a);
    }

    static String trimEnd(String s) {
        int b = s.length();
        while (b > 0 && isWhiteSpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(0, b);
    }

    /** Number.prototype.toFixed(digits) for 0 ≤ digits ≤ 100: the exact value, half up. */
    static String toFixed(double x, int digits) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Math.abs(x) >= 1e21 || Double.isInfinite(x)) {
            return toString(x);
        }
        String sign = "";
        if (x < 0) {
            sign = "-";
            x = -x;
        }
        return sign + new BigDecimal(x).setScale(digits, RoundingMode.HALF_UP).toPlainString();
    }
}
