package io.flowengine.internal.run;

import io.flowengine.FlowEngineException;
import io.flowengine.internal.compiled.CompiledRail;
import io.flowengine.internal.js.Rail;
import io.flowengine.internal.js.ScriptSet;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The steps of one run, over chunks, on JavaScript contexts: at most one context per rail at a
 * time, each reused across chunks. A context whose call failed is closed, never reused.
 * {@link #close()} closes them all, cancelling any that is still running. Free of any streaming
 * library: a runner calls {@link #process} from as many threads as it has rails.
 *
 * <p>Contexts are added as the run proves long enough to pay for them: a new context costs a
 * fraction of a CPU-second to start and warm up, more than a short run gains from a second rail
 * (measured: 1,000 to 50,000 rows ran faster on one context than on two). Until
 * {@link #GROW_AFTER} has passed since the first context was ready, the rails share it, one chunk
 * at a time; after that each rail gets its own. Compiled steps cost nothing to start: every rail
 * that asks gets one at once.
 */
public final class RailPool implements AutoCloseable {

    static final long GROW_AFTER = TimeUnit.MILLISECONDS.toNanos(Long.getLong("flowengine.rails.growAfterMillis", 1500));

    private final ScriptSet scripts;
    private final OutputStream console;
    private final Function<Chunk, Outcome> processor;
    private final LinkedBlockingQueue<Rail> idle = new LinkedBlockingQueue<>();
    private final Set<Rail> all = ConcurrentHashMap.newKeySet();
    /** Fails when a rail had to be abandoned (a script that cannot be stopped); completes when the run ends. */
    private final CompletableFuture<Void> abandoned = new CompletableFuture<>();
    /** When the first context was ready (its start-up does not count towards growing); 0 before. */
    private volatile long firstReady;
    private int created;
    private volatile boolean closed;

    /** The contexts for {@code scripts}, whose console output goes to {@code console}. */
    public RailPool(ScriptSet scripts, OutputStream console) {
        this.scripts = scripts;
        this.console = console;
        this.processor = null;
    }

    /** A pool whose chunks {@code processor} processes instead of the steps (tests make chunks fail with it). */
    public RailPool(Function<Chunk, Outcome> processor) {
        this.scripts = null;
        this.console = null;
        this.processor = processor;
    }

    /**
     * Runs the steps over {@code chunk}. Never throws: a failure of the chunk as a whole comes back
     * as a value, for {@link RunCore#accept} to handle in input order.
     */
    public Processed process(Chunk chunk) {
        try {
            return Processed.ok(chunk, processor != null ? processor.apply(chunk) : steps(chunk));
        } catch (RuntimeException e) {
            return Processed.failed(chunk, e);
        }
    }

    private Outcome steps(Chunk chunk) {
        if (scripts.isEmpty()) {
            return ChunkProcessor.process(chunk, null);
        }
        Rail rail = acquire();
        boolean ok = false;
        try {
            Outcome o = ChunkProcessor.process(chunk, rail);
            ok = true;
            return o;
        } finally {
            if (ok && !closed && rail.reusable()) {
                idle.offer(rail);
            } else {
                all.remove(rail);
                rail.close();
            }
        }
    }

    /** An idle context; else a new one if the run may grow; else waits for one to come back. */
    private Rail acquire() {
        while (true) {
            if (closed) {
                throw new FlowEngineException("the run was cancelled");
            }
            Rail rail = idle.poll();
            if (rail != null) {
                return rail;
            }
            if (scripts.compiled().isPresent()) {
                return added(new CompiledRail(scripts.compiled().get(), scripts, console, abandoned::completeExceptionally));
            }
            boolean create;
            synchronized (this) {
                long ready = firstReady;
                create = created == 0 || ready != 0 && System.nanoTime() - ready >= GROW_AFTER;
                if (create) {
                    created++;
                }
            }
            if (create) {
                rail = added(scripts.newRail(console, abandoned::completeExceptionally));
                if (firstReady == 0) {
                    firstReady = System.nanoTime();
                }
                return rail;
            }
            try {
                // a rail's own thread, which may block: wait for the context in use, or for the time to grow
                rail = idle.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlowEngineException("interrupted while waiting for a JavaScript context");
            }
            if (rail != null) {
                return rail;
            }
        }
    }

    private Rail added(Rail rail) {
        all.add(rail);
        if (closed) {
            // closed while this one was made: close() may have missed it
            all.remove(rail);
            rail.close();
            throw new FlowEngineException("the run was cancelled");
        }
        return rail;
    }

    /** Fails when a rail is abandoned; completes when {@link #ended()} or {@link #close()} is called. */
    public CompletableFuture<Void> abandoned() {
        return abandoned;
    }

    /** The run's outcomes have all arrived: nothing can be abandoned any more. */
    public void ended() {
        abandoned.complete(null);
    }

    @Override
    public void close() {
        closed = true;
        abandoned.complete(null);
        for (Rail rail : all) {
            rail.close();
        }
        all.clear();
        idle.clear();
    }
}
