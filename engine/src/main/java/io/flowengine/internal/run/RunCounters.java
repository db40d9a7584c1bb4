package io.flowengine.internal.run;

import io.flowengine.FlowEngineException;
import io.flowengine.RunStatus;
import io.flowengine.RunSummary;
import io.flowengine.StepRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The accounting of one run; safe to update from several threads. */
public final class RunCounters {

    final AtomicLong in = new AtomicLong();
    final AtomicLong out = new AtomicLong();
    final AtomicLong filtered = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong written = new AtomicLong();
    private final long started = System.nanoTime();
    private final RunMeters meters;
    private final AtomicBoolean ended = new AtomicBoolean();

    private final List<StepRuntime> steps;

    /** Counters that also record to {@code meters} (null: no metrics). */
    public RunCounters(RunMeters meters) {
        this(meters, List.of());
    }

    /** As above, for a run whose steps run as {@code steps} say (shown in the summary). */
    public RunCounters(RunMeters meters, List<StepRuntime> steps) {
        this.steps = steps;
        this.meters = meters;
        if (meters != null) {
            meters.started();
        }
    }

    public RunCounters() {
        this(null);
    }

    void addIn(long n) {
        in.addAndGet(n);
        if (meters != null) {
            meters.in(n);
        }
    }

    void addFiltered(long n) {
        filtered.addAndGet(n);
        if (meters != null) {
            meters.filtered(n);
        }
    }

    void addOut(long records, long rows) {
        out.addAndGet(records);
        written.addAndGet(rows);
        if (meters != null) {
            meters.out(records);
        }
    }

    long addFailed(String step) {
        long n = failed.incrementAndGet();
        if (meters != null) {
            meters.failed(step);
        }
        return n;
    }

    /**
     * Adds the counts of an earlier attempt of the same run, restored from a checkpoint (Flink):
     * the records they count are not read again.
     */
    public void restore(long in, long out, long filtered, long failed, long written) {
        this.in.addAndGet(in);
        this.out.addAndGet(out);
        this.filtered.addAndGet(filtered);
        this.failed.addAndGet(failed);
        this.written.addAndGet(written);
    }

    /** The counts so far: in, out, filtered, failed, written. */
    public long[] snapshot() {
        return new long[] {in.get(), out.get(), filtered.get(), failed.get(), written.get()};
    }

    /** A record counted as out was not delivered after all (its batch failed at the sink). */
    public void undeliver(long rows) {
        out.decrementAndGet();
        written.addAndGet(-rows);
        if (meters != null) {
            meters.out(-1);
        }
    }

    /** A transient failure is being retried. */
    public void retried() {
        if (meters != null) {
            meters.retried();
        }
    }

    /**
     * The summary. A failed run counts the records it got to — up to and including the one that
     * stopped it — so that rowsIn = rowsOut + rowsFiltered + rowsFailed holds for it too.
     */
    public RunSummary summary(FlowEngineException error) {
        if (meters != null && ended.compareAndSet(false, true)) {
            meters.ended(error == null);
        }
        long rowsIn = error == null ? in.get() : out.get() + filtered.get() + failed.get();
        return new RunSummary(error == null ? RunStatus.SUCCEEDED : RunStatus.FAILED, rowsIn, out.get(),
                filtered.get(), failed.get(), written.get(), Duration.ofNanos(System.nanoTime() - started),
                Optional.ofNullable(error), steps);
    }
}
