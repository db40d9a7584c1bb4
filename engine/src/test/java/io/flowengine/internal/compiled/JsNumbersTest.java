package io.flowengine.internal.compiled;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JsNumbers against GraalJS itself, value by value. */
class JsNumbersTest {

    private static Context js;

    @BeforeAll
    static void start() {
        js = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
    }

    @AfterAll
    static void stop() {
        js.close();
    }

    private static List<Double> doubles() {
        Random r = new Random(42);
        List<Double> d = new ArrayList<>(List.of(0.0, -0.0, 1e-7, 2e-7, 1.2345678901234568e+20, 1.2345678901234568e+21, 5e-324,
                9.999999999999998e-15, 0.1 + 0.2, 1.0 / 3, 1e21, 1e-6, 1e-5, 123e-20, Double.MAX_VALUE, Double.MIN_NORMAL,
                9007199254740992.0, 9007199254740994.0, 4.35, 1.005, 2.5, -2.5, 0.5, 1.5, 100.0, 1e300, 2.82879384806159E17,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 123456789012345680000.0));
        for (int i = 0; i < 20_000; i++) {
            d.add(Double.longBitsToDouble(r.nextLong()));
            d.add(r.nextInt(1_000_000) / 100.0);
            d.add(r.nextDouble() * Math.pow(10, r.nextInt(60) - 30));
            d.add((double) (r.nextInt(10_000) * r.nextInt(10_000)) / (1 + r.nextInt(1000)));
            // what the orders job stores: an amount with cents times a quantity
            d.add(r.nextInt(1_000_000) / 100.0 * (1 + r.nextInt(20)));
            d.add(Double.longBitsToDouble(r.nextLong() & 0x000F_FFFF_FFFF_FFFFL)); // subnormal
        }
        return d;
    }

    @Test
    void numberToStringIsGraalJsString() {
        List<Double> d = doubles();
        Value toText = js.eval("js", "(a) => a.map(String)");
        Value arr = js.eval("js", "(n) => new Array(n)").execute(d.size());
        for (int i = 0; i < d.size(); i++) {
            arr.setArrayElement(i, d.get(i));
        }
        Value out = toText.execute(arr);
        for (int i = 0; i < d.size(); i++) {
            double x = d.get(i);
            assertThat(JsNumbers.toString(x)).as("String(%s) (bits %x)", x, Double.doubleToRawLongBits(x))
                    .isEqualTo(out.getArrayElement(i).asString());
        }
    }

