package io.flowengine;

import io.flowengine.internal.run.ProgressCounters;
import java.util.concurrent.CompletableFuture;

/**
 * Live counters of a running file run, for a progress display: updated by the engine, read from
 * any thread.
 */
public final class RunProgress {

    private final ProgressCounters counters = new ProgressCounters();

    /** Counters at zero, for a run to update ({@link RunRequest#progress(RunProgress)}). */
    public RunProgress() {
    }

    /** Data records read so far. */
    public long rowsRead() {
        return counters.rowsRead();
    }

    /** Input bytes read so far. */
    public long bytesRead() {
        return counters.bytesRead();
    }

    /** The input's size in bytes, or -1 when unknown (a stream). */
    public long totalBytes() {
        return counters.totalBytes();
    }

    /** Nanoseconds since the progress object was created. */
    public long elapsedNanos() {
        return counters.elapsedNanos();
    }

    /**
     * Completes when the run has let go of its files: the output committed or discarded, the
     * dead letters written, the input closed. Lets a caller that cancels a run wait for that.
     */
    public CompletableFuture<Void> closed() {
        return counters.closed();
    }

    /** What the engine updates. */
    ProgressCounters counters() {
        return counters;
    }
}
