package io.flowengine.internal.run;

import io.flowengine.FlowEngineException;
import io.flowengine.RunStatus;
import io.flowengine.RunSummary;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The accounting of one run; safe to update from several threads. */
public final class RunCounters {

    final AtomicLong in = new AtomicLong();
    final AtomicLong out = new AtomicLong();
    final AtomicLong filtered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    private final long started = System.nanoTime();

    public long rowsIn() {
        return in.get();
    }

    public long rowsFailed() {
        return failed.get();
    }

    public RunSummary summary(FlowEngineException error) {
        return new RunSummary(error == null ? RunStatus.SUCCEEDED : RunStatus.FAILED, in.get(), out.get(),
                filtered.get(), failed.get(), written.get(), Duration.ofNanos(System.nanoTime() - started),
                Optional.ofNullable(error));
    }
}
