package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that break HTTP on purpose, over raw sockets: every way a request ends frees its slot. */
class HostileHttpTest {

    @TempDir
    Path dir;

    private FlowServer server;

    @BeforeEach
    void start() throws IOException {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("copy.yaml"), "steps: []\nerrors:\n  onError: dead-letter\n");
        startWith(ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0).withMaxConcurrentRuns(2));
    }

    private void startWith(ServerConfig config) {
        if (server != null) {
            server.close();
        }
        server = FlowServer.start(config, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends {@code request} as bytes; returns what came back until the server closed or went quiet. */
    private String raw(String request, Duration quiet) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout((int) quiet.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // the server went quiet or reset: what came is the answer
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static String chunked(String path, String chunks) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
    }

    private String metrics() throws IOException {
        return raw("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(5));
    }

    private String status(String response) {
        return response.isEmpty() ? "" : response.substring(0, response.indexOf("\r\n"));
    }

    @Test
    void malformedChunksFreeTheirSlotsAndAreRecordedAsFailed() throws Exception {
        for (int i = 0; i < 4; i++) {
            String r = untilNotBusy(chunked("/v1/pipelines/copy/transform", "ZZ\r\n"));
            assertThat(status(r)).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(r).containsIgnoringCase("Content-Type: application/problem+json").contains("Check the chunked framing");
            assertSlotsFree();
        }
        String goodThenBad = untilNotBusy(chunked("/v1/pipelines/copy/transform", "8\r\nid\n1\n2\n\r\nQQ\r\n"));
        assertThat(goodThenBad).doesNotContain("\r\n0\r\n\r\n");
        assertSlotsFree();
        waitForNoActiveRuns();
        String m = metrics();
        assertThat(m).as("each broken upload's run is recorded as failed")
                .contains("flowengine_runs_total{pipeline=\"copy\",status=\"failed\"} 5.0");
    }

    /** The answer to {@code request}, sent again while the slots of earlier requests are still being let go. */
    private String untilNotBusy(String request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String r;
        do {
            r = raw(request, Duration.ofSeconds(10));
            if (!r.startsWith("HTTP/1.1 503")) {
                return r;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return r;
    }

    /** Both slots can be taken at once again (within a few seconds): nothing leaked them. */
    private void assertSlotsFree() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String a = "";
        while (System.nanoTime() < deadline) {
            try (Socket s1 = new Socket("127.0.0.1", server.port()); Socket s2 = new Socket("127.0.0.1", server.port())) {
                // two uploads that hold their slots: headers sent, body still open
                for (Socket s : List.of(s1, s2)) {
                    s.getOutputStream().write(chunked("/v1/pipelines/copy/transform", "5\r\nid\n1\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                }
                Thread.sleep(200);
                for (Socket s : List.of(s1, s2)) {
                    s.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                }
                s1.setSoTimeout(5000);
                s2.setSoTimeout(5000);
                a = status(readLine(s1.getInputStream())) + " / " + status(readLine(s2.getInputStream()));
                if (a.equals("HTTP/1.1 200 OK / HTTP/1.1 200 OK")) {
                    return;
                }
                a += " " + readAll(s1.getInputStream());
            }
            Thread.sleep(100);
        }
        assertThat(a).as("two uploads at once").isEqualTo("HTTP/1.1 200 OK / HTTP/1.1 200 OK");
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.toString().endsWith("\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    private void waitForNoActiveRuns() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (metrics().contains("flowengine_runs_active{pipeline=\"copy\"} 0.0")) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(metrics()).contains("flowengine_runs_active{pipeline=\"copy\"} 0.0");
    }
}
