package io.flowengine.internal.js;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent in each step, sampled: a rail times the steps of one chunk in {@link #SAMPLE_EVERY}
 * (reading a clock around every call costs a host call each, too much for every row). Totals
 * only grow; metrics read them when scraped. Shared by every rail of every run of a pipeline.
 */
public final class StepTimings {

    /** One chunk in this many is timed. */
    public static final int SAMPLE_EVERY = 8;

    private final List<String> steps;
    private final LongAdder[] nanos;
    private final LongAdder[] calls;

    public StepTimings(List<String> steps) {
        this.steps = List.copyOf(steps);
        this.nanos = new LongAdder[steps.size()];
        this.calls = new LongAdder[steps.size()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = new LongAdder();
            calls[i] = new LongAdder();
        }
    }

    public List<String> steps() {
        return steps;
    }

    /** Timed calls of step {@code i} so far. */
    public long calls(int i) {
        return calls[i].sum();
    }

    /** Nanoseconds the timed calls of step {@code i} took so far. */
    public long nanos(int i) {
        return nanos[i].sum();
    }

    public void add(int step, long stepNanos, long stepCalls) {
        nanos[step].add(stepNanos);
        calls[step].add(stepCalls);
    }
}
