package io.flowengine.internal.flux;

import io.flowengine.internal.js.Rail;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JavaScript contexts of one run: at most one per rail at a time, each reused across chunks.
 * A context whose call failed is closed, never reused. {@link #close()} closes them all, cancelling
 * any that is still running.
 *
 * <p>Contexts are added as the run proves long enough to pay for them: a new context costs a
 * fraction of a CPU-second to start and warm up, more than a short run gains from a second rail
 * (measured: 1,000 to 50,000 rows ran faster on one context than on two). Until
 * {@link #GROW_AFTER} has passed since the first context was ready, the rails share it, one chunk at a time; after
 * that each rail gets its own.
 */
final class RailPool implements AutoCloseable {

    private final ScriptSet scripts;
    private final OutputStream console;
    static final long GROW_AFTER = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
            Long.getLong("flowengine.rails.growAfterMillis", 1500));

    private final java.util.concurrent.LinkedBlockingQueue<Rail> idle = new java.util.concurrent.LinkedBlockingQueue<>();
    /** When the first context was ready (its start-up does not count towards growing); 0 before. */
    private volatile long firstReady;
    private int created;
    private final Set<Rail> all = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Errors when a rail had to be abandoned (a script that cannot be stopped); empty when the run ends. */
    private final reactor.core.publisher.Sinks.Empty<Void> abandoned = reactor.core.publisher.Sinks.empty();

    RailPool(ScriptSet scripts, OutputStream console) {
        this.scripts = scripts;
        this.console = console;
    }

    Outcome process(Chunk chunk) {
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
            Rail rail = idle.poll();
            if (rail != null) {
                return rail;
            }
            if (scripts.compiled().isPresent()) {
                // compiled rails cost nothing to start: one for each rail that asks
                rail = new io.flowengine.internal.compiled.CompiledRail(scripts.compiled().get(), scripts, console,
                        e -> abandoned.tryEmitError(e));
                all.add(rail);
                return rail;
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
                rail = scripts.newRail(console, e -> abandoned.tryEmitError(e));
                all.add(rail);
                if (firstReady == 0) {
                    firstReady = System.nanoTime();
                }
                return rail;
            }
            try {
                // a JavaScript thread, which may block: wait for the context in use, or for the time to grow
                rail = idle.poll(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.flowengine.FlowEngineException("interrupted while waiting for a JavaScript context");
            }
            if (rail != null) {
                return rail;
            }
            if (closed) {
                throw new io.flowengine.FlowEngineException("the run was cancelled");
            }
        }
    }

    /** Fails when a rail is abandoned; completes when {@link #ended()} is called. */
    reactor.core.publisher.Mono<Void> abandoned() {
        return abandoned.asMono();
    }

    /** The run's outcomes have all arrived: nothing can be abandoned any more. */
    void ended() {
        abandoned.tryEmitEmpty();
    }

    @Override
    public void close() {
        closed = true;
        abandoned.tryEmitEmpty();
        for (Rail rail : all) {
            rail.close();
        }
        all.clear();
        idle.clear();
    }
}
