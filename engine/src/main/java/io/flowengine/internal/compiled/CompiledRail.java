package io.flowengine.internal.compiled;

import io.flowengine.FlowEngineException;
import io.flowengine.Row;
import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.js.Rail;
import io.flowengine.internal.js.ScriptResults;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.js.StepTimings;
import io.flowengine.internal.run.RowEdits;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A rail whose steps are compiled where they can be. Its steps form at most three segments:
 * compiled steps, then GraalJS steps (from the first step that is not compiled to the last), then
 * compiled steps; a chunk goes through them one segment at a time: in Java, in one GraalJS call
 * for the whole chunk, in Java. Each GraalJS step thus sees the rows in the order, and interleaved
 * with the other GraalJS steps, exactly as when every step runs on GraalJS (steps may share
 * state through globals); compiled steps have no state, so when they run does not matter.
 *
 * <p>A row stays with the segments while it is the row itself (its edits carried over, so that a
 * deleted and re-added column comes back where it was, as on GraalJS); when a GraalJS step returns
 * a new object or an array, that row finishes every later step on GraalJS. A row on which
 * compiled code would throw runs its segment on GraalJS instead, which reports the authentic
 * error. The GraalJS context holds every step; it is made the first time one is needed, and a
 * pipeline whose steps all compile and whose rows stay inside the compiled code never starts it.
 */
public final class CompiledRail implements Rail {

    private final CompiledSteps steps;
    private final ScriptSet scripts;
    private final OutputStream console;
    private final Consumer<FlowEngineException> onAbandoned;
    private final RowEdits.ColumnCache cache = new RowEdits.ColumnCache();
    /** Segment {@code k} is steps {@code [bounds[k], bounds[k + 1])}. */
    private final int[] bounds;
    private JsRail graal;
    private int calls;
    /** The rows' input file, for the GraalJS steps' {@code ctx.file} (compiled code never reads it). */
    private String file;
    /** Rows the compiled code ran to the end in this process (for tests that must know it ran). */
    static final AtomicLong COMPILED = new AtomicLong();

    public CompiledRail(CompiledSteps steps, ScriptSet scripts, OutputStream console, Consumer<FlowEngineException> onAbandoned) {
        this.steps = steps;
        this.scripts = scripts;
        this.console = console;
        this.onAbandoned = onAbandoned;
        List<Integer> b = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            if (s == 0 || steps.compiled(s) != steps.compiled(s - 1)) {
                b.add(s);
            }
        }
        b.add(steps.size());
        this.bounds = b.stream().mapToInt(Integer::intValue).toArray();
    }

    /** What became of one input row, once it is decided before the last step. */
    private static final class Final {
        boolean reached;
        List<Row> produced;
        String step;
        String message;
    }

    @Override
    public void file(String name) {
        file = name;
    }

    @Override
    public void process(Row[] rows, int from, int to, ScriptResults results) {
        int count = to - from;
        // one chunk in SAMPLE_EVERY is timed, step by step, as on GraalJS rails
        StepTimings timings = scripts.timings();
        long[] timing = timings != null && calls++ % StepTimings.SAMPLE_EVERY == 0 ? new long[2 * steps.size()] : null;
        // live[i]: input row i as the steps have made it so far, while it goes on with the
        // segments; once it is decided before the last step, decided[i] says what became of it
        RowEdits[] live = new RowEdits[count];
        for (int i = 0; i < count; i++) {
            live[i] = new RowEdits(rows[from + i]);
        }
        Final[] decided = new Final[count];
        int alive = count;
        for (int k = 0; k + 1 < bounds.length && alive > 0; k++) {
            int start = bounds[k];
            int stop = bounds[k + 1];
            if (steps.compiled(start)) {
                for (int i = 0; i < count; i++) {
                    if (live[i] == null) {
                        continue;
                    }
                    // the row as it came to this segment, to run again on GraalJS should the code throw
                    RowEdits before = start == 0 ? null : live[i].snapshot();
                    boolean kept;
                    try {
                        Object out = steps.run(live[i], start, stop, timing);
                        if (out instanceof Row replaced) {
                            // the last step returned a new object
                            live[i] = new RowEdits(replaced);
                        } else if (out instanceof CompiledSteps.Failed failed) {
                            decided[i] = new Final();
                            decided[i].step = failed.step();
                            decided[i].message = failed.message();
                        }
                        kept = out == CompiledSteps.KEPT || out instanceof Row;
                    } catch (Ops.Fallback e) {
                        // GraalJS runs this segment's steps on the row instead: it fails there with
                        // GraalJS's own error, or goes on with the next segment as any other row
                        live[i] = before == null ? new RowEdits(rows[from + i]) : before;
                        Final f = new Final();
                        graal().process(new RowEdits[] {live[i]}, 1, start, stop, into(f));
                        kept = f.reached;
                        if (!kept) {
                            decided[i] = f;
                        }
                    }
                    if (!kept) {
                        if (decided[i] == null) {
                            decided[i] = new Final();
                        }
                        live[i] = null;
                        alive--;
                    }
                }
            } else {
                RowEdits[] batch = new RowEdits[alive];
                int[] index = new int[alive];
                int b = 0;
                for (int i = 0; i < count; i++) {
                    if (live[i] != null) {
                        index[b] = i;
                        batch[b++] = live[i];
                        live[i] = null;
                    }
                }
                graal().process(batch, b, start, stop, new ScriptResults() {
                    @Override
                    public void reached(int j) {
                        live[index[j]] = batch[j];
                    }

                    @Override
                    public void produced(int j, Row row) {
                        final_(j).produced = add(final_(j).produced, row);
                    }

                    @Override
                    public void filtered(int j) {
                        final_(j);
                    }

                    @Override
                    public void failed(int j, String step, String message) {
                        Final f = final_(j);
                        f.step = step;
                        f.message = message;
                    }

                    private Final final_(int j) {
                        Final f = decided[index[j]];
                        return f != null ? f : (decided[index[j]] = new Final());
                    }
                });
                alive = 0;
                for (int i = 0; i < count; i++) {
                    alive += live[i] != null ? 1 : 0;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            Final f = decided[i];
            if (live[i] != null) {
                COMPILED.incrementAndGet();
                results.produced(i, live[i].toRow(cache));
            } else if (f.step != null) {
                results.failed(i, f.step, f.message);
            } else if (f.produced == null) {
                results.filtered(i);
            } else {
                for (Row r : f.produced) {
                    results.produced(i, r);
                }
            }
        }
        if (timing != null) {
            for (int s = 0; s < steps.size(); s++) {
                if (steps.compiled(s)) {
                    timings.add(s, timing[s], timing[steps.size() + s]);
                }
            }
        }
    }

    /** Results for a GraalJS call of one row, kept in {@code f}. */
    private static ScriptResults into(Final f) {
        return new ScriptResults() {
            @Override
            public void reached(int ignored) {
                f.reached = true;
            }

            @Override
            public void produced(int ignored, Row row) {
                f.produced = add(f.produced, row);
            }

            @Override
            public void filtered(int ignored) {
                // nothing produced
            }

            @Override
            public void failed(int ignored, String step, String message) {
                f.step = step;
                f.message = message;
            }
        };
    }

    private static List<Row> add(List<Row> list, Row row) {
        List<Row> l = list == null ? new ArrayList<>(1) : list;
        l.add(row);
        return l;
    }

    private JsRail graal() {
        if (graal == null || !graal.reusable()) {
            if (graal != null) {
                graal.close();
            }
            graal = scripts.newRail(console, onAbandoned);
        }
        graal.file(file);
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
