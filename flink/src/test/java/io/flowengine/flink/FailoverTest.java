package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.RunSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure after a checkpoint: the job restarts from it, and the output, the dead letters and
 * the counts are exact — every record once, none twice.
 */
class FailoverTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FlinkTesting.cluster();

    static final int ROWS = 100_000;

    /** How many times the injected failure fired (attempt 0 of subtask 0 only). */
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Passes records on; on its first attempt, fails 500 records after the first completed checkpoint. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<SourceRecord, SourceRecord> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient boolean armed;
        private transient int after;
        private transient long seen;

        @Override
        public void open(OpenContext ctx) {
            armed = false;
        }

        @Override
        public SourceRecord map(SourceRecord r) throws Exception {
            if (++seen % 200 == 0) {
                // slow enough that checkpoints complete while rows are still flowing
                Thread.sleep(1);
            }
            if (armed && ++after == 500) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure after a checkpoint");
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                    && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                armed = true;
            }
        }
    }

    @Test
    void aFailureAfterACheckpointIsFollowedByExactlyOnceOutputAndExactCounts(@TempDir Path tmp) throws Exception {
        Path input = tmp.resolve("in.csv");
        StringBuilder csv = new StringBuilder("id,amount\n");
        Map<List<String>, Integer> expected = new HashMap<>();
        Map<List<String>, Integer> expectedDead = new HashMap<>();
        for (int i = 1; i <= ROWS; i++) {
            String amount = i % 1000 == 0 ? "oops" : Integer.toString(i % 97);
            csv.append(i).append(',').append(amount).append('\n');
            if (i % 1000 == 0) {
                expectedDead.merge(List.of(Integer.toString(i), amount, Integer.toString(i), Integer.toString(i + 1), "check",
                        "p.yaml:7:49: Error: not a number: oops", ""), 1, Integer::sum);
            } else {
                expected.merge(List.of(Integer.toString(i), amount, amount.replaceAll("[0-9]", "#")), 1, Integer::sum);
            }
        }
        Files.writeString(input, csv);
        Path pipeline = tmp.resolve("p.yaml");
        Files.writeString(pipeline, """
                errors:
                  onError: dead-letter
                steps:
                  - name: check
                    javascript: |
                      function transform(row) {
                        if (!/^[0-9]+$/.test(row.amount)) throw new Error('not a number: ' + row.amount);
                        row.masked = row.amount.replace(/[0-9]/g, '#');
                        return row;
                      }
                """);
        Path out = tmp.resolve("out");
        Path dl = tmp.resolve("dl");
        FlinkJob.Job job = FlinkJob.prepare(new FlinkJob.Request(pipeline, List.of(input.toString()), Optional.of(out.toString()),
                Optional.of(dl.toString()), Map.of(), Optional.of(2)), Map.of());

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(100);
        FAILURES.set(0);
        FlinkJob.build(env, job, records -> records.map(new FailOnceAfterCheckpoint()).setParallelism(2));
        JobClient client = env.executeAsync("failover");
        RunSummary summary = FlinkJob.await(client, job, System.nanoTime());

        assertThat(FAILURES.get()).as("the failure was injected").isEqualTo(1);
        assertThat(summary.succeeded()).as(summary.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(List.of(summary.rowsIn(), summary.rowsOut(), summary.rowsFailed(), summary.rowsWritten()))
                .isEqualTo(List.of((long) ROWS, (long) ROWS - ROWS / 1000, (long) ROWS / 1000, (long) ROWS - ROWS / 1000));
        assertThat(FlinkTesting.rowsOfParts(out, List.of("id", "amount", "masked"), StandardCharsets.UTF_8, ','))
                .isEqualTo(expected);
        assertThat(FlinkTesting.rowsOfParts(dl, new ArrayList<>(List.of("id", "amount", "_row", "_line", "_step", "_error", "_raw")),
                StandardCharsets.UTF_8, ',')).isEqualTo(expectedDead);
        assertThat(FlinkTesting.parts(out).size()).as("part files: rolled at checkpoints").isGreaterThan(2);
    }
}
