package io.flowengine.internal.flux;

import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The JavaScript contexts of one run: at most one per rail at a time, each reused across chunks.
 * A context whose call failed is closed, never reused. {@link #close()} closes them all, cancelling
 * any that is still running.
 */
final class RailPool implements AutoCloseable {

    private final ScriptSet scripts;
    private final OutputStream console;
    private final ConcurrentLinkedQueue<JsRail> idle = new ConcurrentLinkedQueue<>();
    private final Set<JsRail> all = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RailPool(ScriptSet scripts, OutputStream console) {
        this.scripts = scripts;
        this.console = console;
    }

    Outcome process(Chunk chunk) {
        if (scripts.isEmpty()) {
            return ChunkProcessor.process(chunk, null);
        }
        JsRail rail = idle.poll();
        if (rail == null) {
            rail = scripts.newRail(console);
            all.add(rail);
        }
        boolean ok = false;
        try {
            Outcome o = ChunkProcessor.process(chunk, rail);
            ok = true;
            return o;
        } finally {
            if (ok && !closed) {
                idle.offer(rail);
            } else {
                all.remove(rail);
                rail.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (JsRail rail : all) {
            rail.close();
        }
        all.clear();
        idle.clear();
    }
}
