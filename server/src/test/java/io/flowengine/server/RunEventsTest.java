package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowengine.RunProgress;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/runs/{id}/events: a run's progress as server-sent events while it runs, then its summary. */
class RunEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private FlowServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        // a chunk per record, so that progress moves with every line of a slow upload
        Files.writeString(pipelines.resolve("slow.yaml"), "execution:\n  chunkSize: 1\nsteps:\n  - name: up\n    javascript: |\n"
                + "      function transform(row) { row.name = row.name.toUpperCase(); return row; }\n");
        server = FlowServer.start(ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0), Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** A body of {@code lines} records, a line every {@code pauseMs}. */
    private static InputStream slowly(int lines, long pauseMs) {
        return new InputStream() {
            private byte[] line = "id,name\n".getBytes(StandardCharsets.UTF_8);
            private int at;
            private int sent;

            @Override
            public int read() {
                if (at == line.length) {
                    if (sent == lines) {
                        return -1;
                    }
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1;
                    }
                    sent++;
                    line = (sent + ",name" + sent + "\n").getBytes(StandardCharsets.UTF_8);
                    at = 0;
                }
                return line[at++];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                // a line at a time, so that each one is sent when it is made
                int n = 0;
                do {
                    int c = read();
                    if (c < 0) {
                        return n == 0 ? -1 : n;
                    }
                    b[off + n++] = (byte) c;
                } while (n < len && at < line.length);
                return n;
            }
        };
    }

    @Test
    void aRunsProgressArrivesWhileItRunsThenItsSummaryEndsTheStream() throws Exception {
        CompletableFuture<HttpResponse<String>> upload = http.sendAsync(HttpRequest.newBuilder(uri("/v1/pipelines/slow/transform"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> slowly(30, 100))).build(), HttpResponse.BodyHandlers.ofString());
        String id = null;
        for (int i = 0; i < 100 && id == null; i++) {
            JsonNode runs = JSON.readTree(http.send(HttpRequest.newBuilder(uri("/v1/runs")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("runs");
            if (runs.size() > 0) {
                id = runs.get(0).get("id").asText();
            } else {
                Thread.sleep(20);
            }
        }
        assertThat(id).as("the run is listed while it runs").isNotNull();
        // a browser asks for gzip; events must come as they are made all the same
        HttpResponse<java.util.stream.Stream<String>> events = http.send(HttpRequest.newBuilder(uri("/v1/runs/" + id + "/events"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(events.headers().firstValue("Content-Encoding")).isEmpty();
        List<String> lines = events.body().collect(Collectors.toList());
        assertThat(upload.get().statusCode()).isEqualTo(200);
        List<Long> rowsRead = new ArrayList<>();
        String summary = null;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("event: progress")) {
                rowsRead.add(JSON.readTree(lines.get(i + 1).substring("data: ".length())).get("rowsRead").asLong());
            } else if (lines.get(i).equals("event: summary")) {
                summary = lines.get(i + 1).substring("data: ".length());
                assertThat(i + 3).as("the summary is the last event").isGreaterThanOrEqualTo(lines.size());
            }
        }
        assertThat(rowsRead).as("progress while the 3 s upload runs, every half second").hasSizeGreaterThanOrEqualTo(3).isSorted();
        assertThat(rowsRead.get(rowsRead.size() - 1)).isGreaterThan(rowsRead.get(0));
        JsonNode s = JSON.readTree(summary);
        assertThat(s.get("status").asText()).isEqualTo("succeeded");
        assertThat(s.get("rowsIn").asInt()).isEqualTo(30);
        assertThat(s.get("id").asText()).isEqualTo(id);
        // the stream began with the run's history so far; the record keeps the whole of it
        assertThat(lines.get(0)).isEqualTo("event: history");
        assertThat(JSON.readTree(lines.get(1).substring("data: ".length())).get(0).toString()).isEqualTo("[0,0]");
        JsonNode history = s.get("progress");
        assertThat(history.size()).as("sampled every half second over about 3 s").isGreaterThanOrEqualTo(5);
        List<Long> rows = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        history.forEach(p -> {
            times.add(p.get(0).asLong());
            rows.add(p.get(1).asLong());
        });
        assertThat(times).isSorted();
        assertThat(rows).isSorted().startsWith(0L).endsWith(30L);
        // the list leaves the histories out
        JsonNode listed = JSON.readTree(http.send(HttpRequest.newBuilder(uri("/v1/runs")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("runs").get(0);
        assertThat(listed.has("progress")).isFalse();
        assertThat(listed.get("rowsIn").asInt()).isEqualTo(30);
    }

    @Test
    void aLongRunsHistoryStaysBounded() {
        RunStore.History h = new RunStore.History();
        RunProgress p = new RunProgress();
        for (int i = 0; i < 100_000; i++) {
            h.tick(p);
        }
        assertThat(h.json(p).size()).isLessThanOrEqualTo(RunStore.MAX_SAMPLES + 2).isGreaterThanOrEqualTo(RunStore.MAX_SAMPLES / 2);
    }

    @Test
    void aFinishedRunGivesItsSummaryAtOnceAndAnUnknownOneIs404() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/pipelines/slow/transform"))
                .POST(HttpRequest.BodyPublishers.ofString("id,name\n1,a\n")).build(), HttpResponse.BodyHandlers.ofString());
        String id = r.headers().firstValue("Flow-Run-Id").orElseThrow();
        // the record is final a moment after the response: wait for it
        for (int i = 0; i < 100 && http.send(HttpRequest.newBuilder(uri("/v1/runs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).body().startsWith("{\"status\":\"running\""); i++) {
            Thread.sleep(20);
        }
        String body = http.send(HttpRequest.newBuilder(uri("/v1/runs/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).startsWith("event: summary\ndata: {\"status\":\"succeeded\"").endsWith("}\n\n");
        assertThat(http.send(HttpRequest.newBuilder(uri("/v1/runs/" + "0".repeat(32) + "/events")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(uri("/v1/runs/" + id + "/events")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).headers().firstValue("Allow")).hasValue("GET");
    }
}
