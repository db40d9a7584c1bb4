package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Pipeline;
import io.flowengine.RunRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** The server on a real port, driven by Reactor Netty's HttpClient. */
class FlowServerTest {

    @TempDir
    Path dir;

    private FlowServer server;
    private HttpClient client;

    private static final String ENRICH = "steps:\n  - name: upper\n    javascript: |\n      function transform(row) {\n"
            + "        if (row.name === 'boom') throw new Error('boom');\n        row.name = row.name.toUpperCase();\n        return row;\n      }\n"
            + "  - name: keep\n    filter: \"row.status !== 'cancelled'\"\n";

    @BeforeEach
    void start() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("enrich.yaml"), ENRICH + "errors:\n  onError: dead-letter\n");
        Files.writeString(pipelines.resolve("strict.yaml"), ENRICH);
        startWith(ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0));
    }

    private void startWith(ServerConfig config) {
        if (server != null) {
            server.close();
        }
        server = FlowServer.start(config, Map.of());
        client = HttpClient.create().baseUrl("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Answer(int status, String body, String runId, String contentType) {
    }

    private Answer post(String path, String body, String... headers) {
        return client.headers(h -> {
                    for (int i = 0; i < headers.length; i += 2) {
                        h.set(headers[i], headers[i + 1]);
                    }
                })
                .post().uri(path).send(ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((res, content) -> content.asString().defaultIfEmpty("")
                        .map(text -> new Answer(res.status().code(), text, res.responseHeaders().get("Flow-Run-Id"),
                                res.responseHeaders().get("Content-Type"))))
                .block(Duration.ofSeconds(30));
    }

    private Answer get(String path, String... headers) {
        return client.headers(h -> {
                    for (int i = 0; i < headers.length; i += 2) {
                        h.set(headers[i], headers[i + 1]);
                    }
                })
                .get().uri(path)
                .responseSingle((res, content) -> content.asString().defaultIfEmpty("")
                        .map(text -> new Answer(res.status().code(), text, null, res.responseHeaders().get("Content-Type"))))
                .block(Duration.ofSeconds(30));
    }

    private static String csv(int rows) {
        StringBuilder sb = new StringBuilder("name,status\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i % 100 == 7 ? "boom" : "n" + i).append(i % 10 == 3 ? ",cancelled\n" : ",paid\n");
        }
        return sb.toString();
    }

    @Test
    void transformStreamsTheSameOutputAsTheCli() throws Exception {
        String input = csv(5000);
        Answer a = post("/v1/pipelines/enrich/transform", input);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("text/csv");
        assertThat(a.runId()).matches("[0-9a-f]{32}");

        Files.writeString(dir.resolve("in.csv"), input);
        Pipeline.of(Pipeline.loadSpec(dir.resolve("pipelines/enrich.yaml"), Map.of(), Map.of()))
                .run(RunRequest.create().input(dir.resolve("in.csv")).output(dir.resolve("cli.csv"))).block();
        assertThat(a.body()).isEqualTo(Files.readString(dir.resolve("cli.csv")));

        Answer summary = get("/v1/runs/" + a.runId());
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.body()).startsWith("{\"status\":\"succeeded\",\"rowsIn\":5000,\"rowsOut\":4450,\"rowsFiltered\":500,\"rowsFailed\":50,");
        Answer dead = get("/v1/runs/" + a.runId() + "/dead-letters");
        assertThat(dead.body().lines()).hasSize(51).first().isEqualTo("name,status,_row,_line,_step,_error,_raw");
    }

    @Test
    void outputArrivesWhileTheUploadIsStillGoing() {
        AtomicBoolean uploadDone = new AtomicBoolean();
        AtomicBoolean firstChunkBeforeUploadEnded = new AtomicBoolean();
        Flux<ByteBuf> upload = Flux.concat(
                        Flux.just("name,status\n"),
                        Flux.range(0, 150).concatMap(i -> Mono.delay(Duration.ofMillis(50)).thenReturn(csvRows(i * 200, 200))))
                .map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)))
                .doOnComplete(() -> uploadDone.set(true));
        AtomicLong bytes = new AtomicLong();
        client.post().uri("/v1/pipelines/enrich/transform").send(upload)
                .response((res, body) -> body.doOnNext(b -> {
                    if (bytes.get() == 0 && !uploadDone.get()) {
                        firstChunkBeforeUploadEnded.set(true);
                    }
                    bytes.addAndGet(b.readableBytes());
                }))
                .blockLast(Duration.ofSeconds(60));
        assertThat(bytes.get()).isPositive();
        assertThat(firstChunkBeforeUploadEnded).isTrue();
    }

    private static String csvRows(int from, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            sb.append("n").append(i).append(",paid\n");
        }
        return sb.toString();
    }

    @Test
    void aFailFastPipelineThatFailsBeforeOutputIs422() {
        Answer a = post("/v1/pipelines/strict/transform", "name,status\nboom,paid\n");
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.contentType()).isEqualTo("application/problem+json");
        assertThat(a.body()).contains("\"detail\":\"strict.yaml:5:").contains("Error: boom (record 1, line 2, step 'upper')");
        assertThat(get("/v1/runs/" + a.runId()).body()).startsWith("{\"status\":\"failed\"");
    }

    @Test
    void unknownPipelineRunAndEndpointAre404() {
        assertThat(post("/v1/pipelines/nope/transform", "a\n1\n").body()).contains("There is no pipeline 'nope'");
        assertThat(get("/v1/runs/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
        assertThat(get("/v1/runs/..%2F..%2Fetc").status()).isEqualTo(404);
        assertThat(get("/nowhere").status()).isEqualTo(404);
    }

    @Test
    void metricsInPrometheusFormat() {
        post("/v1/pipelines/enrich/transform", csv(300));
        post("/v1/pipelines/strict/transform", "name,status\nboom,paid\n");
        String metrics = get("/metrics").body();
        assertThat(metrics)
                .contains("flowengine_rows_in_total{pipeline=\"enrich\"} 300.0")
                .contains("flowengine_rows_out_total{pipeline=\"enrich\"} 267.0")
                .contains("flowengine_rows_filtered_total{pipeline=\"enrich\"} 30.0")
                .contains("flowengine_rows_failed_total{pipeline=\"enrich\",step=\"upper\"} 3.0")
                .contains("flowengine_runs_total{pipeline=\"enrich\",status=\"succeeded\"} 1.0")
                .contains("flowengine_runs_total{pipeline=\"strict\",status=\"failed\"} 1.0")
                .contains("flowengine_runs_active{pipeline=\"enrich\"} 0.0")
                .contains("reactor_netty_http_server_response_time_seconds_count{method=\"POST\",status=\"200\",uri=\"/v1/pipelines/{name}/transform\"} 1")
                .contains("reactor_netty_http_server_response_time_seconds_count{method=\"POST\",status=\"422\",uri=\"/v1/pipelines/{name}/transform\"} 1")
                .contains("reactor_netty_http_server_data_received_bytes_sum{uri=\"/v1/pipelines/{name}/transform\"}")
                .containsPattern("flowengine_step_duration_seconds_count\\{pipeline=\"enrich\",step=\"upper\"} [1-9]")
                .containsPattern("flowengine_step_duration_seconds_sum\\{pipeline=\"enrich\",step=\"keep\"} [0-9.E-]+[1-9]");
    }

    @Test
    void everyMeterMetricsMdNamesIsShownWithItsHelp() throws Exception {
        post("/v1/pipelines/enrich/transform", csv(300));
        String metrics = get("/metrics").body();
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`((?:flowengine|reactor_netty_http_server|\\.\\.\\.)_[a-z_]+)").matcher(doc);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1).replace("...", "reactor_netty_http_server"));
        }
        assertThat(names).contains("flowengine_rows_in_total", "reactor_netty_http_server_connections");
        for (String name : names) {
            if (name.equals("reactor_netty_http_server_errors_total")) {
                continue; // shown once a connection has failed
            }
            assertThat(metrics).as("/metrics shows " + name).containsPattern("(?m)^" + name + "(_count|_sum)?[{ ]");
        }
        assertThat(metrics.lines().filter(l -> l.startsWith("# HELP flowengine_")))
                .isNotEmpty().allSatisfy(l -> assertThat(l).as("HELP text").matches("# HELP \\S+ \\S.*"));
    }

    @Test
    void serverMetricsNeverTagRawPathsOrMadeUpMethods() {
        get("/v1/runs/0123456789abcdef0123456789abcdef");
        get("/made/up/" + "x".repeat(40));
        client.request(io.netty.handler.codec.http.HttpMethod.valueOf("BREW")).uri("/coffee")
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("").thenReturn(res.status().code()))
                .block(Duration.ofSeconds(10));
        String metrics = get("/metrics").body();
        assertThat(metrics)
                .contains("uri=\"/v1/runs/{id}\"")
                .contains("method=\"OTHER\",status=\"404\",uri=\"other\"")
                .doesNotContain("0123456789abcdef").doesNotContain("made/up").doesNotContain("BREW").doesNotContain("coffee");
        assertThat(ServerMetrics.uriTag("/v1/runs/abc/dead-letters?x=1")).isEqualTo("/v1/runs/{id}/dead-letters");
        assertThat(ServerMetrics.uriTag("/v1/pipelines/orders/transform")).isEqualTo("/v1/pipelines/{name}/transform");
    }

    @Test
    void slowHeadersAreCutOffAndDoNotStarveOthers() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withHeaderTimeout(Duration.ofSeconds(1)).withMaxConnections(6));
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 5; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
                s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            // each trickles one header byte every 100 ms: idle and read timeouts never fire
            int closed = 0;
            for (int tick = 0; tick < 60 && closed < slow.size(); tick++) {
                closed = 0;
                for (java.net.Socket s : slow) {
                    try {
                        s.getOutputStream().write('X');
                        s.getOutputStream().flush();
                    } catch (java.io.IOException e) {
                        closed++;
                    }
                }
                Thread.sleep(100);
            }
            assertThat(closed).as("every slow-header connection is closed").isEqualTo(slow.size());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(get("/health/live").status()).as("the slots are free for others").isEqualTo(200);
        } finally {
            for (java.net.Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aKeptAliveConnectionServesSeveralRequests() {
        // the header deadline restarts per request: requests spread past it on one connection pass
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withHeaderTimeout(Duration.ofMillis(500)));
        // the pooled client would reconnect silently: every request must have gone over one channel
        java.util.Set<io.netty.channel.ChannelId> channels = java.util.concurrent.ConcurrentHashMap.newKeySet();
        client = client.doOnRequest((req, conn) -> channels.add(conn.channel().id()));
        for (int i = 0; i < 4; i++) {
            assertThat(get("/health/live").status()).isEqualTo(200);
            Mono.delay(Duration.ofMillis(300)).block();
        }
        assertThat(post("/v1/pipelines/enrich/transform", csv(100)).status()).isEqualTo(200);
        assertThat(channels).as("connections used").hasSize(1);
    }

    @Test
    void concurrentUploadsAllSucceedWithTheirOwnOutput() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxConcurrentRuns(8));
        List<java.util.concurrent.CompletableFuture<Answer>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String input = csvRowsWithHeader(i * 10_000, 3000 + i);
            answers.add(client.post().uri("/v1/pipelines/enrich/transform").send(ByteBufFlux.fromString(Mono.just(input)))
                    .responseSingle((res, content) -> content.asString().defaultIfEmpty("")
                            .map(text -> new Answer(res.status().code(), text, res.responseHeaders().get("Flow-Run-Id"), null)))
                    .toFuture());
        }
        for (int i = 0; i < 8; i++) {
            Answer a = answers.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(a.status()).isEqualTo(200);
            List<String> lines = a.body().lines().toList();
            assertThat(lines).hasSize(3000 + i + 1);
            assertThat(lines.get(1)).isEqualTo("N" + (i * 10_000) + ",paid");
            assertThat(lines.get(lines.size() - 1)).isEqualTo("N" + (i * 10_000 + 3000 + i - 1) + ",paid");
        }
        assertThat(answers.stream().map(f -> f.join().runId()).distinct()).hasSize(8);
    }

    private static String csvRowsWithHeader(int from, int count) {
        return "name,status\n" + csvRows(from, count);
    }

    @Test
    void aSlowReaderGetsTheWholeResponse() {
        // the client takes one buffer at a time with a pause: the server's writer waits for it
        String input = csvRowsWithHeader(0, 200_000);
        AtomicLong lines = new AtomicLong();
        AtomicLong last = new AtomicLong();
        client.post().uri("/v1/pipelines/enrich/transform").send(ByteBufFlux.fromString(Mono.just(input)))
                .response((res, body) -> body.asString().limitRate(1).delayElements(Duration.ofMillis(2)))
                .doOnNext(text -> lines.addAndGet(text.chars().filter(c -> c == '\n').count()))
                .blockLast(Duration.ofSeconds(120));
        assertThat(lines.get()).isEqualTo(200_001);
    }

    @Test
    void oversizedHeadersAre431() {
        Answer a = get("/v1/pipelines", "X-Padding", "x".repeat(20_000));
        assertThat(a.status()).isEqualTo(431);
        assertThat(get("/health/live").status()).as("the server goes on").isEqualTo(200);
    }

    @Test
    void connectionsPastTheLimitAreClosed() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxConnections(3));
        List<java.net.Socket> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                idle.add(new java.net.Socket("127.0.0.1", server.port()));
            }
            Thread.sleep(300);
            try (java.net.Socket extra = new java.net.Socket("127.0.0.1", server.port())) {
                extra.setSoTimeout(5000);
                extra.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(extra.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            } catch (java.net.SocketException e) {
                // reset by the server: closed as well
            }
        } finally {
            for (java.net.Socket s : idle) {
                s.close();
            }
        }
        Thread.sleep(300);
        assertThat(get("/health/live").status()).as("room again once they close").isEqualTo(200);
    }

    @Test
    void healthAndPipelineList() {
        assertThat(get("/health/live").status()).isEqualTo(200);
        assertThat(get("/health/ready").status()).isEqualTo(200);
        assertThat(get("/v1/pipelines").body()).isEqualTo("{\"pipelines\":[\"enrich\",\"strict\"]}");
    }

    @Test
    void apiKeysAreCheckedBeforeTheBodyIsRead() {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withApiKeys(List.of("k1", "k2")));
        assertThat(post("/v1/pipelines/enrich/transform", "name,status\na,paid\n").status()).isEqualTo(401);
        assertThat(post("/v1/pipelines/enrich/transform", "name,status\na,paid\n", "Authorization", "Bearer wrong").status()).isEqualTo(401);
        assertThat(post("/v1/pipelines/enrich/transform", "name,status\na,paid\n", "Authorization", "Bearer k2").status()).isEqualTo(200);
        assertThat(get("/health/live").status()).as("health stays open").isEqualTo(200);
    }

    @Test
    void oversizedUploadsAre413() {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxBodySize(1000));
        String big = csv(500);
        Answer declared = post("/v1/pipelines/enrich/transform", big, "Content-Length",
                Integer.toString(big.getBytes(StandardCharsets.UTF_8).length));
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.body()).contains("this server takes at most 1000 (--max-body-size)");
        // no Content-Length: counted while streaming. The first buffer is past the limit and holds
        // fewer records than one chunk (256), so no output can have started: always 413
        Flux<ByteBuf> chunked = Flux.just(csv(200), csv(200)).map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)));
        Answer streamed = client.post().uri("/v1/pipelines/strict/transform").send(chunked)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(res.status().code(), text, res.responseHeaders().get("Flow-Run-Id"), null)))
                .block(Duration.ofSeconds(30));
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(streamed.body()).contains("larger than 1000 bytes (--max-body-size)");
        assertThat(get("/v1/runs/" + streamed.runId()).body()).startsWith("{\"status\":\"failed\"");
    }

    @Test
    void anUploadThatGrowsPastTheLimitAfterItsResponseStartedIsCutOffAndItsRunFails() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxBodySize(60_000));
        reactor.core.publisher.Sinks.Many<String> body = reactor.core.publisher.Sinks.many().unicast().onBackpressureBuffer();
        java.util.concurrent.CountDownLatch outputStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> runId = new java.util.concurrent.atomic.AtomicReference<>();
        var response = client.post().uri("/v1/pipelines/strict/transform")
                .send(body.asFlux().map(t -> Unpooled.wrappedBuffer(t.getBytes(StandardCharsets.UTF_8))))
                .response((res, content) -> {
                    runId.set(res.responseHeaders().get("Flow-Run-Id"));
                    return content.doOnNext(b -> outputStarted.countDown()).then();
                })
                .then()
                .toFuture();
        body.tryEmitNext(csvRowsWithHeader(0, 3000)); // about 30 kB: several chunks of output
        assertThat(outputStarted.await(20, java.util.concurrent.TimeUnit.SECONDS)).as("output started").isTrue();
        body.tryEmitNext(csvRows(3000, 4000)); // past 60,000 bytes
        assertThat(response).failsWithin(Duration.ofSeconds(20))
                .withThrowableThat().as("the connection is cut: a 200 cannot become a 413").isNotNull();
        String summary = null;
        for (int i = 0; i < 100; i++) {
            summary = get("/v1/runs/" + runId.get()).body();
            if (!summary.contains("\"running\"")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(summary).startsWith("{\"status\":\"failed\"").contains("larger than 60000 bytes (--max-body-size)");
    }

    @Test
    void anUploadThatGoesSilentIsAbandonedAfterTheIdleTimeout() {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withUploadIdleTimeout(Duration.ofSeconds(1)).withMaxConcurrentRuns(1));
        Flux<ByteBuf> silent = Flux.concat(Flux.just("name,status\nann,paid\n"), Flux.<String>never())
                .map(t -> Unpooled.wrappedBuffer(t.getBytes(StandardCharsets.UTF_8)));
        Answer a = client.post().uri("/v1/pipelines/enrich/transform").send(silent)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(res.status().code(), text, res.responseHeaders().get("Flow-Run-Id"), null)))
                .block(Duration.ofSeconds(20));
        assertThat(a.status()).isEqualTo(422);
        assertThat(a.body()).contains("the client sent nothing for 1000 ms; the upload was abandoned");
        assertThat(get("/v1/runs/" + a.runId()).body()).startsWith("{\"status\":\"failed\"");
        assertThat(post("/v1/pipelines/enrich/transform", "name,status\nbob,paid\n").status()).as("the slot is free").isEqualTo(200);
    }

    /** Waits until {@code n} runs of {@code pipeline} are under way, as the server's own gauge says. */
    private void awaitActiveRuns(String pipeline, int n) throws InterruptedException {
        String line = "flowengine_runs_active{pipeline=\"" + pipeline + "\"} " + n + ".0";
        for (int i = 0; i < 200; i++) {
            if (get("/metrics").body().lines().anyMatch(line::equals)) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("never " + line);
    }

    @Test
    void busyServerAnswers503AtOnce() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxConcurrentRuns(1));
        Flux<ByteBuf> slow = Flux.concat(Flux.just("name,status\n"),
                        Flux.range(0, 20).concatMap(i -> Mono.delay(Duration.ofMillis(100)).thenReturn("n" + i + ",paid\n")))
                .map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)));
        var first = client.post().uri("/v1/pipelines/enrich/transform").send(slow)
                .responseSingle((res, body) -> body.asString().thenReturn(res.status().code())).toFuture();
        awaitActiveRuns("enrich", 1);
        Answer second = client.post().uri("/v1/pipelines/enrich/transform").send(ByteBufFlux.fromString(Mono.just("name,status\na,paid\n")))
                .responseSingle((res, content) -> content.asString().defaultIfEmpty("")
                        .map(text -> new Answer(res.status().code(), text, res.responseHeaders().get("Retry-After"), null)))
                .block(Duration.ofSeconds(10));
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.runId()).as("Retry-After").isEqualTo("1");
        assertThat(first.get().intValue()).isEqualTo(200);
    }

    @Test
    void aClientThatDisconnectsMidUploadFreesItsSlotAndFailsItsRun() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxConcurrentRuns(1));
        // a first chunk of rows at once, so that the response starts, then a row every 20 ms
        Flux<ByteBuf> endless = Flux.concat(Flux.just("name,status\n" + csvRows(0, 300)),
                        Flux.interval(Duration.ofMillis(20)).map(i -> "n" + i + ",paid\n"))
                .map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)));
        java.util.concurrent.atomic.AtomicReference<String> runId = new java.util.concurrent.atomic.AtomicReference<>();
        var upload = client.post().uri("/v1/pipelines/enrich/transform").send(endless)
                .response((res, body) -> {
                    runId.set(res.responseHeaders().get("Flow-Run-Id"));
                    return body;
                })
                .subscribe(b -> { }, e -> { });
        for (int i = 0; i < 200 && runId.get() == null; i++) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
        upload.dispose();
        Answer next = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            next = post("/v1/pipelines/enrich/transform", "name,status\na,paid\n");
            if (next.status() == 200) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(next.status()).as("the slot is free again").isEqualTo(200);
        assertThat(runId.get()).as("the response had started").isNotNull();
        assertThat(get("/v1/runs/" + runId.get()).body()).startsWith("{\"status\":\"failed\"");
    }

    @Test
    void drainingLetsUploadsInFlightFinish() throws Exception {
        Flux<ByteBuf> slow = Flux.concat(Flux.just("name,status\n"),
                        Flux.range(0, 15).concatMap(i -> Mono.delay(Duration.ofMillis(100)).thenReturn("n" + i + ",paid\n")))
                .map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)));
        var inFlight = client.post().uri("/v1/pipelines/enrich/transform").send(slow)
                .responseSingle((res, body) -> body.asString().map(text -> res.status().code() + ":" + text.lines().count())).toFuture();
        awaitActiveRuns("enrich", 1);
        server.drain();
        // drain() returned: the run had ended and its response had been sent in full
        assertThat(get("/metrics").body()).contains("flowengine_runs_active{pipeline=\"enrich\"} 0.0")
                .contains("flowengine_runs_total{pipeline=\"enrich\",status=\"succeeded\"} 1.0");
        assertThat(inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("200:16");
    }

    @Test
    void drainingTurnsReadinessAndNewRunsAway() {
        server.drain();
        assertThat(get("/health/ready").status()).isEqualTo(503);
        assertThat(post("/v1/pipelines/enrich/transform", "name,status\na,paid\n").status()).isEqualTo(503);
    }
}
