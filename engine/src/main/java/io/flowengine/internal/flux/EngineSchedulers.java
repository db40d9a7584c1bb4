package io.flowengine.internal.flux;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where FlowEngine's blocking work runs: file I/O and the CSV reader on Reactor's bounded elastic
 * scheduler. JavaScript runs on each run's own rail threads ({@link Steps}).
 */
final class EngineSchedulers {

    private EngineSchedulers() {
    }

    public static Scheduler io() {
        return Schedulers.boundedElastic();
    }
}
