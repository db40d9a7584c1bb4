package io.flowengine.internal.compiled;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.DeadLetter;
import io.flowengine.ErrorPolicy;
import io.flowengine.Pipeline;
import io.flowengine.PipelineRun;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.JavaScriptMode;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.Row;
import io.flowengine.StepRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

/**
 * Random programs inside the compiled subset, on random rows, compiled and on GraalJS: the same
 * rows out, the same dead letters. {@code FLOWENGINE_DIFF_LONG=1} runs many more seeds.
 */
class CompiledDifferentialTest {

    private static final String[] VALUES = {"", " ", "0", "-0", "1", "12", "007", "1.5", " 2 ", "1e3", "0x1F", "Infinity", "-Infinity",
        "NaN", "1_000", "1,234.50", "abc", "ABC", "straße", "İstanbul", "ǅ", "ﬀ", "ΣΑΣ", "a\u00a0", "\ufeffx", "\u2028", "10", "9",
        "-3.25", "1e21", "123456789012345678901234", "true", "null", "undefined", " padded  ", "\t", "😀x", "0.1", "0.2"};
    private static final String[] LITERALS = {"''", "'a'", "' 1 '", "'0x10'", "'Infinity'", "'ß'", "'10'", "'-0'", "'1e3'", "'x\\ty'",
        "0", "1", "0.1", "1.5", "2.5", "1e21", "100", "3", "7", "true", "false", "null", "undefined", "NaN", "Infinity"};
    private static final String[] BINARY = {"+", "-", "*", "/", "%", "<", "<=", ">", ">=", "===", "!==", "==", "!=", "&&", "||", "??"};
    private static final String[] STRING_METHODS = {"toUpperCase()", "toLowerCase()", "trim()", "trimStart()", "trimEnd()", "length"};

    private static String expr(Random r, int depth) {
        int pick = depth <= 0 ? r.nextInt(2) : r.nextInt(12);
        switch (pick) {
            case 0:
                return switch (r.nextInt(7)) {
                    case 0 -> "row.a";
                    case 1 -> "row.b";
                    case 2 -> "row['c']";
                    case 3 -> "row.missing";
                    case 4 -> "ctx.rowNumber";
                    case 5 -> "ctx.vars.v";
                    default -> "ctx.line";
                };
            case 1:
                return LITERALS[r.nextInt(LITERALS.length)];
            case 2:
                return "(" + expr(r, depth - 1) + " " + BINARY[r.nextInt(BINARY.length)] + " " + expr(r, depth - 1) + ")";
            case 3:
                return switch (r.nextInt(4)) {
                    case 0 -> "!(" + expr(r, depth - 1) + ")";
                    case 1 -> "-(" + expr(r, depth - 1) + ")";
                    case 2 -> "+(" + expr(r, depth - 1) + ")";
                    default -> "typeof (" + expr(r, depth - 1) + ")";
                };
            case 4:
                return "(" + expr(r, depth - 1) + " ? " + expr(r, depth - 1) + " : " + expr(r, depth - 1) + ")";
            case 5:
                return new String[] {"Number", "String", "Boolean", "isNaN"}[r.nextInt(4)] + "(" + expr(r, depth - 1) + ")";
            case 6:
                return "Math." + new String[] {"round", "floor", "ceil", "trunc", "abs", "sign", "sqrt"}[r.nextInt(7)]
                        + "(" + expr(r, depth - 1) + ")";
            case 7:
                return "Math." + (r.nextBoolean() ? "min" : "max") + "(" + expr(r, depth - 1) + ", " + expr(r, depth - 1) + ")";
            case 8:
                return "String(" + expr(r, depth - 1) + ")." + STRING_METHODS[r.nextInt(STRING_METHODS.length)];
            case 9: {
                String m = new String[] {"slice", "substring", "charAt", "indexOf", "includes", "startsWith", "endsWith"}[r.nextInt(7)];
                boolean two = (m.equals("slice") || m.equals("substring")) && r.nextBoolean();
                return "String(" + expr(r, depth - 1) + ")." + m + "(" + expr(r, depth - 1) + (two ? ", " + expr(r, depth - 1) : "") + ")";
            }
            case 10:
                return "Number(" + expr(r, depth - 1) + ").toFixed(" + r.nextInt(4) + ")";
            default:
                return "(" + expr(r, depth - 1) + " + " + expr(r, depth - 1) + ")";
        }
    }

    private static String program(Random r, int expressions) {
        StringBuilder js = new StringBuilder("const K = " + LITERALS[r.nextInt(10)] + ";\nfunction transform(row, ctx) {\n");
        js.append("  const x = ").append(expr(r, 2)).append(";\n");
        js.append("  let y = ").append(expr(r, 2)).append(";\n");
        for (int i = 0; i < expressions; i++) {
            switch (r.nextInt(6)) {
                case 0 -> js.append("  if (").append(expr(r, 2)).append(") { row.o").append(i).append(" = ").append(expr(r, 3))
                        .append("; } else { row['o").append(i).append("'] = x; }\n");
                case 1 -> js.append("  y ").append(new String[] {"+=", "-=", "*=", "="}[r.nextInt(4)]).append(' ')
                        .append(expr(r, 2)).append(";\n  row.y").append(i).append(" = y;\n");
                case 2 -> js.append("  row.a += ").append(expr(r, 1)).append(";\n");
                case 3 -> js.append("  row.k").append(i).append(" = K + ").append(expr(r, 2)).append(";\n");
                case 4 -> js.append("  if (").append(expr(r, 2)).append(") delete row.b;\n")
                        .append(r.nextBoolean() ? "  row.b = " + expr(r, 1) + ";\n" : "")
                        .append(r.nextBoolean() ? "  row.missing += " + expr(r, 1) + ";\n" : "");
                default -> js.append("  row.o").append(i).append(" = ").append(expr(r, 4)).append(";\n");
            }
        }
        js.append(r.nextInt(10) == 0 ? "  if (" + expr(r, 2) + ") return null;\n" : "");
        return js.append("  return row;\n}\n").toString();
    }

