package io.flowengine.internal.compiled;

import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.Row;
import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.run.RowEdits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline's steps, those inside the subset compiled to Java: they run with no GraalJS context,
 * with exactly GraalJS's results; the others run on GraalJS ({@link CompiledRail} joins the two).
 * A row on which compiled code would throw is handed back ({@link Ops.Fallback}) to be run on
 * GraalJS, which reports the authentic error; compiled steps change nothing but the row, so
 * running that row again from the same step is safe.
 */
public final class CompiledSteps {

    /** How one step runs: compiled, or on GraalJS and why ("file:line:col: 'x' is not compiled"). */
    public record Runtime(String step, boolean compiled, String reason) {
        public String key() {
            return compiled ? "compiled" : "graaljs";
        }
    }

    private sealed interface Step permits FilterStep, TransformStep {
    }

    private record FilterStep(Parser.Expr expr) implements Step {
    }

    private record TransformStep(Parser.Body body) implements Step {
    }

    /** Each step compiled, or null where it runs on GraalJS. */
    private final Step[] steps;
    private final String[] names;
    private final Map<String, String> vars;

    int size() {
        return steps.length;
    }

    /** Whether step {@code s} is compiled. */
    boolean compiled(int s) {
        return steps[s] != null;
    }

    private CompiledSteps(Step[] steps, String[] names, Map<String, String> vars) {
        this.steps = steps;
        this.names = names;
        this.vars = vars;
    }

    /** How each step would run, and the compiled steps when at least one compiles. */
    public record Compilation(List<Runtime> runtimes, Optional<CompiledSteps> steps) {
    }

    public static Compilation compile(List<StepSpec> specs, Map<String, String> vars) {
        List<Runtime> runtimes = new ArrayList<>();
        List<Step> compiled = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            StepSpec s = specs.get(i);
            try {
                Step step = switch (s.kind()) {
                    case "filter" -> new FilterStep(Parser.filter(s.code()));
                    case "javascript" -> new TransformStep(Parser.transform(s.code(), i == specs.size() - 1, offset -> where(s, offset)));
                    default -> throw new NotCompiled("a step of kind " + s.kind(), 0);
                };
                compiled.add(step);
                runtimes.add(new Runtime(s.name(), true, ""));
            } catch (NotCompiled e) {
                compiled.add(null);
                runtimes.add(new Runtime(s.name(), false, where(s, e.offset()) + ": " + e.getMessage() + " is not compiled"));
            } catch (RuntimeException e) {
                compiled.add(null);
                runtimes.add(new Runtime(s.name(), false, where(s, 0) + ": not compiled (" + e + ")"));
            }
        }
        // GraalJS steps must see the rows in the same order as when every step runs there: the
        // steps between the first and the last GraalJS step run there too
        int first = -1;
        int last = -1;
        for (int i = 0; i < runtimes.size(); i++) {
            if (!runtimes.get(i).compiled()) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        for (int i = first + 1; i < last; i++) {
            if (runtimes.get(i).compiled()) {
                compiled.set(i, null);
                runtimes.set(i, new Runtime(specs.get(i).name(), false, "it lies between GraalJS steps '" + specs.get(first).name()
                        + "' and '" + specs.get(last).name() + "', which must see each row in turn"));
            }
        }
        boolean any = runtimes.stream().anyMatch(Runtime::compiled);
        return new Compilation(List.copyOf(runtimes),
                any ? Optional.of(new CompiledSteps(compiled.toArray(new Step[0]), specs.stream().map(StepSpec::name).toArray(String[]::new),
                        Map.copyOf(vars))) : Optional.empty());
    }

    private static String where(StepSpec s, int offset) {
        String code = s.code();
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(offset, code.length()); i++) {
            if (code.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        CodeOrigin o = s.origin();
        return o.file() + ":" + o.fileLine(line) + ":" + o.fileColumn(line, col);
    }

    /** What {@link #run} returns when a step threw an error of its own: the step and the row's error. */
    record Failed(String step, String message) {
    }

    /** What {@link #run} returns when a step dropped the row. */
    static final Object DROPPED = Boolean.FALSE;
    /** What {@link #run} returns when the row came through every step (its edits made in place). */
    static final Object KEPT = Boolean.TRUE;

    /**
     * Runs steps {@code [from, to)}, all compiled, on {@code row}, editing it in place:
     * {@link #DROPPED}, {@link #KEPT}, the new {@link Row} the last step returned, or
     * {@link Failed} when a step threw an error of its own. With
     * {@code timing} (2 × steps slots), each step's time is added to {@code timing[s]} and its
     * calls to {@code timing[steps + s]}.
     *
     * @throws Ops.Fallback when the row must run on GraalJS instead, from step {@code from}
     *     (the row's edits are then partly made: run it from a copy taken before)
     */
    Object run(RowEdits row, int from, int to, long[] timing) {
        Row input = row.input();
        for (int s = from; s < to; s++) {
            long t0 = timing == null ? 0 : System.nanoTime();
            Object kept;
            try {
                kept = runStep(steps[s], row, input);
            } catch (Ops.Thrown e) {
                return new Failed(names[s], JsRail.rowError(e.where, e.text));
            }
            if (timing != null) {
                timing[s] += System.nanoTime() - t0;
                timing[steps.length + s]++;
            }
            if (kept != KEPT) {
                return kept;
            }
        }
        return KEPT;
    }

    /** One step on one row: {@link #KEPT}, {@link #DROPPED} or a new row. */
    private Object runStep(Step step, RowEdits row, Row input) {
        if (step instanceof FilterStep filter) {
            return Ops.truthy(filter.expr().eval(new Frame(row, input.rowNumber(), input.line(), vars, 0))) ? KEPT : DROPPED;
        }
        Parser.Body body = ((TransformStep) step).body();
        Frame f = new Frame(row, input.rowNumber(), input.line(), vars, body.locals());
        for (Parser.Stmt statement : body.statements()) {
            int r = statement.exec(f);
            if (r != Parser.NEXT) {
                return r == Parser.KEEP ? KEPT : r == Parser.OBJECT ? f.result() : DROPPED;
            }
        }
        return DROPPED;
    }
}
