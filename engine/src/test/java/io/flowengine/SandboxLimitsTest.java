package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.StepSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Limits a script cannot get around: the budget, memory, globals, message sizes. */
class SandboxLimitsTest {

    private static List<Row> rows(int n) {
        return Flux.range(1, n).map(i -> Row.of(List.of("n"), List.of(Integer.toString(i)))).collectList().block();
    }

    private record Result(List<Row> out, List<DeadLetter> dead, RunSummary summary, Throwable error) {
    }

    private static Result run(String script, int rows, Duration timeout) {
        Pipeline p = Pipeline.of(PipelineSpec.of("limits", List.of(StepSpec.javascript("s", script)))
                .withErrors(ErrorsSpec.of(ErrorPolicy.DEAD_LETTER))
                .withExecution(new ExecutionSpec(1, true, 10, 2, timeout)));
        PipelineRun run = p.newRun();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        run.deadLetters().subscribe(dead::add);
        List<Row> out = new CopyOnWriteArrayList<>();
        Throwable[] error = new Throwable[1];
        try {
            run.transform(Flux.fromIterable(rows(rows))).doOnNext(out::add).blockLast(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            error[0] = e;
        }
        return new Result(out, dead, run.summary().block(Duration.ofSeconds(10)), error[0]);
    }

    @Test
    void aRecursionThatCatchesItsOwnStackOverflowFailsTheRunInsteadOfRunningForEver() {
        long t0 = System.nanoTime();
        Result r = run("function f(n) { try { return f(n + 1) + 1; } catch (e) { return f(n + 1); } }\n"
                + "function transform(row) { if (row.n === '2') f(0); return row; }", 3, Duration.ofMillis(200));
        assertThat(r.error()).isNotNull();
        assertThat(r.error().getMessage()).isEqualTo("step 's' ran past execution.scriptTimeout (200 ms) on record 2 (line 2)"
                + " and could not be stopped: the script catches what stops it (for example a stack overflow it catches"
                + " to recurse again). The run was stopped. Fix the script's recursion or loop");
        assertThat(r.summary().succeeded()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ended, not hung").isLessThan(Duration.ofSeconds(50));
        // the next run gets a fresh context and a thread of its own
        Result next = run("function transform(row) { return row; }", 3, Duration.ofMillis(200));
        assertThat(next.out()).hasSize(3);
    }

    @Test
    void aHugeStringFailsItsRowOnly() {
        Result r = run("function transform(row) { if (row.n === '2') row.x = 'x'.repeat(2 ** 29); return row; }", 300,
                Duration.ofSeconds(5));
        assertThat(r.error()).isNull();
        assertThat(r.out()).hasSize(299);
        assertThat(r.dead()).singleElement().satisfies(d -> {
            assertThat(d.rowNumber()).isEqualTo(2);
            assertThat(d.error()).contains("RangeError").contains("Invalid string length");
        });
    }

    @Test
    void onlyEcmaScriptGlobalsAndConsoleExist() {
        Result r = run("function transform(row) { row.g = Reflect.ownKeys(globalThis).map(String).sort().join(' ');"
                + " row.t = [typeof Java, typeof Graal, typeof Polyglot, typeof Packages, typeof print, typeof load].join(); return row; }",
                1, Duration.ofSeconds(5));
        Row row = r.out().get(0);
        assertThat(row.get("t")).isEqualTo("undefined,undefined,undefined,undefined,undefined,undefined");
        List<String> ecma = List.of("AggregateError", "Array", "ArrayBuffer", "Atomics", "BigInt", "BigInt64Array", "BigUint64Array",
                "Boolean", "DataView", "Date", "Error", "EvalError", "FinalizationRegistry", "Float16Array", "Float32Array",
                "Float64Array", "Function", "Infinity", "Int16Array", "Int32Array", "Int8Array", "Intl", "Iterator", "JSON", "Map",
                "Math", "NaN", "Number", "Object", "Promise", "Proxy", "RangeError", "ReferenceError", "Reflect", "RegExp", "Set",
                "SharedArrayBuffer", "String", "Symbol", "SyntaxError", "TypeError", "URIError", "Uint16Array", "Uint32Array",
                "Uint8Array", "Uint8ClampedArray", "WeakMap", "WeakRef", "WeakSet", "decodeURI", "decodeURIComponent",
                "encodeURI", "encodeURIComponent", "escape", "eval", "globalThis", "isFinite", "isNaN", "parseFloat",
                "parseInt", "undefined", "unescape", "Symbol(Symbol.toStringTag)", "console");
        assertThat(List.of(row.get("g").split(" "))).isSubsetOf(ecma);
    }

    @Test
    void aHugeThrownMessageIsCutAndItsLengthSaid() {
        Result r = run("function transform(row) { if (row.n === '1') throw 'x'.repeat(10000000); return row; }", 2,
                Duration.ofSeconds(5));
        assertThat(r.dead()).singleElement().satisfies(d -> {
            assertThat(d.error()).hasSizeLessThan(2200).endsWith("… (cut; the message has 10000000 characters)");
        });
    }

    @Test
    void aStepsOwnGlobalsStayWritable() {
        Result r = run("var count = 0;\nlet seen = 0;\nfunction transform(row) { count++; seen++; row.c = count + '/' + seen; return row; }",
                3, Duration.ofSeconds(5));
        assertThat(r.out()).extracting(x -> x.get("c")).containsExactly("1/1", "2/2", "3/3");
    }
}
