package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.internal.js.JsRail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The engine embedded in a plain Reactor application: {@code Flux<Row> -> Flux<Row>}. */
class EmbeddingTest {

    private static Pipeline pipeline(ErrorPolicy policy, int parallelism, int chunkSize, StepSpec... steps) {
        return Pipeline.of(PipelineSpec.of("test", List.of(steps))
                .withErrors(ErrorsSpec.of(policy))
                .withExecution(new ExecutionSpec(parallelism, true, chunkSize, 2)));
    }

    private static Row row(int n) {
        return Row.of(List.of("n", "name"), List.of(Integer.toString(n), "name" + n));
    }

    private static Flux<Row> rows(int count) {
        return Flux.range(1, count).map(EmbeddingTest::row);
    }

    @Test
    void transformsAnApplicationsFlux() {
        Pipeline p = pipeline(ErrorPolicy.FAIL, 2, 3,
                StepSpec.javascript("upper", "function transform(row) { row.name = row.name.toUpperCase(); return row; }"),
                StepSpec.filter("odd", "Number(row.n) % 2 === 1"));
        PipelineRun run = p.newRun();
        StepVerifier.create(run.transform(rows(5)).map(r -> r.get("name")))
                .expectNext("NAME1", "NAME3", "NAME5")
                .verifyComplete();
        RunSummary s = run.summary().block(Duration.ofSeconds(5));
        assertThat(s.rowsIn()).isEqualTo(5);
        assertThat(s.rowsOut()).isEqualTo(3);
        assertThat(s.rowsFiltered()).isEqualTo(2);
    }

    @Test
    void backpressureBoundsHowFarTheSourceIsReadAhead() {
        Pipeline p = pipeline(ErrorPolicy.FAIL, 2, 4, StepSpec.javascript("id", "function transform(row) { return row; }"));
        AtomicLong emitted = new AtomicLong();
        Flux<Row> source = rows(100_000).doOnNext(r -> emitted.incrementAndGet());
        StepVerifier.create(p.newRun().transform(source), 0)
                .thenRequest(3)
                .expectNextCount(3)
                .thenAwait(Duration.ofMillis(300))
                .then(() -> assertThat(emitted.get()).as("rows read ahead").isLessThan(400))
                .thenRequest(5)
                .expectNextCount(5)
                .thenAwait(Duration.ofMillis(200))
                .then(() -> assertThat(emitted.get()).as("rows read ahead").isLessThan(400))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void orderIsPreservedAcrossParallelRails() {
        Pipeline p = pipeline(ErrorPolicy.FAIL, 4, 5, StepSpec.javascript("uneven",
                "function transform(row) { const n = Number(row.n); if (n % 3 === 0) { let x = 0;"
                        + " for (let i = 0; i < 30000; i++) x += i; } return row; }"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            expected.add(Integer.toString(i));
        }
        StepVerifier.create(p.newRun().transform(rows(2000)).map(r -> r.get("n")).collectList())
                .assertNext(list -> assertThat(list).containsExactlyElementsOf(expected))
                .verifyComplete();
    }

    @Test
    void deadLettersAreRoutedWithReasonAndPosition() {
        Pipeline p = pipeline(ErrorPolicy.DEAD_LETTER, 2, 2, StepSpec.javascript("check",
                "function transform(row) {\n  if (row.n === '3') throw new Error('three is bad');\n  return row;\n}"));
        PipelineRun run = p.newRun();
        List<DeadLetter> dead = new ArrayList<>();
        run.deadLetters().subscribe(dead::add);
        StepVerifier.create(run.transform(rows(5)).map(r -> r.get("n")))
                .expectNext("1", "2", "4", "5")
                .verifyComplete();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.rowNumber()).isEqualTo(3);
            assertThat(d.step()).isEqualTo("check");
            assertThat(d.error()).isEqualTo("check.js:2:28: Error: three is bad");
            assertThat(d.input().get("name")).isEqualTo("name3");
        });
        RunSummary s = run.summary().block(Duration.ofSeconds(5));
        assertThat(s.rowsFailed()).isEqualTo(1);
        assertThat(s.rowsIn()).isEqualTo(s.rowsOut() + s.rowsFiltered() + s.rowsFailed());
    }

    @Test
    void failPolicyEndsTheFluxWithARowException() {
        Pipeline p = pipeline(ErrorPolicy.FAIL, 2, 2, StepSpec.javascript("check",
                "function transform(row) { if (row.n === '3') throw new TypeError('bad'); return row; }"));
        StepVerifier.create(p.newRun().transform(rows(5)))
                .expectNextCount(2)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(RowException.class);
                    RowException re = (RowException) e;
                    assertThat(re.rowNumber()).isEqualTo(3);
                    assertThat(re.step()).isEqualTo("check");
                    assertThat(re.reason()).contains("TypeError: bad");
                })
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void engineErrorHandlingDoesNotLeakIntoTheApplicationsUpstreamOperators() {
        Pipeline p = pipeline(ErrorPolicy.DEAD_LETTER, 2, 2, StepSpec.javascript("id", "function transform(row) { return row; }"));
        Flux<Row> appUpstream = rows(5).map(r -> {
            if (r.get("n").equals("3")) {
                throw new IllegalStateException("application bug");
            }
            return r;
        });
        // without the fence, onErrorContinue would drop row 3 and the Flux would complete
        StepVerifier.create(p.newRun().transform(appUpstream))
                .thenConsumeWhile(r -> Integer.parseInt(r.get("n")) < 3)
                .expectErrorMessage("application bug")
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void cancellationClosesTheJavaScriptContexts() {
        // an array return keeps the step on GraalJS
        Pipeline p = pipeline(ErrorPolicy.FAIL, 2, 2, StepSpec.javascript("id", "function transform(row) { return [row]; }"));
        int before = JsRail.openContexts();
        StepVerifier.create(p.newRun().transform(rows(50).concatWith(Flux.never())), 0)
                .thenRequest(3)
                .expectNextCount(3)
                .then(() -> assertThat(JsRail.openContexts()).isGreaterThan(before))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        // a context still running a chunk closes when its call returns: wait for that, not spin
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (JsRail.openContexts() > before && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertThat(JsRail.openContexts()).isEqualTo(before);
    }

    @Test
    void aPipelineWhoseStepsAllCompileOpensNoJavaScriptContext() {
        Pipeline p = pipeline(ErrorPolicy.FAIL, 2, 2, StepSpec.javascript("up", "function transform(row) { row.m = row.n + '!'; return row; }"));
        assertThat(p.stepRuntimes()).extracting(StepRuntime::runtime).containsExactly("compiled");
        int before = JsRail.openContexts();
        List<Row> out = p.newRun().transform(rows(500)).collectList().block(Duration.ofSeconds(30));
        assertThat(out).hasSize(500).last().satisfies(r -> assertThat(r.get("m")).isEqualTo("500!"));
        assertThat(JsRail.openContexts()).isEqualTo(before);
    }

    @Test
    void rowsOfASlowSourceAreNotHeldBack() {
        Pipeline p = pipeline(ErrorPolicy.FAIL, 2, 4, StepSpec.javascript("id", "function transform(row) { return row; }"));
        StepVerifier.create(p.newRun().transform(rows(5).concatWith(Flux.never())).map(r -> r.get("n")))
                .expectNext("1", "2", "3", "4", "5")
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aRunTransformsOnlyOnce() {
        PipelineRun run = pipeline(ErrorPolicy.FAIL, 1, 2).newRun();
        run.transform(rows(1)).blockLast(Duration.ofSeconds(5));
        StepVerifier.create(run.transform(rows(1))).expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
    }
}
