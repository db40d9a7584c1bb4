package io.flowengine.internal.run;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind a {@link io.flowengine.RunProgress}: updated by the run, read from any thread. */
public final class ProgressCounters {

    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long totalBytes = -1;
    private final long started = System.nanoTime();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    public long rowsRead() {
        return rows.get();
    }

    public long bytesRead() {
        return bytes.get();
    }

    /** The input's size in bytes, or -1 when unknown. */
    public long totalBytes() {
        return totalBytes;
    }

    public long elapsedNanos() {
        return System.nanoTime() - started;
    }

    public CompletableFuture<Void> closed() {
        return closed;
    }

    void addRows(long n) {
        rows.addAndGet(n);
    }

    void addBytes(long n) {
        bytes.addAndGet(n);
    }

    void totalBytes(long n) {
        totalBytes = n;
    }

    /** The run's files are closed. */
    public void markClosed() {
        closed.complete(null);
    }
}
