package io.flowengine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of a running file run, for a progress display: updated by the engine, read from
 * any thread.
 */
public final class RunProgress {

    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long totalBytes = -1;
    private final long started = System.nanoTime();
    private final java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();

    /** Data records read so far. */
    public long rowsRead() {
        return rows.get();
    }

    /** Input bytes read so far. */
    public long bytesRead() {
        return bytes.get();
    }

    /** The input's size in bytes, or -1 when unknown (a stream). */
    public long totalBytes() {
        return totalBytes;
    }

    /** Nanoseconds since the progress object was created. */
    public long elapsedNanos() {
        return System.nanoTime() - started;
    }

    /** For the engine: records read. */
    public void addRows(long n) {
        rows.addAndGet(n);
    }

    /** For the engine: bytes read. */
    public void addBytes(long n) {
        bytes.addAndGet(n);
    }

    /**
     * Completes when the run has let go of its files: the output committed or discarded, the
     * dead letters written, the input closed. Lets a caller that cancels a run wait for that.
     */
    public java.util.concurrent.CompletableFuture<Void> closed() {
        return closed;
    }

    /** For the engine: the run's files are closed. */
    public void markClosed() {
        closed.complete(null);
    }

    /** For the engine: the input's size. */
    public void totalBytes(long n) {
        totalBytes = n;
    }
}
