package io.flowengine.internal.compiled;

import io.flowengine.FlowEngineException;
import io.flowengine.Row;
import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.js.Rail;
import io.flowengine.internal.js.ScriptResults;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.js.StepTimings;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * A rail of compiled steps. A row the compiled code hands back runs on a GraalJS rail of the
 * same steps, made the first time one is needed: a run whose rows all stay inside the compiled
 * code never starts GraalJS.
 */
public final class CompiledRail implements Rail {

    private final CompiledSteps steps;
    private final ScriptSet scripts;
    private final OutputStream console;
    private final Consumer<FlowEngineException> onAbandoned;
    private final io.flowengine.internal.run.RowEdits.ColumnCache cache = new io.flowengine.internal.run.RowEdits.ColumnCache();
    private JsRail graal;
    /** Rows the compiled code ran to the end in this process (for tests that must know it ran). */
    static final java.util.concurrent.atomic.AtomicLong COMPILED = new java.util.concurrent.atomic.AtomicLong();

    public CompiledRail(CompiledSteps steps, ScriptSet scripts, OutputStream console, Consumer<FlowEngineException> onAbandoned) {
        this.steps = steps;
        this.scripts = scripts;
        this.console = console;
        this.onAbandoned = onAbandoned;
    }

    private int calls;

    @Override
    public void process(Row[] rows, int from, int to, ScriptResults results) {
        // one chunk in SAMPLE_EVERY is timed, step by step, as on GraalJS rails
        StepTimings timings = scripts.timings();
        long[] timing = timings != null && calls++ % StepTimings.SAMPLE_EVERY == 0 ? new long[2 * steps.size()] : null;
        for (int i = 0; i < to - from; i++) {
            Row out;
            try {
                out = steps.run(rows[from + i], cache, timing);
            } catch (Ops.Fallback e) {
                int index = i;
                graal().process(rows, from + i, from + i + 1, new ScriptResults() {
                    @Override
                    public void produced(int ignored, Row row) {
                        results.produced(index, row);
                    }

                    @Override
                    public void filtered(int ignored) {
                        results.filtered(index);
                    }

                    @Override
                    public void failed(int ignored, String step, String message) {
                        results.failed(index, step, message);
                    }
                });
                continue;
            }
            COMPILED.incrementAndGet();
            if (out == null) {
                results.filtered(i);
            } else {
                results.produced(i, out);
            }
        }
        if (timing != null) {
            for (int s = 0; s < steps.size(); s++) {
                timings.add(s, timing[s], timing[steps.size() + s]);
            }
        }
    }

    private JsRail graal() {
        if (graal == null || !graal.reusable()) {
            if (graal != null) {
                graal.close();
            }
            graal = scripts.newRail(console, onAbandoned);
        }
        return graal;
    }

    @Override
    public boolean reusable() {
        return graal == null || graal.reusable();
    }

    @Override
    public void close() {
        if (graal != null) {
            graal.close();
        }
    }
}
