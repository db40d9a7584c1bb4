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
        "-3.25", "1e21", "123456789012345678901234", "true", "null", "undefined", " padded  ", "\t", "😀x", "0.1", "0.2",
        "12abc", "0x", "1.5e", "+.5", "-Infinityx", "0b11", "   42px", "9007199254740993", "1e400", "a,b,,c", "x-y-z", "ab ab", "$&"};
    private static final String[] LITERALS = {"''", "'a'", "' 1 '", "'0x10'", "'Infinity'", "'ß'", "'10'", "'-0'", "'1e3'", "'x\\ty'",
        "0", "1", "0.1", "1.5", "2.5", "1e21", "100", "3", "7", "true", "false", "null", "undefined", "NaN", "Infinity"};
    private static final String[] BINARY = {"+", "-", "*", "/", "%", "<", "<=", ">", ">=", "===", "!==", "==", "!=", "&&", "||", "??"};
    private static final String[] STRING_METHODS = {"toUpperCase()", "toLowerCase()", "trim()", "trimStart()", "trimEnd()", "length"};

    private static final String[] SEPARATORS = {"','", "' '", "''", "'a'", "'ab'", "'-'", "'.'", "'ß'", "'\\t'"};
    private static final String[] REPLACEMENTS = {"'x'", "''", "'$&$&'", "'$$'", "'[$`]'", "\"<$'>\"", "'$1'", "'$<n>'", "'$'", "'$0'"};

    private static String sep(Random r) {
        return SEPARATORS[r.nextInt(SEPARATORS.length)];
    }

    /** The constructs added after the first subset: templates, parsing, padding, replacing, splitting. */
    private static String more(Random r, int depth) {
        String e = expr(r, depth - 1);
        return switch (r.nextInt(16)) {
            case 0 -> "`<${" + e + "}|${" + expr(r, depth - 1) + "}>`";
            case 1 -> "`\\t${" + e + "}\\u00e9\\`$`";
            case 2 -> "parseInt(" + e + ")";
            case 3 -> "parseInt(" + e + ", " + new String[] {"16", "2", "36", "0", "1", "10", "37", "'8'", "-1", "undefined"}[r.nextInt(10)] + ")";
            case 4 -> (r.nextBoolean() ? "parseFloat(" : "Number.parseFloat(") + e + ")";
            case 5 -> "parseFloat(String(" + e + ").slice(1))";
            case 6 -> "String(" + e + ")." + (r.nextBoolean() ? "padStart" : "padEnd") + "(" + new String[] {"0", "5", "8", "-1", "'6'", "2.7"}[r.nextInt(6)]
                    + (r.nextBoolean() ? ", " + LITERALS[r.nextInt(10)] : "") + ")";
            case 7 -> "String(" + e + ").repeat(" + (r.nextBoolean() ? new String[] {"0", "1", "3", "-1", "Infinity", "2.5", "NaN"}[r.nextInt(7)]
                    : "Math.abs(" + expr(r, depth - 1) + ") % 4") + ")";
            case 8 -> "String(" + e + ")." + (r.nextBoolean() ? "replace" : "replaceAll") + "(" + (r.nextBoolean() ? sep(r) : expr(r, depth - 1))
                    + ", " + REPLACEMENTS[r.nextInt(REPLACEMENTS.length)] + ")";
            case 9 -> "String(" + e + ").split(" + sep(r) + ")[" + (r.nextBoolean() ? r.nextInt(3) : expr(r, depth - 1)) + "]";
            case 10 -> "String(" + e + ").split(" + sep(r) + (r.nextBoolean() ? ", " + r.nextInt(3) : "") + ").length";
            case 11 -> "String(" + e + ").split(" + sep(r) + ").slice(" + (r.nextInt(3) - 1) + ").join(" + (r.nextBoolean() ? "'+'" : "") + ")";
            case 12 -> "String(" + e + ").split(" + (r.nextBoolean() ? sep(r) : "") + ")." + (r.nextBoolean() ? "includes" : "indexOf")
                    + "(" + expr(r, depth - 1) + ")";
            case 13 -> "String(" + e + ").lastIndexOf(" + expr(r, depth - 1) + ")";
            case 14 -> "(" + e + " ?? 0).toString()";
            default -> "Number(" + e + ").toString()";
        };
    }

    private static String expr(Random r, int depth) {
        int pick = depth <= 0 ? r.nextInt(2) : r.nextInt(15);
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
            case 12:
            case 13:
                return more(r, depth);
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
        if (r.nextInt(5) == 0) {
            // a row error of the step's own: its message and position as GraalJS reports them
            js.append("  if (").append(expr(r, 1)).append(") {\n    throw new ").append(new String[] {"Error", "TypeError", "RangeError"}[r.nextInt(3)])
                    .append("(").append(r.nextBoolean() ? "`bad ${" + expr(r, 1) + "}`" : expr(r, 1)).append(");\n  }\n");
        }
        if (r.nextInt(4) == 0) {
            // a new row: keys in JavaScript's order (indexes first), a repeated key, a shorthand local
            js.append("  if (").append(expr(r, 1)).append(") return { total: ").append(expr(r, 3)).append(", 'b c': row.b, 10: ")
                    .append(expr(r, 2)).append(", x, 2: y, total: ").append(expr(r, 2)).append(", n: null, u: undefined };\n");
        }
        return js.append("  return row;\n}\n").toString();
    }

    private static final io.flowengine.Columns COLUMNS = io.flowengine.Columns.of(List.of("a", "b", "c"));

    private static List<Row> rows(Random r, int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // rows of one file share their columns, so that a chunk reaches the steps in one call
            rows.add(Row.of(COLUMNS, new String[] {value(r), value(r), value(r)}, 0, 0));
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

    /** Steps that stay on GraalJS, of each kind that matters where they meet compiled steps. */
    private static final StepSpec[] GRAAL_STEPS = {
        StepSpec.javascript("regex", "function transform(row) { row.r = /[0-9]/.test(row.a) ? 'digit' : 'none'; return row; }"),
        // a new object: the steps after it see its numbers and booleans as they are, not as text
        StepSpec.javascript("fresh", "function transform(row) { return Object.assign({}, row, {num: 1.5, flag: true}); }"),
        StepSpec.javascript("fanout", "function transform(row) { return /1/.test(row.c) ? [row, Object.assign({}, row, {copy: 2})]"
                + " : /2/.test(row.c) ? [] : row; }"),
        StepSpec.javascript("counter", "let n = 0;\nfunction transform(row) { row.seq = ++n; return row; }"),
        StepSpec.javascript("fails", "function transform(row) { if (/b/.test(row.b)) { throw new Error(`bad ${row.b}`); } return row; }"),
        StepSpec.filter("nozed", "!/z/.test(row.a + row.c)"),
        // two steps that share a global: they must see the rows interleaved as on GraalJS
        StepSpec.javascript("remember", "var lastA = '';\nfunction transform(row) { lastA = row.a; return row; }"),
        StepSpec.javascript("recall", "function transform(row) { row.prev = typeof lastA === 'undefined' ? 'none' : lastA; return row; }"),
    };

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void compiledAndGraalJsStepsMixWithGraalJsResults(int seed) {
        int seeds = System.getenv("FLOWENGINE_DIFF_LONG") != null ? 100 : 3;
        for (int s = 0; s < seeds; s++) {
            Random r = new Random(seed * 7_919L + s);
            List<StepSpec> steps = new ArrayList<>();
            int n = 2 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (r.nextBoolean()) {
                    steps.add(named(GRAAL_STEPS[r.nextInt(GRAAL_STEPS.length)], "g" + i));
                } else if (r.nextInt(4) == 0) {
                    steps.add(StepSpec.filter("f" + i, expr(r, 2)));
                } else {
                    // reads what a step before may have left: numbers stay numbers in JavaScript
                    steps.add(StepSpec.javascript("c" + i, program(r, 4).replace("  return row;\n}", "  row.sum" + i
                            + " = row.num + 1;\n  row.fl" + i + " = row.flag === true;\n  return row;\n}")));
                }
            }
            compareMixed(steps, rows(r, 50));
        }
    }

    private static StepSpec named(StepSpec s, String name) {
        return new StepSpec(name, s.kind(), s.code(), s.origin());
    }

    private static void compareMixed(List<StepSpec> steps, List<Row> rows) {
        Result graal = run(steps, rows, JavaScriptMode.GRAALJS, false);
        Result mixed = run(steps, rows, JavaScriptMode.AUTO, false);
        String names = steps.stream().map(StepSpec::name).toList().toString();
        assertThat(mixed.rows()).as("rows out of " + names).isEqualTo(graal.rows());
        assertThat(mixed.dead()).as("dead letters of " + names).isEqualTo(graal.dead());
    }

    @Test
    void aStepOutsideTheSubsetLeavesTheOthersCompiled() {
        List<StepSpec> steps = List.of(
                StepSpec.javascript("first", "function transform(row) { row.a = row.a.trim(); return row; }"),
                GRAAL_STEPS[1],
                StepSpec.javascript("after", "function transform(row) { row.n = row.num + 1; row.t = typeof row.flag; return row; }"),
                GRAAL_STEPS[3],
                StepSpec.filter("last", "row.seq % 2 === 1"));
        Pipeline p = Pipeline.of(PipelineSpec.of("mixed", steps));
        // 'after' runs on GraalJS: between two GraalJS steps, so that they see the rows in turn
        assertThat(p.stepRuntimes()).extracting(StepRuntime::runtime)
                .containsExactly("compiled", "graaljs", "graaljs", "graaljs", "compiled");
        assertThat(p.stepRuntimes().get(2).reason())
                .isEqualTo("it lies between GraalJS steps 'fresh' and 'counter', which must see each row in turn");
        List<Row> rows = List.of(Row.of(List.of("a", "b", "c"), List.of(" x ", "1", "2")),
                Row.of(List.of("a", "b", "c"), List.of("y", "2", "3")), Row.of(List.of("a", "b", "c"), List.of("z ", "3", "4")));
        Result mixed = run(steps, rows, JavaScriptMode.AUTO, false);
        // the new object's number and boolean reach the compiled step as JavaScript values
        assertThat(mixed.rows()).containsExactly(
                "1 [a, b, c, num, flag, n, t, seq] [x, 1, 2, 1.5, true, 2.5, boolean, 1]",
                "3 [a, b, c, num, flag, n, t, seq] [z, 3, 4, 1.5, true, 2.5, boolean, 3]");
        compareMixed(steps, rows);
    }

    @Test
    void graalJsStepsSeeTheRowsInTurnAroundCompiledSteps() {
        Random r = new Random(11);
        List<Row> rows = rows(r, 40);
        StepSpec compiled = StepSpec.javascript("c", "function transform(row) { row.a = row.a + '!'; return row; }");
        // a fan-out (arrays for some rows, the row itself for others) before a counter; a global shared by two steps
        compareMixed(List.of(named(GRAAL_STEPS[2], "fan"), compiled, named(GRAAL_STEPS[3], "count")), rows);
        compareMixed(List.of(named(GRAAL_STEPS[6], "rem"), compiled, named(GRAAL_STEPS[7], "rec")), rows);
        compareMixed(List.of(compiled, named(GRAAL_STEPS[6], "rem"), named(compiled, "c2"), named(GRAAL_STEPS[7], "rec"),
                named(compiled, "c3")), rows);
    }

    private static final String NO_SEMICOLONS = "const K = 'k'\nfunction transform(row, ctx) {\n  const a = row.a.trim()\n"
            + "  let n = +row.b\n  n += 2\n  if (n > 1) { row.x = a } else row.y = `${n}`\n  delete row.c\n  return row\n}\n";

    @Test
    void codeWithoutSemicolonsCompiles() {
        Random r = new Random(8);
        compare(List.of(StepSpec.javascript("t", NO_SEMICOLONS)), rows(r, 30));
        compare(List.of(StepSpec.javascript("u", "function transform(row) {\n  row.a = row.a\n    + row.b\n  if (row.c) { row.d = 1 }\n"
                + "  return row\n}")), rows(r, 30));
    }

    @Test
    void rowsThatWouldThrowRunOnGraalJsWithItsErrors() {
        Random r = new Random(5);
        List<Row> rows = rows(r, 30);
        compare(List.of(StepSpec.javascript("t", "function transform(row, ctx) {\n  row.u = row.missing.toUpperCase();\n"
                + "  row.n = ctx.rowNumber;\n  return row;\n}\n")), rows);
        compare(List.of(StepSpec.javascript("t", "function transform(row) {\n  row.f = row.a.toFixed(2);\n  return row;\n}\n")), rows);
        compare(List.of(StepSpec.filter("f", "row.a.length > 2 && row.missing.trim() !== ''")), rows);
        // strings past GraalJS's limit (2^25 characters) are a row error there, and so here
        List<Row> few = rows.subList(0, 3);
        compare(List.of(StepSpec.javascript("big", "function transform(row) {\n  row.r = 'ab'.repeat(20000000);\n  return row;\n}\n")), few);
        compare(List.of(StepSpec.javascript("pad", "function transform(row) {\n  row.p = 'a'.padStart(40000000, 'xy');\n  return row;\n}\n")), few);
        compare(List.of(StepSpec.javascript("cat", "function transform(row) {\n  const s = 'x'.repeat(9000000);\n"
                + "  row.c = `${s}${s}${s}${s}`.length;\n  return row;\n}\n")), few);
    }

    @Test
    void stepsOutsideTheSubsetSayWhyAndRunOnGraalJs() {
        Pipeline p = Pipeline.of(PipelineSpec.of("x", List.of(
                StepSpec.javascript("ok", "function transform(row) { row.x = row.a.trim(); return row; }"),
                StepSpec.javascript("date", "function transform(row) {\n  row.d = new Date(0).toISOString();\n  return row;\n}"))));
        assertThat(p.stepRuntimes()).extracting(StepRuntime::runtime).containsExactly("compiled", "graaljs");
        assertThat(p.stepRuntimes().get(1).reason()).isEqualTo("date.js:2:11: 'new Date' is not compiled");
    }
}
