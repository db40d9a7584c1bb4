package io.flowengine.server;

import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.RowException;
import io.flowengine.RunRequest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/pipelines/{name}/transform}: the upload through the pipeline, the output streamed
 * back while the upload still arrives; a run slot held until both the run and the response have
 * ended; failures before the response starts as problem+json.
 */
final class TransformHandler {

    private final ServerConfig config;
    private final Map<String, Pipeline> pipelines;
    private final RunStore runs;
    private final Semaphore slots;
    private final BooleanSupplier draining;

    TransformHandler(ServerConfig config, Map<String, Pipeline> pipelines, RunStore runs, Semaphore slots, BooleanSupplier draining) {
        this.config = config;
        this.pipelines = pipelines;
        this.runs = runs;
        this.slots = slots;
        this.draining = draining;
    }

    /** {@code POST /v1/pipelines/{name}/transform}. */
    Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String name = PathNames.decode(req.param("name"));
        Pipeline pipeline = pipelines.get(name);
        if (pipeline == null) {
            return Problems.send(res, 404, "Unknown pipeline", "There is no pipeline '" + name + "'. GET /v1/pipelines lists them;"
                    + " a pipeline is a .yaml file in the server's --pipelines folder.");
        }
        String length = req.requestHeaders().get("Content-Length");
        if (length != null && parse(length) > config.maxBodySize()) {
            return Problems.send(res.header("Connection", "close"), 413, "Upload too large", "The body is " + length
                    + " bytes; this server takes at most " + config.maxBodySize() + " (--max-body-size). Split the file.");
        }
        if (draining.getAsBoolean()) {
            return Problems.send(res.header("Retry-After", "5"), 503, "Draining", "The server is shutting down; retry elsewhere.");
        }
        if (!slots.tryAcquire()) {
            return Problems.send(res.header("Retry-After", "1"), 503, "Busy", "All " + config.maxConcurrentRuns()
                    + " run slots are taken (--max-concurrent-runs). Retry after a second.");
        }
        // The run, once its record exists, goes on whatever becomes of this handler (a client
        // that breaks the framing or goes away cancels it): it reads to the body's end or break,
        // is recorded, and lets go of the slot with the response.
        Slot slot = new Slot(slots);
        req.withConnection(c -> c.channel().closeFuture().addListener(f -> slot.responseEnded()));
        AtomicBoolean[] whole = {null};
        req.withConnection(c -> whole[0] = c.channel().attr(FramingGuard.WHOLE).get());
        BodyInputStream in = new BodyInputStream(UploadBody.of(req.receiveContent(),
                whole[0] != null ? whole[0] : new AtomicBoolean(true)), config.maxBodySize(),
                config.uploadIdleTimeout().toMillis(), config.minUploadRate());
        ResponseOutputStream out = new ResponseOutputStream();
        // curl -F file=@orders.csv: the form's file is the CSV
        String boundary = MultipartFile.boundary(req.requestHeaders().get("Content-Type"));
        InputStream body = boundary == null ? in : MultipartFile.of(in, boundary);
        Mono<String> id = Mono.fromCallable(() -> runs.create(name)).subscribeOn(Schedulers.boundedElastic()).cache();
        id.subscribe(runId -> startRun(pipeline, runId, body, in, out, slot), e -> {
            in.close();
            out.fail(e);
            slot.runEnded();
        });
        boolean http10 = req.version().equals(HttpVersion.HTTP_1_0);
        return id.flatMap(runId -> respond(res.header("Flow-Run-Id", runId), out, http10))
                .doFinally(s -> {
                    // nobody reads the output any more: the run's next write fails instead of waiting
                    out.abandon();
                    slot.responseEnded();
                });
    }

    /**
     * A run slot, free again once both the run and its response have ended: drain() then knows
     * that every response in flight has been sent in full.
     */
    private static final class Slot {
        private final Semaphore slots;
        private boolean run;
        private boolean response;
        private boolean released;

        Slot(Semaphore slots) {
            this.slots = slots;
        }

        synchronized void runEnded() {
            run = true;
            release();
        }

        synchronized void responseEnded() {
            response = true;
            release();
        }

        private void release() {
            if (run && response && !released) {
                released = true;
                slots.release();
            }
        }
    }

    private void startRun(Pipeline pipeline, String id, InputStream body, BodyInputStream in, ResponseOutputStream out,
            Slot slot) {
        RunRequest request = RunRequest.create().runId(id).input(body, "the upload").output(out);
        if (pipeline.spec().errors().onError() == ErrorPolicy.DEAD_LETTER) {
            request = request.deadLetter(runs.deadLetters(id));
        }
        pipeline.run(request)
                .publishOn(Schedulers.boundedElastic())
                .doFinally(s -> {
                    in.close();
                    slot.runEnded();
                })
                .subscribe(summary -> {
                    runs.finish(id, summary);
                    if (summary.succeeded()) {
                        try {
                            out.complete();
                        } catch (IOException e) {
                            out.fail(e);
                        }
                    } else {
                        out.fail(summary.error().orElseThrow());
                    }
                }, out::fail);
    }

    /**
     * The run's output as the response, streamed. HTTP/1.0 has no chunked encoding: its response
     * has no length and ends when the connection closes.
     */
    private static Mono<Void> respond(HttpServerResponse res, ResponseOutputStream out, boolean http10) {
        return out.chunks()
                .switchOnFirst((first, all) -> {
                    if (first.isOnError()) {
                        return failure(res, first.getThrowable());
                    }
                    if (http10) {
                        res.chunkedTransfer(false).keepAlive(false);
                    }
                    return res.status(200)
                            .header("Content-Type", "text/csv; charset=utf-8")
                            .send(all.map(Unpooled::wrappedBuffer))
                            .then();
                })
                .then();
    }

    private static Mono<Void> failure(HttpServerResponse res, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BodyInputStream.TooLarge) {
                return Problems.send(res.header("Connection", "close"), 413, "Upload too large", t.getMessage() + ". Split the file.");
            }
            if (t instanceof BodyInputStream.TooSlow) {
                return Problems.send(res.header("Connection", "close"), 408, "Upload too slow", t.getMessage() + ".");
            }
            if (t instanceof UploadBody.Broken) {
                return Problems.send(res.header("Connection", "close"), 400, "Broken upload", t.getMessage() + ".");
            }
        }
        if (error instanceof RowException || error instanceof FlowEngineException) {
            return Problems.send(res, 422, "The run failed", error.getMessage());
        }
        return Problems.send(res, 500, "Internal error", String.valueOf(error));
    }

    private static long parse(String n) {
        try {
            return Long.parseLong(n.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
