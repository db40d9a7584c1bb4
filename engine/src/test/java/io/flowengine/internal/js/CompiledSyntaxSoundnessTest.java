package io.flowengine.internal.js;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.internal.compiled.CompiledSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pipeline whose steps all compile is not parsed by GraalJS, so the compiled subset's parser
 * must accept nothing that GraalJS would reject: every step it compiles, GraalJS parses too.
 * Checked on broken variants of valid steps (a token dropped, doubled, swapped or inserted) and
 * on the known traps.
 */
class CompiledSyntaxSoundnessTest {

    private static Context js;

    @BeforeAll
    static void start() {
        js = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
    }

    @AfterAll
    static void stop() {
        js.close();
    }

    private static final String[] VALID = {
        "const K = 'k';\nfunction transform(row, ctx) {\n  const a = row.a.trim();\n  let n = Number(row.b) * 2;\n"
                + "  if (a === '' || n > 3 && !row.c) { row.x = `${a}-${n}`; } else row['y z'] = a ?? K;\n"
                + "  n += parseInt(row.c, 16);\n  if (n > 99) throw new Error('n: ' + n);\n  delete row.b;\n  row.s = row.a.split(',')[1] + row.a.padStart(3, '0');\n"
                + "  return row;\n}\n",
        "function transform(row) {\n  if (row.a.startsWith('x')) return null;\n  return { id: row.a, 2: row.b, total: (1.5 * row.c).toFixed(2) };\n}\n",
        "function transform(row, ctx) {\n  row.n = ctx.rowNumber + ctx.line;\n  row.v = ctx.vars.v ?? 'none';\n"
                + "  row.t = typeof row.a === 'string' ? row.a.replaceAll('a', '$&') : String(row.a);\n  return row;\n}\n",
    };
    static final String NO_SEMICOLONS = "const K = 'k'\nfunction transform(row, ctx) {\n  const a = row.a.trim()\n  let n = +row.b\n"
            + "  n += 2\n  if (n > 1) { row.x = a } else row.y = `${n}`\n  delete row.c\n  return row\n}\n";
    private static final String[] FILTERS = {"row.a !== 'x' && (row.b ?? '') !== ''", "Number(row.a) > 2 ? true : row.c.includes('q')"};
    private static final String[] INSERTS = {";", ",", "(", ")", "{", "}", "[", "]", "??", "||", "&&", "=", "if", "let", "const",
        "return", "\n", "'", "`", "${", "yield", "let", "true", "null", ".", "+", "++", "?", ":", "=>", "//", "/*", "\\", "0", "08",
        "1e", "x", "transform", "function", "else", "in", "of", "\"\n\"", "'a\nb'", "new", "class"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    void whatCompilesGraalJsParses(int seed) {
        int rounds = System.getenv("FLOWENGINE_DIFF_LONG") != null ? 20_000 : 1_500;
        Random r = new Random(seed);
        int compiled = 0;
        for (int i = 0; i < rounds; i++) {
            boolean filter = r.nextInt(4) == 0;
            String code = mutate(r, filter ? FILTERS[r.nextInt(FILTERS.length)] : VALID[r.nextInt(VALID.length)]);
            StepSpec step = filter ? StepSpec.filter("f", code) : StepSpec.javascript("t", code);
            if (compiles(step)) {
                compiled++;
                assertThat(graalJsError(step)).as("compiled, but GraalJS rejects:\n%s", code).isNull();
            }
        }
        assertThat(compiled).as("mutants that compiled").isGreaterThan(rounds / 20);
    }

    @Test
    void theKnownTrapsStayOnGraalJs() {
        List<StepSpec> traps = List.of(
                StepSpec.filter("semicolon", "row.a === 'x';"),
                StepSpec.filter("mixed", "row.a ?? row.b || row.c"),
                StepSpec.filter("mixed2", "row.a && row.b ?? row.c"),
                StepSpec.javascript("reserved", "function transform(row) { const if = 1; return row; }"),
                StepSpec.javascript("param", "function transform(if) { return null; }"),
                StepSpec.javascript("noinit", "function transform(row) { const x; return row; }"),
                StepSpec.javascript("redeclared", "const transform = 1;\nfunction transform(row) { return row; }"),
                StepSpec.javascript("newline", "function transform(row) { row.a = 'a\nb'; return row; }"),
                StepSpec.javascript("shorthand", "function transform(row) { return { true }; }"));
        for (StepSpec s : traps) {
            assertThat(graalJsError(s)).as(s.name() + " is a syntax error").isNotNull();
            assertThat(compiles(s)).as(s.name() + " does not compile").isFalse();
        }
        // and their valid neighbours still compile
        assertThat(compiles(StepSpec.filter("ok", "(row.a ?? row.b) || row.c"))).isTrue();
        assertThat(compiles(StepSpec.filter("ok2", "row.a ?? (row.b && row.c)"))).isTrue();
    }

    private static boolean compiles(StepSpec step) {
        return CompiledSteps.compile(List.of(step), Map.of()).runtimes().get(0).compiled();
    }

    /** GraalJS's syntax error for the step as the engine wraps it, or null when it parses. */
    private static String graalJsError(StepSpec step) {
        StepFactory.Wrapped w = StepFactories.forKind(step.kind()).wrap(step);
        try {
            js.parse(Source.create("js", w.prefix() + step.code() + w.suffix()));
            return null;
        } catch (PolyglotException e) {
            return e.getMessage();
        }
    }

    private static String mutate(Random r, String code) {
        List<String> parts = new ArrayList<>(List.of(code.split("(?<=[ (){}\\[\\];,.])|(?=[ (){}\\[\\];,.])")));
        for (int edits = 1 + r.nextInt(2); edits > 0; edits--) {
            int at = r.nextInt(parts.size());
            switch (r.nextInt(4)) {
                case 0 -> parts.remove(at);
                case 1 -> parts.add(at, parts.get(at));
                case 2 -> {
                    int other = r.nextInt(parts.size());
                    String t = parts.get(at);
                    parts.set(at, parts.get(other));
                    parts.set(other, t);
                }
                default -> parts.add(at, INSERTS[r.nextInt(INSERTS.length)]);
            }
            if (parts.isEmpty()) {
                parts.add("x");
            }
        }
        return String.join("", parts);
    }
}
