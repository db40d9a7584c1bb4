package io.flowengine.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.PipelineSpec;
import io.flowengine.Row;
import io.flowengine.RunStatus;
import io.flowengine.RunSummary;
import io.flowengine.internal.csv.CsvWriter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a runner that groups and writes records itself (Flink) uses of the run core. */
class RunCoreForOtherRunnersTest {

    private static RecordSource source(String csv) {
        return new RecordSource(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), PipelineSpec.SourceSpec.DEFAULT, "in.csv");
    }

    @Test
    void recordsOneAtATimeAreTheChunksRecordsWithTheSameNumbersAndFailures() {
        String csv = "a,b\n1,2\n3\n\"x,4\n5,6\n";
        List<String> chunked = new ArrayList<>();
        try (RecordSource s = source(csv)) {
            Chunk c = s.next(0, 100);
            for (int i = 0; i < c.size(); i++) {
                chunked.add("row " + c.rows()[i].rowNumber() + "@" + c.rows()[i].line() + " " + c.rows()[i].values());
            }
            for (DeadLetter d : c.malformed()) {
                chunked.add("failed " + d.rowNumber() + "@" + d.line() + " " + d.error() + " raw=" + d.raw());
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        List<String> single = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (RecordSource s = source(csv)) {
            assertThat(s.start()).isTrue();
            assertThat(s.columns()).isEqualTo(Columns.of("a", "b"));
            RecordSource.Record r;
            while ((r = s.nextRecord()) != null) {
                assertThat(r.row() == null).isNotEqualTo(r.failure() == null);
                if (r.row() != null) {
                    single.add("row " + r.row().rowNumber() + "@" + r.row().line() + " " + r.row().values());
                } else {
                    failed.add("failed " + r.failure().rowNumber() + "@" + r.failure().line() + " " + r.failure().error()
                            + " raw=" + r.failure().raw());
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        single.addAll(failed);
        assertThat(single).isEqualTo(chunked).hasSize(4);
    }

    @Test
    void anEmptyInputHasNoHeaderToStartWith() throws Exception {
        try (RecordSource s = source("")) {
            assertThat(s.start()).isFalse();
            assertThat(s.nextRecord()).isNull();
        }
    }

    @Test
    void aHeaderFoundBeforehandIsFittedAsTheFirstOutputRowsWouldBe() {
        // the header a preview found: a row with another column fails, as under the default header
        CsvWriter writer = new CsvWriter(',', '"');
        OutputStage stage = new OutputStage(Optional.of(List.of("a")), false, writer, false);
        PipelineSpec spec = PipelineSpec.of("t", List.of());
        List<DeadLetter> dead = new ArrayList<>();
        RunCore core = new RunCore(spec.withErrors(PipelineSpec.ErrorsSpec.of(io.flowengine.ErrorPolicy.DEAD_LETTER)),
                new RunCounters(), stage, dead::add);
        Row[] rows = {Row.of(Columns.of("a"), new String[] {"1"}, 1, 2), Row.of(Columns.of("a", "x"), new String[] {"2", "y"}, 2, 3)};
        Chunk c = new Chunk(0, rows, 2, List.of(), 2);
        StringBuilder csv = new StringBuilder();
        core.accept(Processed.ok(c, ChunkProcessor.process(c, null)), csv);
        assertThat(csv.toString()).as("rows only: the runner writes the header").isEqualTo("1\n");
        assertThat(core.outputHeader()).isEqualTo(Columns.of("a"));
        assertThat(dead).singleElement().satisfies(d -> assertThat(d.error()).contains("has a column 'x'"));
    }

    @Test
    void restoredCountsAddToTheNewOnes() {
        RunCounters counters = new RunCounters();
        counters.restore(10, 7, 2, 1, 8);
        counters.addIn(3);
        counters.addOut(3, 3);
        assertThat(counters.snapshot()).containsExactly(13, 10, 2, 1, 11);
        RunSummary s = counters.summary(null);
        assertThat(List.of(s.rowsIn(), s.rowsOut(), s.rowsFiltered(), s.rowsFailed(), s.rowsWritten()))
                .containsExactly(13L, 10L, 2L, 1L, 11L);
    }

    @Test
    void theSummaryLineIsTheOneTheCommandLineToolsPrint() {
        RunSummary s = new RunSummary(RunStatus.SUCCEEDED, 1_000, 990, 5, 5, 992, Duration.ofMillis(1234), Optional.empty());
        assertThat(s.line()).isEqualTo("succeeded in 1.2 s: 1,000 rows in, 990 out, 5 filtered, 5 failed (992 rows written)");
        RunSummary bad = new RunSummary(RunStatus.FAILED, 4, 1, 0, 3, 1, Duration.ofMillis(50), Optional.empty());
        assertThat(bad.line()).isEqualTo("failed in 0.1 s: 4 rows in, 1 out, 0 filtered, 3 failed; more than half of the records failed (75%)");
    }
}
