package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.PipelineSpec.TestSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pipeline's tests run on the compiled steps and on GraalJS, and fail when the two differ. */
class TestsOnBothRuntimesTest {

    private static final List<TestSpec> TESTS = List.of(new TestSpec("upper", "name\nann\n", "name\nANN\n"));

    @Test
    void aCompiledPipelinesTestsPassWhenBothRuntimesAgree() {
        Pipeline p = Pipeline.of(PipelineSpec.of("t", List.of(StepSpec.javascript("up",
                "function transform(row) { row.name = row.name.toUpperCase(); return row; }"))).withTests(TESTS));
        assertThat(p.stepRuntimes()).allMatch(StepRuntime::compiled);
        assertThat(p.runTests()).singleElement().satisfies(r -> {
            assertThat(r.passed()).isTrue();
            assertThat(r.runtimesDiffer()).isEmpty();
        });
    }

    @Test
    void aDifferenceBetweenTheRuntimesFailsTheTestAndSaysHow() {
        Pipeline compiled = Pipeline.of(PipelineSpec.of("t", List.of(StepSpec.javascript("up",
                "function transform(row) { row.name = row.name.toUpperCase(); return row; }"))).withTests(TESTS));
        // stands in for a GraalJS run that disagrees
        Pipeline other = Pipeline.of(PipelineSpec.of("t", List.of(StepSpec.javascript("up",
                "function transform(row) { row.name = row.name + '?'; return row; }"))).withTests(TESTS));
        assertThat(compiled.runTests(compiled, other)).singleElement().satisfies(r -> {
            assertThat(r.passed()).isFalse();
            assertThat(r.runtimesDiffer()).containsExactly("output, compiled (-) and GraalJS (+):", "  name", "- ANN", "+ ann?");
            assertThat(r.diff()).as("the output itself is as expected").isEmpty();
        });
    }
}
