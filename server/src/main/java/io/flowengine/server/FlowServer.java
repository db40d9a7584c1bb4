package io.flowengine.server;

import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.RowException;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * FlowEngine's HTTP server: upload a CSV to a pipeline and get the transformed CSV streamed back
 * while the upload is still arriving. Pipelines are compiled once at start. File work and the
 * pipelines run off the event loops; memory per upload is bounded by small queues both ways.
 */
public final class FlowServer implements AutoCloseable {

    private final ServerConfig config;
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;
    private final Map<String, Pipeline> pipelines;
    private final RunStore runs;
    private final Semaphore slots;
    private final List<byte[]> keyDigests;
    private final DisposableServer server;
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    private FlowServer(ServerConfig config, Map<String, Pipeline> compiled) {
        this.config = config;
        this.registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        Map<String, Pipeline> metered = new TreeMap<>();
        compiled.forEach((name, p) -> metered.put(name, p.withMeterRegistry(registry, name)));
        this.pipelines = metered;
        ServerMetrics serverMetrics = new ServerMetrics(registry);
        this.runs = new RunStore(config.dataDir(), config.maxRuns(), Duration.ofDays(7));
        this.slots = new Semaphore(config.maxConcurrentRuns());
        this.keyDigests = config.apiKeys().stream().map(FlowServer::digest).toList();
        this.server = HttpServer.create()
                .host(config.host())
                .port(config.port())
                .idleTimeout(config.idleTimeout())
                // past maxConnections, a new connection is closed at once: a flood of idle
                // connections cannot exhaust the server; and headers must arrive by a deadline
                // that trickling bytes do not move (slowloris)
                .doOnChannelInit((observer, channel, address) -> {
                    channel.closeFuture().addListener(f -> connections.decrementAndGet());
                    if (connections.incrementAndGet() > config.maxConnections()) {
                        channel.close();
                        return;
                    }
                    channel.pipeline().addAfter(reactor.netty.NettyPipeline.HttpCodec, HeaderDeadline.NAME,
                            new HeaderDeadline(config.headerTimeout(), config.idleTimeout()));
                    channel.pipeline().addAfter(HeaderDeadline.NAME, FramingGuard.NAME, new FramingGuard());
                })
                .readTimeout(config.idleTimeout())
                // Reactor Netty's server metrics, into this server's registry (never the global one)
                .metrics(true, () -> serverMetrics, ServerMetrics::uriTag)
                .httpRequestDecoder(spec -> spec.maxHeaderSize(16 * 1024).maxInitialLineLength(8 * 1024))
                // one access-log line per request, with the run id (logger reactor.netty.http.server.AccessLog)
                .accessLog(true, x -> reactor.netty.http.server.logging.AccessLog.create("{} {} {} {} {} bytes {} ms run={}",
                        x.connectionInformation() == null ? null : x.connectionInformation().connectionRemoteAddress(),
                        x.method(), x.uri(), x.status(), x.contentLength(), x.duration(),
                        x.responseHeader("Flow-Run-Id") == null ? "-" : x.responseHeader("Flow-Run-Id")))
                .route(r -> r
                        .get("/health/live", (req, res) -> res.sendString(Mono.just("ok")).then())
                        .get("/health/ready", (req, res) -> draining
                                ? Problems.send(res, 503, "Draining", "The server is shutting down; send new uploads elsewhere.")
                                : res.sendString(Mono.just("ok")).then())
                        .get("/metrics", (req, res) -> res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                .sendString(Mono.fromCallable(registry::scrape).subscribeOn(Schedulers.boundedElastic())).then())
                        .get("/v1/pipelines", (req, res) -> guarded(req, res, () -> res
                                .header("Content-Type", "application/json")
                                .sendString(Mono.just(Problems.pipelines(pipelineNames()))).then()))
                        .post("/v1/pipelines/{name}/transform", (req, res) -> guarded(req, res, () -> transform(req, res)))
                        .get("/v1/runs/{id}", (req, res) -> guarded(req, res, () -> summary(req.param("id"), res)))
                        .get("/v1/runs/{id}/dead-letters", (req, res) -> guarded(req, res, () -> deadLetters(req.param("id"), res)))
                        .route(req -> true, this::other))
                .bindNow();
    }

    /**
     * Compiles every pipeline in {@code config.pipelines()} and starts listening. Blocking.
     *
     * @throws PipelineValidationException when a pipeline file has problems (all are listed)
     */
    public static FlowServer start(ServerConfig config, Map<String, String> env) {
        return new FlowServer(config, load(config.pipelines(), env));
    }

