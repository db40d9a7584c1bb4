package io.flowengine.internal.flux;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where FlowEngine's work runs. JavaScript gets threads of its own that may block (GraalJS reads
 * jars on first use and a script can run long), never Reactor's non-blocking parallel threads;
 * file I/O runs on Reactor's bounded elastic scheduler.
 */
public final class EngineSchedulers {

    /**
     * Threads made as rails need them and kept for a minute when idle. Not a bounded pool: a
     * script that cannot be stopped keeps its thread for ever, and must not take a pool's
     * capacity from every later run with it.
     */
    private static final Scheduler JS = Schedulers.fromExecutorService(java.util.concurrent.Executors.newCachedThreadPool(
            new java.util.concurrent.ThreadFactory() {
                private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "flowengine-js-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            }), "flowengine-js");

    private EngineSchedulers() {
    }

    public static Scheduler js() {
        return JS;
    }

    public static Scheduler io() {
        return Schedulers.boundedElastic();
    }
}
