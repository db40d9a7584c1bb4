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
    final AtomicLong retries = new AtomicLong();
    private final long started = System.nanoTime();

    /** A record counted as out was not delivered after all (its batch failed at the sink). */
    public void undeliver(long rows) {
        out.decrementAndGet();
        written.addAndGet(-rows);
    }

    /** A transient failure is being retried. */
    public void retried() {
        retries.incrementAndGet();
    }

    public long retries() {
        return retries.get();
    }

    /**
     * The summary. A failed run counts the records it got to — up to and including the one that
     * stopped it — so that rowsIn = rowsOut + rowsFiltered + rowsFailed holds for it too.
     */
    public RunSummary summary(FlowEngineException error) {
        long rowsIn = error == null ? in.get() : out.get() + filtered.get() + failed.get();
        return new RunSummary(error == null ? RunStatus.SUCCEEDED : RunStatus.FAILED, rowsIn, out.get(),
                filtered.get(), failed.get(), written.get(), Duration.ofNanos(System.nanoTime() - started),
                Optional.ofNullable(error));
    }
}
