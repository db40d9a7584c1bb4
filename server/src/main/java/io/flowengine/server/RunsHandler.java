package io.flowengine.server;

import java.nio.file.Files;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.server.HttpServerResponse;

/** The run records: {@code GET /v1/runs/{id}} (the summary) and {@code GET /v1/runs/{id}/dead-letters}. */
final class RunsHandler {

    private final ServerConfig config;
    private final RunStore runs;

    RunsHandler(ServerConfig config, RunStore runs) {
        this.config = config;
        this.runs = runs;
    }

    /** {@code GET /v1/runs/{id}}. */
    Mono<Void> summary(String id, HttpServerResponse res) {
        return Mono.fromCallable(() -> runs.summary(id))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(s -> s.isPresent()
                        ? res.header("Content-Type", "application/json").sendString(Mono.just(s.get())).then()
                        : Problems.send(res, 404, "Unknown run", "There is no run '" + id + "' (run records are kept for the last "
                                + config.maxRuns() + " runs)."));
    }

    /** {@code GET /v1/runs/{id}/dead-letters}. */
    Mono<Void> deadLetters(String id, HttpServerResponse res) {
        return Mono.fromCallable(() -> runs.deadLetterFile(id))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(f -> {
                    if (f.isEmpty()) {
                        return Problems.send(res, 404, "Unknown run", "There is no run '" + id + "'.");
                    }
                    if (!Files.exists(f.get())) {
                        return res.header("Content-Type", "text/csv; charset=utf-8").send().then();
                    }
                    // sent as buffers, not a file region, so the access log counts its bytes
                    return res.header("Content-Type", "text/csv; charset=utf-8")
                            .send(ByteBufFlux.fromPath(f.get())).then();
                });
    }
}