    private static Map<String, Pipeline> load(Path dir, Map<String, String> env) {
        Map<String, Pipeline> out = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                if (out.containsKey(name)) {
                    problems.add(new Problem(f.toString(), 0, 0, "a pipeline named '" + name + "' is already defined by "
                            + name + ".yaml or " + name + ".yml. Keep one of the two files"));
                    continue;
                }
                try {
                    out.put(name, Pipeline.of(Pipeline.loadSpec(f, Map.of(), env)));
                } catch (PipelineValidationException e) {
                    problems.addAll(e.problems());
                }
            }
        } catch (IOException e) {
            throw new FlowEngineException("cannot read the pipelines folder " + dir + ": " + e.getMessage()
                    + ". Pass --pipelines DIR with the *.yaml pipeline files");
        }
        if (!problems.isEmpty()) {
            throw new PipelineValidationException(problems);
        }
        return out;
    }

    public int port() {
        return server.port();
    }

    public List<String> pipelineNames() {
        return List.copyOf(pipelines.keySet());
    }

    /** Readiness turns 503 and new runs are refused; waits up to the grace period for runs in flight. */
    public void drain() {
        draining = true;
        try {
            if (slots.tryAcquire(config.maxConcurrentRuns(), config.shutdownGrace().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                slots.release(config.maxConcurrentRuns());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    /**
     * Every request no route took: a known path with another method is 405 with {@code Allow};
     * anything else 404. Under /v1 the key is checked first, so that a client without one
     * learns nothing about which routes exist.
     */
    private Mono<Void> other(HttpServerRequest req, HttpServerResponse res) {
        String path = req.fullPath();
        String allow = path.matches("/v1/pipelines/[^/]+/transform") ? "POST"
                : path.matches("/v1/pipelines|/v1/runs/[^/]+|/v1/runs/[^/]+/dead-letters|/health/live|/health/ready|/metrics") ? "GET"
                : null;
        java.util.function.Supplier<Mono<Void>> answer = () -> allow != null
                ? Problems.send(res.header("Allow", allow), 405, "Method Not Allowed", req.method() + " is not allowed on " + path
                        + "; use " + allow + ".")
                : Problems.send(res, 404, "Not Found", "No such endpoint: " + req.method() + " " + path
                        + ". See GET /v1/pipelines and POST /v1/pipelines/{name}/transform.");
        return path.startsWith("/v1/") || path.equals("/v1") ? guarded(req, res, answer) : answer.get();
    }

    /** Runs {@code handler} when the request carries a valid API key (or none are configured). */
    private Mono<Void> guarded(HttpServerRequest req, HttpServerResponse res, java.util.function.Supplier<Mono<Void>> handler) {
        if (!keyDigests.isEmpty()) {
            String auth = req.requestHeaders().get("Authorization");
            // the scheme is case-insensitive (RFC 9110 §11.1)
            byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? digest(auth.substring(7).strip()) : null;
            boolean ok = false;
            for (byte[] key : keyDigests) {
                ok |= given != null && MessageDigest.isEqual(key, given);
            }
            if (!ok) {
                return Problems.send(res.header("WWW-Authenticate", "Bearer"), 401, "Unauthorized",
                        "Send a valid API key as 'Authorization: Bearer KEY' (keys come from the server's --api-keys file).");
            }
        }
        return handler.get();
    }

    private Mono<Void> transform(HttpServerRequest req, HttpServerResponse res) {
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
        if (draining) {
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
        java.util.concurrent.atomic.AtomicBoolean[] whole = {null};
        req.withConnection(c -> whole[0] = c.channel().attr(FramingGuard.WHOLE).get());
        BodyInputStream in = new BodyInputStream(UploadBody.of(req.receiveContent(),
                whole[0] != null ? whole[0] : new java.util.concurrent.atomic.AtomicBoolean(true)), config.maxBodySize(),
                config.uploadIdleTimeout().toMillis(), config.minUploadRate());
        ResponseOutputStream out = new ResponseOutputStream();
        // curl -F file=@orders.csv: the form's file is the CSV
        String boundary = MultipartFile.boundary(req.requestHeaders().get("Content-Type"));
        java.io.InputStream body = boundary == null ? in : MultipartFile.of(in, boundary);
        Mono<String> id = Mono.fromCallable(() -> runs.create(name)).subscribeOn(Schedulers.boundedElastic()).cache();
        id.subscribe(runId -> startRun(pipeline, runId, body, in, out, slot), e -> {
            in.close();
            out.fail(e);
            slot.runEnded();
        });
        boolean http10 = req.version().equals(io.netty.handler.codec.http.HttpVersion.HTTP_1_0);
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

    private void startRun(Pipeline pipeline, String id, java.io.InputStream body, BodyInputStream in, ResponseOutputStream out,
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

    private Mono<Void> summary(String id, HttpServerResponse res) {
        return Mono.fromCallable(() -> runs.summary(id))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(s -> s.isPresent()
                        ? res.header("Content-Type", "application/json").sendString(Mono.just(s.get())).then()
                        : Problems.send(res, 404, "Unknown run", "There is no run '" + id + "' (run records are kept for the last "
                                + config.maxRuns() + " runs)."));
    }

    private Mono<Void> deadLetters(String id, HttpServerResponse res) {
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
                            .send(reactor.netty.ByteBufFlux.fromPath(f.get())).then();
                });
    }

    private static long parse(String n) {
        try {
            return Long.parseLong(n.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
