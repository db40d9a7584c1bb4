package io.flowengine.cli;

import io.flowengine.Units;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;

/** Command-line sizes and durations, in the forms pipeline files take ({@link Units}). */
final class UnitConverters {

    private UnitConverters() {
    }

    /** {@code 10MB}, {@code 10MiB}, {@code 64k}, {@code 1g}, or bytes. */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.size(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A size per second: {@code 64k}, {@code 64k/s}, or bytes. */
    static final class Rate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.strip();
            if (v.toLowerCase(java.util.Locale.ROOT).endsWith("/s")) {
                v = v.substring(0, v.length() - 2);
            }
            try {
                return Units.size(v);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a rate: write bytes per second, such as"
                        + " 1024, 64k, 64k/s or 1MB/s");
            }
        }
    }

    /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1m30s}, or seconds. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.duration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
