package io.flowengine.server;

import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.logging.AccessLog;

/**
 * FlowEngine's HTTP server: upload a CSV to a pipeline and get the transformed CSV streamed back
 * while the upload is still arriving. Pipelines are compiled once at start. File work and the
 * pipelines run off the event loops; memory per upload is bounded by small queues both ways.
 */
public final class FlowServer implements AutoCloseable {

    private final ServerConfig config;
    private final PrometheusMeterRegistry registry;
    private final Map<String, Pipeline> pipelines;
    private final RunStore runs;
    private final Semaphore slots;
    private final ApiKeys keys;
    private final TransformHandler transform;
    private final RunsHandler runRecords;
    private final WorkbenchHandler workbench;
    private final StudioHandler studio;
    private final Map<String, String> env;
    private final DisposableServer server;
    private volatile boolean draining;
    private final AtomicInteger connections = new AtomicInteger();

    private FlowServer(ServerConfig config, Map<String, Pipeline> compiled, Map<String, String> env) {
        if (config.allowEdit() && config.apiKeys().isEmpty()) {
            throw new FlowEngineException("saving pipelines (allowEdit) needs API keys: without them anyone who reaches the"
                    + " server could change what it runs. Pass --api-keys FILE with --allow-edit");
        }
        this.config = config;
        this.env = Map.copyOf(env);
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<String, Pipeline> metered = new ConcurrentSkipListMap<>();
        compiled.forEach((name, p) -> metered.put(name, p.withMeterRegistry(registry, name)));
        this.pipelines = metered;
        ServerMetrics serverMetrics = new ServerMetrics(registry);
        this.runs = new RunStore(config.dataDir(), config.maxRuns(), Duration.ofDays(7));
        this.slots = new Semaphore(config.maxConcurrentRuns());
        this.keys = new ApiKeys(config.apiKeys());
        this.transform = new TransformHandler(config, pipelines, runs, slots, () -> draining);
        this.runRecords = new RunsHandler(config, runs);
        this.workbench = new WorkbenchHandler(config, slots, () -> draining);
        this.studio = new StudioHandler(config);
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
                    channel.pipeline().addAfter(NettyPipeline.HttpCodec, HeaderDeadline.NAME,
                            new HeaderDeadline(config.headerTimeout(), config.idleTimeout()));
                    channel.pipeline().addAfter(HeaderDeadline.NAME, FramingGuard.NAME, new FramingGuard());
                })
                .readTimeout(config.idleTimeout())
                // a client that sends Accept-Encoding: gzip gets a gzip response, streamed as it is
                // made; server-sent events go as they are, each as soon as it is written
                .compress((req, res) -> !String.valueOf(res.responseHeaders().get("Content-Type")).startsWith("text/event-stream"))
                // Reactor Netty's server metrics, into this server's registry (never the global one)
                .metrics(true, () -> serverMetrics, ServerMetrics::uriTag)
                .httpRequestDecoder(spec -> spec.maxHeaderSize(16 * 1024).maxInitialLineLength(8 * 1024))
                // one access-log line per request, with the run id (logger reactor.netty.http.server.AccessLog)
                .accessLog(true, x -> AccessLog.create("{} {} {} {} {} bytes {} ms run={}",
                        x.connectionInformation() == null ? null : x.connectionInformation().connectionRemoteAddress(),
                        x.method(), x.uri(), x.status(), x.contentLength(), x.duration(),
                        x.responseHeader("Flow-Run-Id") == null ? "-" : x.responseHeader("Flow-Run-Id")))
                .route(this::routes)
                .bindNow();
    }

    /** Every endpoint: health and metrics open; /v1 behind the API keys; anything else 404 or 405. */
    private void routes(HttpServerRoutes r) {
        r.get("/health/live", (req, res) -> res.sendString(Mono.just("ok")).then())
                .get("/health/ready", (req, res) -> draining
                        ? Problems.send(res, 503, "Draining", "The server is shutting down; send new uploads elsewhere.")
                        : res.sendString(Mono.just("ok")).then())
                .get("/metrics", (req, res) -> res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .sendString(Mono.fromCallable(registry::scrape).subscribeOn(Schedulers.boundedElastic())).then())
                .get("/v1/pipelines", (req, res) -> keys.guarded(req, res, () -> res
                        .header("Content-Type", "application/json")
                        .sendString(Mono.just(Problems.pipelines(pipelineNames()))).then()))
                .get("/v1/pipelines/{name}", (req, res) -> keys.guarded(req, res, () ->
                        studio.text(req.param("name"), pipelines.containsKey(req.param("name")), res)))
                .put("/v1/pipelines/{name}", (req, res) -> keys.guarded(req, res, () ->
                        workbench.save(req.param("name"), req, res, file -> install(req.param("name"), file))))
                .get("/v1/studio", (req, res) -> keys.guarded(req, res, () -> res.header("Content-Type", "application/json")
                        .sendString(Mono.just(studio.about())).then()))
                .post("/v1/pipelines/{name}/transform", (req, res) -> keys.guarded(req, res, () -> transform.handle(req, res)))
                .post("/v1/validate", (req, res) -> keys.guarded(req, res, () -> workbench.validate(req, res)))
                .post("/v1/preview", (req, res) -> keys.guarded(req, res, () -> workbench.preview(req, res)))
                .post("/v1/test", (req, res) -> keys.guarded(req, res, () -> workbench.test(req, res)))
                .get("/v1/runs", (req, res) -> keys.guarded(req, res, () -> runRecords.list(req, res)))
                .get("/v1/runs/{id}", (req, res) -> keys.guarded(req, res, () -> runRecords.summary(req.param("id"), res)))
                .get("/v1/runs/{id}/events", (req, res) -> keys.guarded(req, res, () -> runRecords.events(req.param("id"), res)))
                .get("/v1/runs/{id}/dead-letters", (req, res) -> keys.guarded(req, res, () -> runRecords.deadLetters(req.param("id"), res)))
                .route(req -> config.studio() && req.method().name().equals("GET")
                        && (req.fullPath().equals("/") || req.fullPath().startsWith("/studio")), studio::asset)
                .route(req -> true, this::other);
    }

    /**
     * Compiles every pipeline in {@code config.pipelines()} and starts listening. Blocking.
     *
     * @throws PipelineValidationException when a pipeline file has problems (all are listed)
     */
    public static FlowServer start(ServerConfig config, Map<String, String> env) {
        return new FlowServer(config, load(config.pipelines(), env), env);
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

    /** A saved pipeline file, compiled as at start and served under {@code name}; its problems if it is not valid. */
    private List<Problem> install(String name, Path file) {
        try {
            pipelines.put(name, Pipeline.of(Pipeline.loadSpec(file, Map.of(), env)).withMeterRegistry(registry, name));
            return List.of();
        } catch (PipelineValidationException e) {
            return e.problems();
        }
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
            if (slots.tryAcquire(config.maxConcurrentRuns(), config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                slots.release(config.maxConcurrentRuns());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
        runs.close();
    }

    /**
     * Every request no route took: a known path with another method is 405 with {@code Allow};
     * anything else 404. Under /v1 the key is checked first, so that a client without one
     * learns nothing about which routes exist.
     */
    private Mono<Void> other(HttpServerRequest req, HttpServerResponse res) {
        String path = req.fullPath();
        String allow = path.matches("/v1/pipelines/[^/]+/transform|/v1/validate|/v1/preview|/v1/test") ? "POST"
                : path.matches("/v1/pipelines/[^/]+") ? "GET, PUT"
                : path.matches("/v1/pipelines|/v1/studio|/v1/runs|/v1/runs/[^/]+|/v1/runs/[^/]+/dead-letters|/v1/runs/[^/]+/events|/health/live|/health/ready|/metrics") ? "GET"
                : null;
        Supplier<Mono<Void>> answer = () -> allow != null
                ? Problems.send(res.header("Allow", allow), 405, "Method Not Allowed", req.method() + " is not allowed on " + path
                        + "; use " + allow + ".")
                : Problems.send(res, 404, "Not Found", "No such endpoint: " + req.method() + " " + path
                        + ". See GET /v1/pipelines and POST /v1/pipelines/{name}/transform.");
        return path.startsWith("/v1/") || path.equals("/v1") ? keys.guarded(req, res, answer) : answer.get();
    }

}
