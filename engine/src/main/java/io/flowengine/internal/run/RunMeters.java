package io.flowengine.internal.run;

import io.flowengine.FlowMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One pipeline's meters in an injected registry (never the global one). */
public final class RunMeters {

    private static final ConcurrentHashMap<MeterRegistry, ConcurrentHashMap<String, AtomicInteger>> ACTIVE = new ConcurrentHashMap<>();

    private final MeterRegistry registry;
    private final String pipeline;
    private final Counter in;
    private final Counter out;
    private final Counter filtered;
    private final Counter retries;
    private final AtomicInteger active;

    public RunMeters(MeterRegistry registry, String pipeline) {
        this.registry = registry;
        this.pipeline = pipeline;
        this.in = counter(FlowMeters.ROWS_IN);
        this.out = counter(FlowMeters.ROWS_OUT);
        this.filtered = counter(FlowMeters.ROWS_FILTERED);
        this.retries = counter(FlowMeters.RETRIES);
        this.active = ACTIVE.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).computeIfAbsent(pipeline, p -> {
            AtomicInteger n = new AtomicInteger();
            registry.gauge(FlowMeters.RUNS_ACTIVE.meterName(), io.micrometer.core.instrument.Tags.of("pipeline", p), n);
            return n;
        });
    }

    private Counter counter(FlowMeters meter) {
        return Counter.builder(meter.meterName()).tag("pipeline", pipeline).register(registry);
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
        Counter.builder(FlowMeters.ROWS_FAILED.meterName()).tag("pipeline", pipeline).tag("step", step).register(registry).increment();
    }

    void retried() {
        retries.increment();
    }

    public void started() {
        active.incrementAndGet();
    }

    public void ended(boolean succeeded) {
        active.decrementAndGet();
        Counter.builder(FlowMeters.RUNS.meterName()).tag("pipeline", pipeline).tag("status", succeeded ? "succeeded" : "failed")
                .register(registry).increment();
    }
}
