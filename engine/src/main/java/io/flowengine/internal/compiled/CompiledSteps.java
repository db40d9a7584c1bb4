package io.flowengine.internal.compiled;

import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline's steps compiled to Java, when every one of them lies inside the subset: they run
 * with no GraalJS context, with exactly GraalJS's results. A row on which compiled code would
 * throw is handed back ({@link Ops.Fallback}) to be run on GraalJS, which reports the authentic
 * error; compiled steps change nothing but the row, so running that row again is safe.
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

    private final Step[] steps;
    private final Map<String, String> vars;

    int size() {
        return steps.length;
    }

    private CompiledSteps(Step[] steps, Map<String, String> vars) {
        this.steps = steps;
        this.vars = vars;
    }

    /** How each step would run, and the compiled steps when every one compiles. */
    public record Compilation(List<Runtime> runtimes, Optional<CompiledSteps> steps) {
    }

    public static Compilation compile(List<StepSpec> specs, Map<String, String> vars) {
        List<Runtime> runtimes = new ArrayList<>();
        List<Step> compiled = new ArrayList<>();
        for (StepSpec s : specs) {
            try {
                Step step = switch (s.kind()) {
                    case "filter" -> new FilterStep(Parser.filter(s.code()));
                    case "javascript" -> new TransformStep(Parser.transform(s.code()));
                    default -> throw new NotCompiled("a step of kind " + s.kind(), 0);
                };
                compiled.add(step);
                runtimes.add(new Runtime(s.name(), true, ""));
            } catch (NotCompiled e) {
                runtimes.add(new Runtime(s.name(), false, where(s, e.offset()) + ": " + e.getMessage() + " is not compiled"));
            } catch (RuntimeException e) {
                runtimes.add(new Runtime(s.name(), false, where(s, 0) + ": not compiled (" + e + ")"));
            }
        }
        boolean all = compiled.size() == specs.size() && !specs.isEmpty();
        return new Compilation(List.copyOf(runtimes),
                all ? Optional.of(new CompiledSteps(compiled.toArray(new Step[0]), Map.copyOf(vars))) : Optional.empty());
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

    /**
     * Runs every step on {@code input}: the row that comes out, or null when a step dropped it.
     *
     * @throws Ops.Fallback when the row must run on GraalJS instead
     */
    Row run(Row input, io.flowengine.internal.run.RowEdits.ColumnCache cache) {
        return run(input, cache, null);
    }

    /**
     * As above; with {@code timing} (2 × steps slots), each step's time is added to
     * {@code timing[s]} and its calls to {@code timing[steps + s]}.
     */
    Row run(Row input, io.flowengine.internal.run.RowEdits.ColumnCache cache, long[] timing) {
        io.flowengine.internal.run.RowEdits row = new io.flowengine.internal.run.RowEdits(input);
        for (int s = 0; s < steps.length; s++) {
            long t0 = timing == null ? 0 : System.nanoTime();
            boolean kept = runStep(steps[s], row, input);
            if (timing != null) {
                timing[s] += System.nanoTime() - t0;
                timing[steps.length + s]++;
            }
            if (!kept) {
                return null;
            }
        }
        return row.toRow(cache);
    }

    /** One step on one row: false when the step dropped it. */
    private boolean runStep(Step step, io.flowengine.internal.run.RowEdits row, Row input) {
        if (step instanceof FilterStep filter) {
            return Ops.truthy(filter.expr().eval(new Frame(row, input.rowNumber(), input.line(), vars, 0)));
        }
        Parser.Body body = ((TransformStep) step).body();
        Frame f = new Frame(row, input.rowNumber(), input.line(), vars, body.locals());
        for (Parser.Stmt statement : body.statements()) {
            int r = statement.exec(f);
            if (r != Parser.NEXT) {
                return r == Parser.KEEP;
            }
        }
        return false;
    }
}
