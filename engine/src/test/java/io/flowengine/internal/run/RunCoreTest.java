package io.flowengine.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.Row;
import io.flowengine.RunSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The run core's decisions: every record one fate, in input order, whole-chunk failures included. */
class RunCoreTest {

    private static final Columns COLS = Columns.of("n");

    private static Chunk chunk(long seq, int first, int size) {
        Row[] rows = new Row[size];
        for (int i = 0; i < size; i++) {
            rows[i] = Row.of(COLS, new String[] {Integer.toString(first + i)}, first + i, first + i + 1);
        }
        return new Chunk(seq, rows, size, List.of(), size);
    }

    private static PipelineSpec spec(ErrorPolicy policy) {
        PipelineSpec spec = PipelineSpec.of("t", List.of());
        return spec.withErrors(new ErrorsSpec(policy, Optional.empty(), OptionalLong.empty(), spec.errors().retry()));
    }

    @Test
    void aChunkThatFailedAsAWholeDeadLettersEachOfItsRecordsInItsPlace() {
        List<String> events = new ArrayList<>();
        RunCounters counters = new RunCounters();
        RunCore core = new RunCore(spec(ErrorPolicy.DEAD_LETTER), counters, OutputStage.unformatted(),
                d -> events.add("dead " + d.rowNumber() + " " + d.step() + ": " + d.error()));
        Chunk a = chunk(0, 1, 2);
        Chunk b = chunk(1, 3, 2);
        Chunk c = chunk(2, 5, 1);
        core.accept(Processed.ok(a, ChunkProcessor.process(a, null)), (row, from) -> events.add("row " + row.get("n")));
        core.accept(Processed.failed(b, new FlowEngineException("the JavaScript engine failed: boom")),
                (row, from) -> events.add("row " + row.get("n")));
        core.accept(Processed.ok(c, ChunkProcessor.process(c, null)), (row, from) -> events.add("row " + row.get("n")));
        core.finish(null);
        assertThat(events).containsExactly("row 1", "row 2", "dead 3 engine: the JavaScript engine failed: boom",
                "dead 4 engine: the JavaScript engine failed: boom", "row 5");
        RunSummary s = counters.summary(null);
        assertThat(s.rowsIn()).isEqualTo(5);
        assertThat(s.rowsOut()).isEqualTo(3);
        assertThat(s.rowsFailed()).isEqualTo(2);
    }

    @Test
    void underFailAChunkThatFailedAsAWholeFailsTheRunWithItsError() {
        RunCore core = new RunCore(spec(ErrorPolicy.FAIL), new RunCounters(), OutputStage.unformatted(), d -> { });
        Chunk b = chunk(0, 1, 2);
        assertThatThrownBy(() -> core.accept(Processed.failed(b, new FlowEngineException("the JavaScript engine failed: boom")),
                (row, from) -> { }))
                .hasMessage("the JavaScript engine failed: boom");
    }

    @Test
    void anErrorThatIsNotTheEnginesIsNeverTurnedIntoDeadLetters() {
        List<DeadLetter> dead = new ArrayList<>();
        RunCore core = new RunCore(spec(ErrorPolicy.DEAD_LETTER), new RunCounters(), OutputStage.unformatted(), dead::add);
        Chunk b = chunk(0, 1, 2);
        assertThatThrownBy(() -> core.accept(Processed.failed(b, new IllegalStateException("a bug")), (row, from) -> { }))
                .hasMessage("a bug");
        assertThat(dead).isEmpty();
    }

    @Test
    void aRunWhoseEveryRecordFailedFailsAtTheEnd() {
        RunCore core = new RunCore(spec(ErrorPolicy.SKIP), new RunCounters(), OutputStage.unformatted(), d -> { });
        Chunk b = chunk(0, 1, 3);
        core.accept(Processed.failed(b, new FlowEngineException("boom")), (row, from) -> { });
        assertThatThrownBy(() -> core.finish(null)).hasMessageStartingWith("every record failed (3 of 3)");
    }
}
