package io.flowengine.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowengine.RunProgress;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** The run records: {@code GET /v1/runs} (recent ones, paged), {@code GET /v1/runs/{id}} (the summary) and {@code GET /v1/runs/{id}/dead-letters}. */
final class RunsHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** {@code GET /v1/runs?offset=K&limit=N}: recent run records, newest first. */
    Mono<Void> list(HttpServerRequest req, HttpServerResponse res) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        int offset;
        int limit;
        try {
            offset = param(q, "offset", 0);
            limit = param(q, "limit", 20);
        } catch (IllegalArgumentException e) {
            return Problems.send(res, 400, "Bad request", e.getMessage());
        }
        if (limit < 1 || limit > 100 || offset < 0) {
            return Problems.send(res, 400, "Bad request", "limit must be 1..100 and offset 0 or more.");
        }
        return Mono.fromCallable(() -> runs.list(offset, limit)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(page -> {
                    ObjectNode out = JSON.createObjectNode();
                    ArrayNode runs = out.putArray("runs");
                    page.runs().forEach(runs::add);
                    out.put("offset", offset).put("limit", limit).put("total", page.total());
                    if (offset + limit < page.total()) {
                        out.put("next", "/v1/runs?offset=" + (offset + limit) + "&limit=" + limit);
                    } else {
                        out.putNull("next");
                    }
                    return res.header("Content-Type", "application/json").sendString(Mono.just(out.toString())).then();
                });
    }

    private static int param(QueryStringDecoder q, String name, int otherwise) {
        List<String> v = q.parameters().get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v.get(0) + "'.");
        }
    }


    /** How often {@code GET /v1/runs/{id}/events} reports a run under way. */
    static final Duration EVERY = Duration.ofMillis(500);

    /**
     * {@code GET /v1/runs/{id}/events}: server-sent events, {@code progress} every half second
     * while the run is under way ({@code rowsRead}, {@code bytesRead}, {@code totalBytes},
     * {@code elapsedMs}), then one {@code summary} (the run's record) and the end of the stream.
     * A run under way starts with a {@code history}: its {@code [elapsedMs, rowsRead]} samples so
     * far. A finished run gives its summary at once (its history is the record's {@code progress}).
     * A record this process is not running (a server restarted mid-run) gives its record as the
     * summary too.
     */
    Mono<Void> events(String id, HttpServerResponse res) {
        return Mono.fromCallable(() -> runs.summary(id)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(first -> {
                    if (first.isEmpty()) {
                        return Problems.send(res, 404, "Unknown run", "There is no run '" + id + "'.");
                    }
                    // a run under way: first its history so far, then progress as it goes
                    Mono<String> history = Mono.justOrEmpty(runs.history(id)).map(h -> "event: history\ndata: " + h + "\n\n");
                    Flux<String> events = Flux.concat(history, Flux.interval(Duration.ZERO, EVERY)
                            .onBackpressureDrop()
                            .concatMap(tick -> Mono.fromCallable(() -> event(id)).subscribeOn(Schedulers.boundedElastic()), 1)
                            .takeUntil(e -> e.startsWith("event: summary")));
                    return res.header("Content-Type", "text/event-stream; charset=utf-8").header("Cache-Control", "no-store")
                            .sendString(events).then();
                });
    }

    /** The event for run {@code id} now. */
    private String event(String id) {
        Optional<RunProgress> live = runs.progress(id);
        if (live.isPresent()) {
            RunProgress p = live.get();
            ObjectNode o = JSON.createObjectNode().put("rowsRead", p.rowsRead()).put("bytesRead", p.bytesRead())
                    .put("totalBytes", p.totalBytes()).put("elapsedMs", p.elapsedNanos() / 1_000_000);
            return "event: progress\ndata: " + o + "\n\n";
        }
        // one line of JSON: the record is written on one line
        return "event: summary\ndata: " + runs.summary(id).orElse("{}").strip() + "\n\n";
    }
}
