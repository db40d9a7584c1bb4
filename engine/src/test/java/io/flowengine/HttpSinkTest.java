package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTP sink against a real local server that fails, throttles and recovers, driven through
 * the pipeline file and the public API as the CLI drives it.
 */
class HttpSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private DisposableServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    /** Starts a server that answers request n (1-based) with {@code status.apply(n)}; 429/503 carry Retry-After: 1. */
    private String serve(IntFunction<Integer> status) {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.post("/ingest", (req, res) -> req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
                    int n = requests.incrementAndGet();
                    int code = status.apply(n);
                    authorizations.add(String.valueOf(req.requestHeaders().get("Authorization")));
                    if (code == 200) {
                        bodies.add(body);
                    }
                    if (code == 429 || code == 503) {
                        res.header("Retry-After", "1");
                    }
                    return res.status(code).sendString(Mono.just(code == 200 ? "ok" : "try later")).then();
                })))
                .bindNow();
        return "http://127.0.0.1:" + server.port() + "/ingest";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow();
        }
    }

    private RunSummary run(String url, String extra, int rows) throws Exception {
        Path pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, "steps:\n  - name: id\n    javascript: \"function transform(row) { return row; }\"\n"
                + "sink:\n  http:\n    url: " + url + "\n    batchRows: 10\n    headers:\n      Authorization: \"Bearer ${TOKEN}\"\n"
                + "errors:\n  onError: dead-letter\n  deadLetter: dead.csv\n  retry:\n    maxAttempts: 3\n    backoff: 10ms\n    maxBackoff: 2s\n"
                + extra);
        StringBuilder in = new StringBuilder("id,name\n");
        for (int i = 1; i <= rows; i++) {
            in.append(i).append(",n").append(i).append('\n');
        }
        Files.writeString(dir.resolve("in.csv"), in);
        Pipeline p = Pipeline.of(Pipeline.loadSpec(pipeline, Map.of(), Map.of("TOKEN", "s3cret")));
        return p.run(RunRequest.create().input(dir.resolve("in.csv"))).block();
    }

    private List<String> idsReceived() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (String body : bodies) {
            for (JsonNode row : JSON.readTree(body)) {
                ids.add(row.get("id").asText());
            }
        }
        return ids;
    }

    @Test
    void everyRowIsDeliveredExactlyOnceWhenTheServerRecovers() throws Exception {
        String url = serve(n -> n <= 2 ? 503 : 200);
        RunSummary s = run(url, "", 35);
        assertThat(s.succeeded()).isTrue();
        assertThat(s.rowsOut()).isEqualTo(35);
        assertThat(s.rowsFailed()).isZero();
        assertThat(idsReceived()).hasSize(35).doesNotHaveDuplicates();
        assertThat(authorizations).allMatch("Bearer s3cret"::equals);
        assertThat(Files.readAllLines(dir.resolve("dead.csv"))).containsExactly("id,name,_row,_line,_step,_error,_raw");
    }

    @Test
    void throttlingWithRetryAfterIsWaitedOut() throws Exception {
        String url = serve(n -> n == 1 ? 429 : 200);
        RunSummary s = run(url, "", 5);
        assertThat(s.succeeded()).isTrue();
        assertThat(requests.get()).isEqualTo(2);
        assertThat(idsReceived()).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void nothingIsLostWhenTheServerNeverRecovers() throws Exception {
        String url = serve(n -> 500);
        RunSummary s = run(url, "", 25);
        assertThat(s.succeeded()).as("every record failed").isFalse();
        assertThat(s.error().orElseThrow().getMessage()).startsWith("every record failed (25 of 25); the most common error,"
                + " in 25 of them: step 'sink': POST " + url + " answered 500");
        assertThat(s.rowsIn()).isEqualTo(25);
        assertThat(s.rowsOut()).isZero();
        assertThat(s.rowsFailed()).isEqualTo(25);
        assertThat(requests.get()).as("3 batches × 3 attempts").isEqualTo(9);
        List<String> dead = Files.readAllLines(dir.resolve("dead.csv"));
        assertThat(dead).hasSize(26);
        assertThat(dead.get(1)).startsWith("1,n1,1,2,sink,POST " + url + " answered 500: try later (after 3 attempts)");
    }

    @Test
    void aPermanentFailureIsNotRetried() throws Exception {
        String url = serve(n -> 400);
        RunSummary s = run(url, "", 5);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(s.rowsFailed()).isEqualTo(5);
    }

    @Test
    void failPolicyFailsTheRunWhenABatchCannotBeDelivered() throws Exception {
        String url = serve(n -> 400);
        RunSummary s = run(url, "", 5);
        assertThat(s.rowsFailed()).isEqualTo(5);
        Path pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, Files.readString(pipeline).replace("onError: dead-letter", "onError: fail"));
        RunSummary failed = Pipeline.of(Pipeline.loadSpec(pipeline, Map.of(), Map.of("TOKEN", "t")))
                .run(RunRequest.create().input(dir.resolve("in.csv"))).block();
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.error().orElseThrow().getMessage()).contains("answered 400").contains("(record 1, line 2, step 'sink')");
    }

    @Test
    void csvBodiesCarryAHeader() throws Exception {
        String url = serve(n -> 200);
        run(url, "", 3);
        Path pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, Files.readString(pipeline).replace("batchRows: 10", "batchRows: 10\n    body: csv"));
        bodies.clear();
        Pipeline.of(Pipeline.loadSpec(pipeline, Map.of(), Map.of("TOKEN", "t"))).run(RunRequest.create().input(dir.resolve("in.csv"))).block();
        assertThat(bodies).containsExactly("id,name\n1,n1\n2,n2\n3,n3\n");
    }
}
