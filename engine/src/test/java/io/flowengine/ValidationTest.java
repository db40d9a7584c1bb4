package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline-file problems: every one reported at once, with file:line:col and a fix. */
class ValidationTest {

    @TempDir
    Path dir;

    private List<Problem> problems(String yaml) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, yaml);
        return Pipeline.validate(file, Map.of(), Map.of());
    }

    @Test
    void unknownKeyIsLocatedWithASuggestion() throws IOException {
        assertThat(problems("source:\n  delimeter: ';'\nsteps: []\n"))
                .containsExactly(new Problem("pipeline.yaml", 2, 3, "unknown key 'source.delimeter'. Did you mean 'delimiter'?"));
    }

    @Test
    void aStepSaysExactlyOneThingToDo() throws IOException {
        assertThat(problems("steps:\n  - name: a\n    javascript: 'function transform(row) { return row; }'\n    filter: 'true'\n"
                + "  - name: b\n  - just text\n"))
                .containsExactly(
                        new Problem("pipeline.yaml", 2, 5, "step 'a': has javascript and filter. Give exactly one of 'javascript'"
                                + " (inline code), 'file' (a .js file) or 'filter' (an expression)."),
                        new Problem("pipeline.yaml", 5, 5, "step 'b': says nothing to do. Give exactly one of 'javascript'"
                                + " (inline code), 'file' (a .js file) or 'filter' (an expression)."),
                        new Problem("pipeline.yaml", 6, 5, "step 3 must be a mapping with 'name' and one of 'javascript', 'file'"
                                + " or 'filter', not the text 'just text'."));
    }

    @Test
    void javascriptSyntaxErrorIsLocatedInThePipelineFile() throws IOException {
        List<Problem> p = problems("steps:\n  - name: enrich\n    javascript: |\n      function transform(row, ctx) {\n        return row.x +;\n      }\n");
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(5);
            assertThat(problem.column()).isEqualTo(23);
            assertThat(problem.message()).startsWith("step 'enrich': SyntaxError: Expected an operand but found ;");
        });
    }

    @Test
    void syntaxErrorInAScriptFileIsLocatedInThatFile() throws IOException {
        Files.writeString(dir.resolve("enrich.js"), "function transform(row) {\n  return row.;\n}\n");
        assertThat(problems("steps:\n  - name: enrich\n    file: enrich.js\n")).singleElement().satisfies(problem -> {
            assertThat(problem.toString()).startsWith("enrich.js:2:14: step 'enrich': SyntaxError:");
        });
    }

    @Test
    void codeCutShortIsLocatedJustAfterItsLastCharacterNotInTheWrapper() throws IOException {
        assertThat(problems("steps:\n  - name: keep\n    filter: \"row.a ===\"\n")).singleElement()
                .satisfies(problem -> assertThat(problem.toString()).startsWith("pipeline.yaml:3:23: step 'keep': SyntaxError:"));
        assertThat(problems("steps:\n  - name: enrich\n    javascript: |\n      function transform(row) {\n        return row;\n\n"))
                .singleElement()
                .satisfies(problem -> assertThat(problem.toString()).startsWith("pipeline.yaml:5:20: step 'enrich': SyntaxError:"));
    }

    @Test
    void filterSyntaxErrorIsLocatedInsideTheQuotedExpression() throws IOException {
        assertThat(problems("steps:\n  - name: keep\n    filter: \"row.a ==== 1\"\n")).singleElement()
                .satisfies(problem -> assertThat(problem.toString()).startsWith("pipeline.yaml:3:23: step 'keep': SyntaxError: Expected an operand but found ="));
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        List<Problem> p = problems("version: 2\nsource:\n  header: maybe\n  encoding: UTF-9\nsteps:\n  - name: a\n    javascript: \"function transform(row) { return row +; }\"\n"
                + "errors:\n  onError: retry\nexecution:\n  parallelism: zero\n");
        assertThat(p).extracting(Problem::line).containsExactly(1, 3, 4, 7, 9, 11);
        assertThat(p.get(1).message()).isEqualTo("'header' must be true or false, not the text 'maybe'.");
        assertThat(p.get(2).message()).startsWith("unknown encoding 'UTF-9'. Did you mean");
        assertThat(p.get(4).message()).isEqualTo("'onError' must be one of fail | skip | dead-letter, not the text 'retry'.");
    }

    @Test
    void scriptWithoutTransformIsAProblem() throws IOException {
        assertThat(problems("steps:\n  - name: a\n    javascript: |\n      function transfrom(row) { return row; }\n"))
                .singleElement().satisfies(problem -> assertThat(problem.message())
                        .startsWith("step 'a': the script defines no function transform(row, ctx)."));
    }

    @Test
    void topLevelCodeThatNeverEndsIsAProblemNotAHang() throws IOException {
        assertThat(problems("execution:\n  scriptTimeout: 200ms\nsteps:\n  - name: a\n    javascript: |\n      while (true) {}\n      function transform(row) { return row; }\n"))
                .singleElement().satisfies(problem -> assertThat(problem.message())
                        .isEqualTo("step 'a': the script's top-level code ran longer than 10000 ms."
                                + " Move the work into transform(row, ctx), or make it finish"));
    }

    @Test
    void scriptTimeoutMustBeADuration() throws IOException {
        assertThat(problems("execution:\n  scriptTimeout: soon\nsteps: []\n")).singleElement()
                .isEqualTo(new Problem("pipeline.yaml", 2, 18, "'scriptTimeout' must be a positive duration such as 500ms, 2s, 1m or 1m30s (a bare number is seconds), not the text 'soon'."));
    }

    @Test
    void missingStepsAreFineButBadYamlIsAProblem() throws IOException {
        assertThat(problems("name: x\n")).as("a pipeline that only converts needs no steps").isEmpty();
        assertThat(problems("steps: [\n")).singleElement().satisfies(p -> assertThat(p.message()).startsWith("not valid YAML"));
    }

    @Test
    void unsetEnvironmentVariableIsAProblemButScriptsAreLeftAlone() throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, "vars:\n  token: ${TOKEN}\nsteps:\n  - name: a\n    javascript: \"function transform(row) { row.x = `${row.y}`; return row; }\"\n");
        assertThatThrownBy(() -> Pipeline.loadSpec(file, Map.of(), Map.of()))
                .isInstanceOfSatisfying(PipelineValidationException.class, e -> assertThat(e.problems()).singleElement()
                        .isEqualTo(new Problem("pipeline.yaml", 2, 10,
                                "environment variable TOKEN is not set. Set it, or give a default: ${TOKEN:-value}.")));
        PipelineSpec spec = Pipeline.loadSpec(file, Map.of(), Map.of("TOKEN", "t0k"));
        assertThat(spec.vars()).containsEntry("token", "t0k");
        assertThat(spec.steps().get(0).code()).contains("`${row.y}`");
    }

    @Test
    void jsonPipelinesAreAccepted() throws IOException {
        Path file = dir.resolve("p.json");
        Files.writeString(file, "{\"steps\": [{\"name\": \"f\", \"filter\": \"row.a === '1'\"}], \"execution\": {\"parallelism\": 1}}");
        PipelineSpec spec = Pipeline.loadSpec(file, Map.of(), Map.of());
        assertThat(spec.steps()).extracting(PipelineSpec.StepSpec::kind).containsExactly("filter");
        assertThat(spec.execution().parallelism()).isEqualTo(1);
    }
}