    private static List<Row> rows(Random r, int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Row.of(List.of("a", "b", "c"), List.of(value(r), value(r), value(r))));
        }
        return rows;
    }

    private static String value(Random r) {
        if (r.nextInt(5) == 0) {
            return Double.toString(r.nextInt(2000) / 8.0 - 100);
        }
        if (r.nextInt(10) == 0) {
            StringBuilder sb = new StringBuilder();
            for (int i = r.nextInt(5); i > 0; i--) {
                sb.append((char) (r.nextInt(0x3000)));
            }
            return sb.toString();
        }
        return VALUES[r.nextInt(VALUES.length)];
    }

    private record Result(List<String> rows, List<String> dead) {
    }

    private static Result run(List<StepSpec> steps, List<Row> input, JavaScriptMode mode, boolean expectCompiled) {
        PipelineSpec spec = PipelineSpec.of("diff", steps).withVars(Map.of("v", "7"))
                .withErrors(ErrorsSpec.of(ErrorPolicy.DEAD_LETTER).withMaxErrors(1_000_000))
                .withExecution(new ExecutionSpec(1, true, 16, 2, Duration.ofSeconds(5), mode));
        Pipeline p = Pipeline.of(spec);
        if (expectCompiled) {
            assertThat(p.stepRuntimes()).as(steps.toString()).allMatch(StepRuntime::compiled);
        }
        PipelineRun run = p.newRun();
        List<String> dead = new CopyOnWriteArrayList<>();
        run.deadLetters().subscribe(d -> dead.add(d.rowNumber() + " " + d.step() + " " + d.error()));
        List<String> out = new ArrayList<>();
        for (Row row : run.transform(Flux.fromIterable(input)).collectList().block(Duration.ofSeconds(60))) {
            out.add(row.rowNumber() + " " + row.columns().names() + " " + row.values());
        }
        return new Result(out, dead);
    }

    private static void compare(List<StepSpec> steps, List<Row> rows) {
        Result graal = run(steps, rows, JavaScriptMode.GRAALJS, false);
        long before = CompiledRail.COMPILED.get();
        Result compiled = run(steps, rows, JavaScriptMode.AUTO, true);
        compiledRows += CompiledRail.COMPILED.get() - before;
        assertThat(compiled.rows()).as("rows out of\n" + steps.get(0).code()).isEqualTo(graal.rows());
        assertThat(compiled.dead()).as("dead letters of\n" + steps.get(0).code()).isEqualTo(graal.dead());
    }

    private static long compiledRows;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void randomTransformsGiveGraalJsResults(int seed) {
        int seeds = System.getenv("FLOWENGINE_DIFF_LONG") != null ? 200 : 1;
        compiledRows = 0;
        for (int s = 0; s < seeds; s++) {
            Random r = new Random(seed * 1_000_003L + s);
            compare(List.of(StepSpec.javascript("t", program(r, 25))), rows(r, 40));
        }
        assertThat(compiledRows).as("rows the compiled code ran to the end, not handed to GraalJS").isGreaterThan(seeds * 20L);
    }

    @Test
    void randomFiltersGiveGraalJsResults() {
        Random r = new Random(99);
        List<Row> rows = rows(r, 60);
        for (int i = 0; i < 8; i++) {
            compare(List.of(StepSpec.filter("f" + i, expr(r, 3)), StepSpec.javascript("t", program(r, 5))), rows);
        }
    }

    @Test
    void rowsThatWouldThrowRunOnGraalJsWithItsErrors() {
        Random r = new Random(5);
        List<Row> rows = rows(r, 30);
        compare(List.of(StepSpec.javascript("t", "function transform(row, ctx) {\n  row.u = row.missing.toUpperCase();\n"
                + "  row.n = ctx.rowNumber;\n  return row;\n}\n")), rows);
        compare(List.of(StepSpec.javascript("t", "function transform(row) {\n  row.f = row.a.toFixed(2);\n  return row;\n}\n")), rows);
        compare(List.of(StepSpec.filter("f", "row.a.length > 2 && row.missing.trim() !== ''")), rows);
    }

    @Test
    void stepsOutsideTheSubsetSayWhyAndRunOnGraalJs() {
        Pipeline p = Pipeline.of(PipelineSpec.of("x", List.of(
                StepSpec.javascript("ok", "function transform(row) { row.x = row.a.trim(); return row; }"),
                StepSpec.javascript("date", "function transform(row) {\n  row.d = new Date(0).toISOString();\n  return row;\n}"))));
        assertThat(p.stepRuntimes()).extracting(StepRuntime::runtime).containsExactly("graaljs", "graaljs");
        assertThat(p.stepRuntimes().get(1).reason()).isEqualTo("date.js:2:11: the name 'new' is not compiled");
        assertThat(p.stepRuntimes().get(0).reason()).isEqualTo("another step of the pipeline is not compiled");
    }
}
