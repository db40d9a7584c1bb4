package io.flowengine.internal.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The watchdog's thread lives only while contexts are watched: nothing of FlowEngine's outlives its runs. */
class WatchdogTest {

    private static boolean watchdogThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("flowengine-script-watchdog") && t.isAlive());
    }

    @Test
    void theWatchdogThreadEndsOnceNoContextIsWatchedAndComesBackForTheNextRun() {
        // an array return keeps the step on GraalJS, whose contexts the watchdog watches
        Pipeline p = Pipeline.of(PipelineSpec.of("w", List.of(StepSpec.javascript("id", "function transform(row) { return [row]; }")))
                .withExecution(new ExecutionSpec(1, true, 16, 2)));
        for (int round = 0; round < 2; round++) {
            List<Row> out = p.newRun().transform(Flux.range(0, 50).map(i -> Row.of(Map.of("n", Integer.toString(i)))))
                    .collectList().block(Duration.ofSeconds(30));
            assertThat(out).hasSize(50);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((Watchdog.running() || watchdogThreadAlive()) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            assertThat(Watchdog.running()).as("the watchdog after round " + round).isFalse();
            assertThat(watchdogThreadAlive()).as("the watchdog's thread after round " + round).isFalse();
        }
    }
}