    /** The 128-bit arithmetic for 16 and 17 digits against BigDecimal's exact value, on 2 million doubles. */
    @Test
    void closestDigitsInIntegerArithmeticAreBigDecimals() {
        Random r = new Random(17);
        int decided = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double x = switch (i % 5) {
                case 0 -> r.nextInt(10_000_000) / 100.0 * (1 + r.nextInt(50));
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(34) - 14);
                case 2 -> Math.abs(Double.longBitsToDouble(r.nextLong()));
                case 3 -> (r.nextInt(100_000) + r.nextDouble()) / (1 + r.nextInt(999));
                default -> Math.nextUp(r.nextInt(1_000_000) / 1000.0);
            };
            if (!(x > 0) || Double.isInfinite(x) || x < Double.MIN_NORMAL) {
                continue;
            }
            java.math.BigDecimal fast = JsNumbers.closest(x, 16);
            if (fast == null) {
                fast = JsNumbers.closest(x, 17);
            }
            if (fast == JsNumbers.SLOW) {
                continue;
            }
            decided++;
            java.math.BigDecimal slow = JsNumbers.slowShortest16or17(x);
            assertThat(fast).as("%s (bits %x)", x, Double.doubleToRawLongBits(x)).isNotNull();
            assertThat(fast.stripTrailingZeros()).as("%s (bits %x)", x, Double.doubleToRawLongBits(x)).isEqualTo(slow.stripTrailingZeros());
        }
        assertThat(decided).as("values the integer arithmetic decided").isGreaterThan(1_000_000);
    }

    /** The integer-arithmetic shortest form against the BigDecimal one, on a million doubles. */
    @Test
    void shortestDigitsWithoutBigNumbersAreTheSame() {
        Random r = new Random(31);
        int fast = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = switch (i % 4) {
                case 0 -> r.nextInt(10_000_000) / 100.0 * (1 + r.nextInt(50));
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(24) - 8);
                case 2 -> Math.abs(Double.longBitsToDouble(r.nextLong()));
                default -> (r.nextInt(100_000) + r.nextDouble()) / (1 + r.nextInt(999));
            };
            long packed = JsNumbers.fastShortest(x);
            if (packed < 0) {
                continue;
            }
            fast++;
            java.math.BigDecimal viaIntegers = java.math.BigDecimal.valueOf(packed >>> 5, (int) (packed & 31)).stripTrailingZeros();
            assertThat(viaIntegers).as("%s (bits %x)", x, Double.doubleToRawLongBits(x)).isEqualTo(JsNumbers.slowShortest(x));
        }
        assertThat(fast).isGreaterThan(500_000);
    }

    @Test
    void decimalStringsReadAsJavaReadsThem() {
        Random r = new Random(23);
        for (int i = 0; i < 1_000_000; i++) {
            StringBuilder b = new StringBuilder(r.nextBoolean() ? "" : "-");
            int whole = r.nextInt(10);
            for (int j = 0; j < whole; j++) {
                b.append((char) ('0' + r.nextInt(10)));
            }
            int frac = r.nextInt(12);
            if (frac > 0 || whole == 0) {
                b.append('.');
                for (int j = 0; j < Math.max(frac, 1); j++) {
                    b.append((char) ('0' + r.nextInt(10)));
                }
            }
            String t = b.toString();
            assertThat(Double.doubleToRawLongBits(JsNumbers.toNumber(t))).as(t).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(t)));
        }
    }

    @Test
    void toFixedIsGraalJsToFixed() {
        Random r = new Random(7);
        Value fixed = js.eval("js", "(x, f) => x.toFixed(f)");
        List<Double> d = new ArrayList<>(List.of(1.005, 1.045, -1.005, -0.0, -0.001, 0.5, 1.5, 2.5, 1e21, -1e21, 123.456,
                Double.NaN, Double.POSITIVE_INFINITY, 0.000001, 1e20, 99.995));
        for (int i = 0; i < 5_000; i++) {
            d.add(r.nextInt(2_000_000) / 1000.0 - 1000);
            d.add(r.nextDouble() * Math.pow(10, r.nextInt(30) - 10));
        }
        for (double x : d) {
            for (int f : new int[] {0, 1, 2, 3, 7, 20}) {
                assertThat(JsNumbers.toFixed(x, f)).as("(%s).toFixed(%d)", x, f).isEqualTo(fixed.execute(x, f).asString());
            }
        }
    }

    @Test
    void stringToNumberIsGraalJsNumber() {
        List<String> s = new ArrayList<>(List.of("", " ", "  12  ", "0x1F", "0X1f", "-0x1F", "0o17", "0b101", "0b102", "Infinity",
                "-Infinity", "+Infinity", "infinity", "1_000", "1,234.50", "1e", "1e+", "1e5", ".5", "5.", ".", "+.5", "-.5e-3",
                "\u00a01\u2003", "\ufeff7", "\u180e1", "\u001c1", "1d", "1f", "NaN", "0x", "00012", "-0", "+-1", "1e400", "4.9e-324",
                "2e-324", "\n\t3\r\n", "\u20281\u2029", "١٢", "0x١", "12abc", "1.7976931348623157e308", "1.7976931348623159e308",
                "0.1", "123456789012345678901234567890"));
        Random r = new Random(3);
        String alphabet = "0123456789.eE+-xXob \tInfinity_,\u00a0";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(8);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            s.add(b.toString());
        }
        Value number = js.eval("js", "(x) => Number(x)");
        for (String x : s) {
            double expected = number.execute(x).asDouble();
            double got = JsNumbers.toNumber(x);
            assertThat(Double.doubleToRawLongBits(got)).as("Number(%s) = %s, not %s", quote(x), expected, got)
                    .isEqualTo(Double.doubleToRawLongBits(expected));
        }
    }

    @Test
    void trimIsGraalJsTrim() {
        Value trim = js.eval("js", "(x) => [x.trim(), x.trimStart(), x.trimEnd()].join('|')");
        for (char c = 0; c < 0x3100; c++) {
            String x = c + "a" + c;
            assertThat(JsNumbers.trim(x) + "|" + JsNumbers.trimStart(x) + "|" + JsNumbers.trimEnd(x))
                    .as("U+%04X", (int) c).isEqualTo(trim.execute(x).asString());
        }
        String x = "\ufeffa\ufeff";
        assertThat(JsNumbers.trim(x)).isEqualTo(trim.execute(x).asString().split("\\|")[0]);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append('"').toString();
    }
}
