package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.RunProgress;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void lineShowsRowsRateShareOfInputAndEta() throws InterruptedException {
        RunProgress p = new RunProgress();
        p.totalBytes(1000);
        p.addBytes(250);
        p.addRows(12_345);
        Thread.sleep(20);
        assertThat(Progress.line(p)).matches("12,345 rows, [\\d,]+ rows/s, 25%, ETA \\d+:\\d\\d");
    }

    @Test
    void lineWithoutAKnownSizeShowsRowsAndRate() {
        RunProgress p = new RunProgress();
        p.addRows(7);
        assertThat(Progress.line(p)).matches("7 rows, [\\d,]+ rows/s");
    }
}
