package io.flowengine.internal.run;

import io.flowengine.FlowMeters;
import io.flowengine.internal.js.StepTimings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One pipeline's meters in an injected registry (never the global one). */
public final class RunMeters {

    /**
     * The active-runs gauge of each (registry, pipeline): registered once, shared by every
     * Pipeline that records to that registry under that name. Held weakly: a registry that is no
     * longer used elsewhere takes its gauges with it.
     */
    private static final Map<MeterRegistry, ConcurrentHashMap<String, AtomicInteger>> ACTIVE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final MeterRegistry registry;
    private final String pipeline;
    private final Counter in;
    private final Counter out;
    private final Counter filtered;
    private final Counter retries;
    private final AtomicInteger active;

    private final StepTimings stepTimings;

    /** Meters for the pipeline {@code pipeline} whose steps are {@code steps}. */
    public RunMeters(MeterRegistry registry, String pipeline, List<String> steps) {
        this.registry = registry;
        this.pipeline = pipeline;
        this.in = counter(FlowMeters.ROWS_IN);
        this.out = counter(FlowMeters.ROWS_OUT);
        this.filtered = counter(FlowMeters.ROWS_FILTERED);
        this.retries = counter(FlowMeters.RETRIES);
        this.active = ACTIVE.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).computeIfAbsent(pipeline, p -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder(FlowMeters.RUNS_ACTIVE.meterName(), n, AtomicInteger::get)
                    .tag("pipeline", p).description(FlowMeters.RUNS_ACTIVE.description()).register(registry);
            return n;
        });
        this.stepTimings = new StepTimings(steps);
        for (int i = 0; i < steps.size(); i++) {
            int step = i;
            FunctionTimer.builder(FlowMeters.STEP_DURATION.meterName(), stepTimings,
                            t -> t.calls(step), t -> t.nanos(step), TimeUnit.NANOSECONDS)
                    .tags("pipeline", pipeline, "step", steps.get(i))
                    .description(FlowMeters.STEP_DURATION.description())
                    .register(registry);
        }
    }

    /** Where the rails add up the time of each step. */
    public StepTimings stepTimings() {
        return stepTimings;
    }

    private Counter counter(FlowMeters meter) {
        return Counter.builder(meter.meterName()).description(meter.description()).tag("pipeline", pipeline).register(registry);
    }

    void in(long n) {
        in.increment(n);
    }

    void out(long n) {
        out.increment(n);
    }

    void filtered(long n) {
        filtered.increment(n);
    }

    void failed(String step) {
        Counter.builder(FlowMeters.ROWS_FAILED.meterName()).description(FlowMeters.ROWS_FAILED.description())
                .tag("pipeline", pipeline).tag("step", step).register(registry).increment();
    }

    void retried() {
        retries.increment();
    }

    public void started() {
        active.incrementAndGet();
    }

    public void ended(boolean succeeded) {
        active.decrementAndGet();
        Counter.builder(FlowMeters.RUNS.meterName()).description(FlowMeters.RUNS.description()).tag("pipeline", pipeline).tag("status", succeeded ? "succeeded" : "failed")
                .register(registry).increment();
    }
}
