package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void lineShowsRowsRateShareOfInputAndEta() {
        // a quarter of the input in 2 s: 6 s to go
        assertThat(Progress.line(12_345, 250, 1000, 2_000_000_000L)).isEqualTo("12,345 rows, 6,173 rows/s, 25%, ETA 0:06");
    }

    @Test
    void lineWithoutAKnownSizeShowsRowsAndRate() {
        assertThat(Progress.line(7, 100, -1, 1_000_000_000L)).isEqualTo("7 rows, 7 rows/s");
    }
}
