package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.StepSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/**
 * Scripts cannot reach the host: each attempt fails its row (or finds nothing), and the run goes
 * on. The full attack corpus belongs to the failure-handling work; these are the basics.
 */
class SandboxTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "Java.type('java.lang.System').exit(3)",
        "Packages.java.lang.System.exit(3)",
        "java.lang.System.exit(3)",
        "load('/etc/passwd')",
        "print('to stdout')",
        "Polyglot.eval('js', '1')",
        "require('fs').readFileSync('/etc/passwd')",
        "process.env.HOME",
        "quit()",
        "readFully('/etc/passwd')",
        "new Worker('x.js')",
        "setTimeout(() => 1, 0)",
    })
    void hostAccessFailsTheRowOnly(String attack) {
        Pipeline p = Pipeline.of(PipelineSpec.of("sandbox", List.of(StepSpec.javascript("attack",
                        "function transform(row) { if (row.n === '2') { row.x = String(" + attack + "); } return row; }")))
                .withErrors(ErrorsSpec.of(ErrorPolicy.DEAD_LETTER)));
        PipelineRun run = p.newRun();
        List<DeadLetter> dead = new java.util.concurrent.CopyOnWriteArrayList<>();
        run.deadLetters().subscribe(dead::add);
        List<Row> out = run.transform(Flux.range(1, 3).map(i -> Row.of(List.of("n"), List.of(Integer.toString(i)))))
                .collectList().block(Duration.ofSeconds(20));
        assertThat(out).extracting(r -> r.get("n")).containsExactly("1", "3");
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.rowNumber()).isEqualTo(2);
            assertThat(d.error()).containsAnyOf("is not defined", "is not a function", "Cannot read property", "is not allowed");
        });
    }
}
