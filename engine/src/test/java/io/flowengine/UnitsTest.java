package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizes and durations, in every form the docs name. */
class UnitsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"1048576, 1048576", "0, 0", "10B, 10", "64k, 65536", "64K, 65536", "64KiB, 65536", "64kib, 65536",
            "10KB, 10000", "10kb, 10000", "10MB, 10000000", "10MiB, 10485760", "10m, 10485760", "1g, 1073741824",
            "1G, 1073741824", "1GiB, 1073741824", "1GB, 1000000000", "1.5GiB, 1610612736", "1t, 1099511627776",
            "2TB, 2000000000000", "' 4 MiB ', 4194304"})
    void sizes(String text, long bytes) {
        assertThat(Units.size(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"ten", "10 potatoes", "1.3k", "-5", "''", "10MBs", "1e3"})
    void whatIsNotASizeSaysWhatIs(String text) {
        assertThatThrownBy(() -> Units.size(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").satisfiesAnyOf(
                        e -> assertThat(e).hasMessageContaining("64k, 10KB, 10MB, 10MiB, 1g"),
                        e -> assertThat(e).hasMessageContaining("not a whole number of bytes"));
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"250ms, 250", "30s, 30000", "30S, 30000", "5m, 300000", "1h, 3600000", "1d, 86400000", "1m30s, 90000",
            "'1m 30s', 90000", "2, 2000", "0.5, 500", "1.5s, 1500", "PT30S, 30000", "pt1m, 60000", "0, 0"})
    void durations(String text, long millis) {
        assertThat(Units.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"soon", "30 sec", "5x", "''", "ms", "-3s", "1m30"})
    void whatIsNotADurationSaysWhatIs(String text) {
        assertThatThrownBy(() -> Units.duration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration: write " + Units.DURATION_FORMS);
    }

    @Test
    void pipelineFilesTakeTheSameForms(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("p.yaml");
        Files.writeString(p, """
                source:
                  maxFieldSize: 64k
                  maxRecordSize: 10MB
                execution:
                  scriptTimeout: 1m30s
                errors:
                  retry:
                    backoff: 250ms
                """);
        PipelineSpec spec = Pipeline.loadSpec(p, Map.of(), Map.of());
        assertThat(spec.source().maxFieldSize()).isEqualTo(65_536);
        assertThat(spec.source().maxRecordSize()).isEqualTo(10_000_000);
        assertThat(spec.execution().scriptTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(spec.errors().retry().backoff()).isEqualTo(Duration.ofMillis(250));

        Files.writeString(p, "source:\n  maxFieldSize: 1.3k\nexecution:\n  scriptTimeout: 0s\n");
        assertThat(Pipeline.validate(p, Map.of(), Map.of())).extracting(Problem::toString).containsExactly(
                "p.yaml:2:17: 'maxFieldSize' must be a size in characters between 1 and 512MiB, such as 65536, 64k, 64KiB or 4MiB"
                        + " (KB and MB are powers of 1000, KiB, MiB, k and m powers of 1024), not the text '1.3k'.",
                "p.yaml:4:18: 'scriptTimeout' must be a positive duration such as 500ms, 2s, 1m or 1m30s (a bare number is"
                        + " seconds), not the text '0s'.");
    }
}
