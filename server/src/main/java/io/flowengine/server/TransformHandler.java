package io.flowengine.server;

import io.flowengine.ByteRun;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.RowException;
import io.flowengine.RunRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
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
        String encoding = req.requestHeaders().get("Content-Encoding");
        boolean multipart = MultipartParser.boundary(req.requestHeaders().get("Content-Type")) != null;
        // a compressed body is known by its first bytes (the input's compression is auto)
        boolean compressed = encoding != null && (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("zstd"));
        if (encoding != null && !encoding.equalsIgnoreCase("identity") && !(compressed && !multipart)) {
            return Problems.send(res.header("Connection", "close").header("Accept-Encoding", "gzip, zstd"), 415,
                    "Unsupported Content-Encoding", compressed
                            ? "A multipart form cannot be " + encoding + "-compressed as a whole here. Send the CSV as the body"
                                    + " (Content-Encoding: " + encoding + " is fine then), or put a compressed file in the form:"
                                    + " it is detected."
                            : "The body is '" + encoding + "'-encoded; this server reads gzip and zstd (a CSV body with"
                                    + " Content-Encoding: gzip or zstd) or plain bodies.");
        }
        if (draining.getAsBoolean()) {
            return Problems.send(res.header("Retry-After", "5"), 503, "Draining", "The server is shutting down; retry elsewhere.");
        }
        if (!slots.tryAcquire()) {
            return Problems.send(res.header("Retry-After", "1"), 503, "Busy", "All " + config.maxConcurrentRuns()
                    + " run slots are taken (--max-concurrent-runs). Retry after a second.");
        }
        // The slot is free again once both the run and its response have ended. The run is the
        // response's body: a client that goes away cancels it, and it is recorded all the same.
        Slot slot = new Slot(slots);
        req.withConnection(c -> c.channel().closeFuture().addListener(f -> slot.responseEnded()));
        AtomicBoolean[] whole = {null};
        EventLoop[] loop = {null};
        req.withConnection(c -> {
            whole[0] = c.channel().attr(FramingGuard.WHOLE).get();
            loop[0] = c.channel().eventLoop();
        });
        // the upload's clock on the connection's event loop (never disposed: it is Netty's)
        Scheduler clock = loop[0] != null ? Schedulers.fromExecutorService(loop[0], "upload-clock") : Schedulers.parallel();
        Flux<ByteBuffer> upload = UploadGuard.apply(UploadBody.of(req.receiveContent(), whole[0] != null ? whole[0] : new AtomicBoolean(true)),
                config.maxBodySize(), config.uploadIdleTimeout(), config.minUploadRate(), clock);
        // curl -F file=@orders.csv: the form's file is the CSV
        String boundary = MultipartParser.boundary(req.requestHeaders().get("Content-Type"));
        Flux<ByteBuffer> csv = boundary == null ? upload : file(upload, boundary);
        boolean http10 = req.version().equals(HttpVersion.HTTP_1_0);
        PipelineSpec.OutputFormat format = format(req.requestHeaders().get("Accept"), pipeline);
        // 0: the run has not started; 1: the response started it; 2: the response ended first
        AtomicInteger started = new AtomicInteger();
        // the run's record is made whatever becomes of this response (a client that breaks the
        // framing at once cancels it): so that a run that never started is recorded as failed too
        Mono<String> record = Mono.fromCallable(() -> runs.create(name)).subscribeOn(Schedulers.boundedElastic()).cache();
        record.subscribe(id -> { }, e -> { });
        return record
                .flatMap(id -> {
                    // a client that goes away cancels the run; the cancel (which disposes the run's
                    // workers and rails) runs off the event loop, where nothing may block
                    Flux<ByteBuffer> output = Flux.defer(() -> started.compareAndSet(0, 1)
                            ? run(pipeline, id, slot, format).transform(csv) : Flux.<ByteBuffer>empty())
                            .cancelOn(Schedulers.boundedElastic());
                    return respond(res.header("Flow-Run-Id", id), output, http10, format.mediaType());
                })
                .doFinally(signal -> {
                    if (started.compareAndSet(0, 2)) {
                        // the response ended before the run started reading (a client that broke the
                        // framing at once): the run fails as a broken upload, recorded and counted
                        record.subscribe(id -> run(pipeline, id, slot, format)
                                .transform(Flux.error(new UploadBody.Broken("the upload ended before the run could read it:"
                                        + " the connection closed, or the body's framing was malformed")))
                                .subscribe(b -> { }, e -> { }), e -> slot.runEnded());
                        // nobody will read the body: let Netty release what of it has come
                        req.receive().subscribe(b -> { }, e -> { });
                    }
                    slot.responseEnded();
                });
    }

    /** The run {@code id} of {@code pipeline}; when it ends, its record is written and its half of the slot let go. */
    /**
     * What the response is written as: {@code Accept: application/x-ndjson} NDJSON,
     * {@code application/json} JSON, else the pipeline's {@code sink.format} (CSV by default).
     */
    static PipelineSpec.OutputFormat format(String accept, Pipeline pipeline) {
        String a = accept == null ? "" : accept.toLowerCase(java.util.Locale.ROOT);
        if (a.contains("application/x-ndjson") || a.contains("application/jsonl")) {
            return PipelineSpec.OutputFormat.NDJSON;
        }
        if (a.contains("application/json")) {
            return PipelineSpec.OutputFormat.JSON;
        }
        if (a.contains("text/csv")) {
            return PipelineSpec.OutputFormat.CSV;
        }
        return pipeline.spec().sink().format().forName(null);
    }

    private ByteRun run(Pipeline pipeline, String id, Slot slot, PipelineSpec.OutputFormat format) {
        RunRequest request = RunRequest.create().runId(id).inputName("the upload").outputFormat(format);
        // its live counts, for GET /v1/runs/{id}/events
        request = runs.progress(id).map(request::progress).orElse(request);
        if (pipeline.spec().errors().onError() == ErrorPolicy.DEAD_LETTER) {
            request = request.deadLetter(runs.deadLetters(id));
        }
        ByteRun run = pipeline.newByteRun(request);
        run.summary().publishOn(Schedulers.boundedElastic()).subscribe(summary -> {
            runs.finish(id, summary);
            slot.runEnded();
        });
        return run;
    }

    /** The file part of a multipart/form-data body. */
    private static Flux<ByteBuffer> file(Flux<ByteBuffer> body, String boundary) {
        return Flux.defer(() -> {
            MultipartParser parser = new MultipartParser(boundary);
            return body.<ByteBuffer>concatMapIterable(chunk -> {
                        try {
                            return parser.feed(chunk);
                        } catch (MultipartParser.Malformed e) {
                            throw Exceptions.propagate(e);
                        }
                    })
                    .concatWith(Mono.fromRunnable(() -> {
                        try {
                            parser.end();
                        } catch (MultipartParser.Malformed e) {
                            throw Exceptions.propagate(e);
                        }
                    }));
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

    /**
     * The run's output as the response, streamed. HTTP/1.0 has no chunked encoding: its response
     * has no length and ends when the connection closes.
     */
    private static Mono<Void> respond(HttpServerResponse res, Flux<ByteBuffer> out, boolean http10, String mediaType) {
        return out
                .switchOnFirst((first, all) -> {
                    if (first.isOnError()) {
                        return failure(res, first.getThrowable());
                    }
                    if (http10) {
                        res.chunkedTransfer(false).keepAlive(false);
                    }
                    return res.status(200)
                            .header("Content-Type", mediaType + "; charset=utf-8")
                            .send(all.map(Unpooled::wrappedBuffer))
                            .then();
                })
                .then();
    }

    private static Mono<Void> failure(HttpServerResponse res, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UploadGuard.TooLarge) {
                return Problems.send(res.header("Connection", "close"), 413, "Upload too large", t.getMessage() + ". Split the file.");
            }
            if (t instanceof UploadGuard.TooSlow) {
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
