package io.flowengine.internal.flux;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where FlowEngine's work runs. JavaScript gets threads of its own that may block (GraalJS reads
 * jars on first use and a script can run long), never Reactor's non-blocking parallel threads;
 * file I/O runs on Reactor's bounded elastic scheduler.
 */
public final class EngineSchedulers {

    private static final Scheduler JS = Schedulers.newBoundedElastic(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 100_000, "flowengine-js", 60, true);

    private EngineSchedulers() {
    }

    public static Scheduler js() {
        return JS;
    }

    public static Scheduler io() {
        return Schedulers.boundedElastic();
    }
}
