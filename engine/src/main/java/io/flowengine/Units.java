package io.flowengine;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and durations as people write them, the same in pipeline files and on the command line.
 *
 * <p>Sizes: a number of bytes (or characters, where the setting counts those), with an optional
 * unit, case-insensitive: {@code B}; decimal {@code KB MB GB TB} (powers of 1000); binary
 * {@code KiB MiB GiB TiB} and the one-letter {@code k m g t} (powers of 1024, as in Java's
 * {@code -Xmx1g}). {@code 10MB}, {@code 10MiB}, {@code 64k}, {@code 1g}, {@code 1.5GiB},
 * {@code 1048576}.
 *
 * <p>Durations: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, case-insensitive, alone or
 * combined ({@code 1m30s}); a bare number is seconds; ISO-8601 ({@code PT30S}) too.
 */
public final class Units {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    /** The forms {@link #size} takes, for messages. */
    public static final String SIZE_FORMS = "a number of bytes, or with a unit: 64k, 10KB, 10MB, 10MiB, 1g, 1.5GiB"
            + " (KB, MB, GB are powers of 1000; KiB, MiB, GiB and k, m, g powers of 1024)";
    /** The forms {@link #duration} takes, for messages. */
    public static final String DURATION_FORMS = "a number of seconds, or with a unit: 250ms, 30s, 5m, 1h, 1m30s";

    private Units() {
    }

    /**
     * The size {@code text} gives, in bytes.
     *
     * @throws IllegalArgumentException naming the forms that parse
     */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long unit = switch (m.group(2)) {
                case "", "b" -> 1L;
                case "kb" -> 1000L;
                case "mb" -> 1000L * 1000;
                case "gb" -> 1000L * 1000 * 1000;
                case "tb" -> 1000L * 1000 * 1000 * 1000;
                case "k", "kib" -> 1L << 10;
                case "m", "mib" -> 1L << 20;
                case "g", "gib" -> 1L << 30;
                case "t", "tib" -> 1L << 40;
                default -> -1L;
            };
            if (unit > 0) {
                BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
                if (bytes.scale() <= 0 || bytes.stripTrailingZeros().scale() <= 0) {
                    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
                        return bytes.longValueExact();
                    }
                } else {
                    throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes (" + bytes.toPlainString()
                            + "); write it in a smaller unit");
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a size: write " + SIZE_FORMS);
    }

    /**
     * The duration {@code text} gives.
     *
     * @throws IllegalArgumentException naming the forms that parse
     */
    public static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.matches("\\d+(\\.\\d+)?")) {
                return nanos(new BigDecimal(t), 1_000_000_000L);
            }
            Matcher m = DURATION_PART.matcher(t);
            Duration total = Duration.ZERO;
            int at = 0;
            while (at < t.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException();
                }
                long unit = switch (m.group(2)) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "h" -> 3_600_000_000_000L;
                    default -> 86_400_000_000_000L;
                };
                total = total.plus(nanos(new BigDecimal(m.group(1)), unit));
                at = m.end();
                while (at < t.length() && t.charAt(at) == ' ') {
                    at++;
                }
            }
            if (!t.isEmpty()) {
                return total;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: write " + DURATION_FORMS);
    }

    private static Duration nanos(BigDecimal amount, long unitNanos) {
        return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(unitNanos)).longValueExact());
    }
}
