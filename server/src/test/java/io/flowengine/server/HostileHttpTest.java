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
        Files.writeString(pipelines.resolve("café.yaml"), "steps: []\n");
        Files.writeString(pipelines.resolve("stuck.yaml"), "steps:\n  - name: rec\n    javascript: |\n"
                + "      function f(n) { try { return f(n + 1) + 1; } catch (e) { return f(n + 1); } }\n"
                + "      function transform(row) { if (row.id === '2') f(0); return row; }\n"
                + "errors:\n  onError: dead-letter\nexecution:\n  scriptTimeout: 200ms\n");
        Files.writeString(pipelines.resolve("short.yml"), "steps:\n  - name: t\n    javascript: |\n"
                + "      function transform(row) { if (row.id === 'x') throw new Error('no x'); return row; }\n"
                + "errors:\n  onError: dead-letter\n");
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

    @Test
    void aScriptThatCannotBeStoppedFailsItsRunAndFreesItsSlot() throws Exception {
        String body = "id\n1\n2\n3\n";
        String r = raw("POST /v1/pipelines/stuck/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body, Duration.ofSeconds(30));
        assertThat(status(r)).isEqualTo("HTTP/1.1 422 Unprocessable Entity");
        assertThat(r).contains("step 'rec' ran past execution.scriptTimeout (200 ms) on record 2 (line 3) and could not be stopped");
        assertSlotsFree();
        assertThat(metrics()).contains("flowengine_runs_total{pipeline=\"stuck\",status=\"failed\"} 1.0");
    }

    @Test
    void aTrickledUploadIsCutOffAndFreesItsSlot() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(chunked("/v1/pipelines/copy/transform", "3\r\nid\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            long t0 = System.nanoTime();
            String answer = "";
            // one byte every 250 ms: 4 bytes/s, far under the default 1 KiB/s
            java.util.concurrent.CompletableFuture<String> reply = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return readAll(s.getInputStream());
                } catch (IOException e) {
                    return e.toString();
                }
            });
            while (!reply.isDone() && System.nanoTime() - t0 < Duration.ofSeconds(25).toNanos()) {
                try {
                    out.write("1\r\n7\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    break;
                }
                Thread.sleep(250);
            }
            answer = reply.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(status(answer)).isEqualTo("HTTP/1.1 408 Request Timeout");
            assertThat(answer).contains("slower than the server's minimum of 1024 bytes/s (--min-upload-rate)");
        }
        assertSlotsFree();
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndUnknownV1PathsNeedAKey() throws Exception {
        startWith(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withApiKeys(List.of("s3cret")));
        String get = "GET /v1/pipelines HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: %s\r\n\r\n";
        assertThat(status(raw(get.formatted("bearer s3cret"), Duration.ofSeconds(5)))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(status(raw(get.formatted("BEARER s3cret"), Duration.ofSeconds(5)))).isEqualTo("HTTP/1.1 200 OK");
        assertThat(status(raw(get.formatted("Basic s3cret"), Duration.ofSeconds(5)))).isEqualTo("HTTP/1.1 401 Unauthorized");
        String unknown = "GET /v1/secret-admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n";
        assertThat(status(raw(unknown.formatted(""), Duration.ofSeconds(5)))).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(status(raw(unknown.formatted("Authorization: Bearer s3cret\r\n"), Duration.ofSeconds(5))))
                .isEqualTo("HTTP/1.1 404 Not Found");
    }

    @Test
    void oversizedRequestLinesAndHeadersGetProblemDetails() throws Exception {
        String longLine = raw("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", Duration.ofSeconds(5));
        assertThat(status(longLine)).isEqualTo("HTTP/1.1 414 Request-URI Too Long");
        assertThat(longLine).containsIgnoringCase("content-type: application/problem+json").contains("Use a shorter URL");
        String bigHeaders = raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", Duration.ofSeconds(5));
        assertThat(status(bigHeaders)).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(bigHeaders).containsIgnoringCase("content-type: application/problem+json").contains("\"status\":431");
    }

    @Test
    void anHttp10ClientGetsABodyItCanRead() throws Exception {
        String body = "id\n1\n2\n";
        String r = raw("POST /v1/pipelines/copy/transform HTTP/1.0\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body,
                Duration.ofSeconds(10));
        assertThat(status(r)).endsWith("200 OK");
        assertThat(r.toLowerCase(java.util.Locale.ROOT)).doesNotContain("transfer-encoding");
        assertThat(r.substring(r.indexOf("\r\n\r\n") + 4)).isEqualTo("id\n1\n2\n");
    }

    @Test
    void aTransferEncodingOtherThanChunkedIsRefused() throws Exception {
        String r = raw("POST /v1/pipelines/copy/transform HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n"
                + "Content-Length: 5\r\n\r\nid\n1\n", Duration.ofSeconds(5));
        assertThat(status(r)).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(r).contains("Transfer-Encoding 'xchunked' is not supported");
    }

    @Test
    void pipelineNamesArePercentDecodedAndYmlFilesLoad() throws Exception {
        String list = raw("GET /v1/pipelines HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(5));
        assertThat(new String(list.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                .contains("\"caf\u00e9\"").contains("\"short\"");
        String body = "id\n1\n";
        for (String path : List.of("/v1/pipelines/caf%C3%A9/transform", "/v1/pipelines/short/transform")) {
            String r = raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body, Duration.ofSeconds(10));
            assertThat(status(r)).as(path).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void aMultipartFormUploadIsReadAsTheFileItCarries() throws Exception {
        StringBuilder csv = new StringBuilder("id,name\r\n");
        for (int i = 0; i < 20_000; i++) {
            csv.append(i).append(",n").append(i).append("\r\n");
        }
        String boundary = "------------------------d74496d66958873e";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
        String r = raw("POST /v1/pipelines/copy/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + form.length()
                + "\r\n\r\n" + form, Duration.ofSeconds(20));
        assertThat(status(r)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(dechunk(r.substring(r.indexOf("\r\n\r\n") + 4))).isEqualTo(csv.toString().replace("\r\n", "\n"));
        String noFile = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        String bad = raw("POST /v1/pipelines/copy/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + noFile.length()
                + "\r\n\r\n" + noFile, Duration.ofSeconds(20));
        assertThat(status(bad)).isEqualTo("HTTP/1.1 422 Unprocessable Entity");
        assertThat(bad).contains("the form has no file part");
    }

    @Test
    void otherMethodsOnKnownPathsGet405WithAllow() throws Exception {
        String r = raw("PUT /v1/pipelines/copy/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                Duration.ofSeconds(5));
        assertThat(status(r)).isEqualTo("HTTP/1.1 405 Method Not Allowed");
        assertThat(r).containsIgnoringCase("allow: POST").containsIgnoringCase("application/problem+json");
        String d = raw("DELETE /v1/pipelines HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(5));
        assertThat(d).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET");
    }

    @Test
    void theAccessLogCountsTheBytesOfDeadLetters() throws Exception {
        java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger access = java.util.logging.Logger.getLogger("reactor.netty.http.server.AccessLog");
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                log.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        access.addHandler(h);
        try {
            String body = "id\nx\n1\n";
            String r = raw("POST /v1/pipelines/short/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body, Duration.ofSeconds(10));
            String id = r.replaceAll("(?is).*flow-run-id: ([0-9a-f]{32}).*", "$1");
            String dead = raw("GET /v1/runs/" + id + "/dead-letters HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    Duration.ofSeconds(5));
            String deadBody = dead.substring(dead.indexOf("\r\n\r\n") + 4);
            assertThat(dechunk(deadBody)).contains("no x");
            Thread.sleep(300);
            assertThat(log).filteredOn(l -> l.contains("/dead-letters")).singleElement()
                    .satisfies(l -> assertThat(l).containsPattern(" 200 " + dechunk(deadBody).getBytes(StandardCharsets.ISO_8859_1).length + " bytes "));
        } finally {
            access.removeHandler(h);
        }
    }

    /** The body of a chunked response, or the body as it is when it is not chunked. */
    private static String dechunk(String body) {
        if (!body.matches("(?s)^[0-9a-fA-F]+\r\n.*")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = body.indexOf("\r\n", i);
            int n = Integer.parseInt(body.substring(i, eol), 16);
            if (n == 0) {
                return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            out.append(body, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
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
                    s.getOutputStream().write(("POST /v1/pipelines/copy/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n5\r\nid\n1\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
                // read both answers to their end (the server closes after them): a response cut off
                // by this helper would cancel its run and count as a failed run
                String rest1 = readAll(s1.getInputStream());
                readAll(s2.getInputStream());
                if (a.equals("HTTP/1.1 200 OK / HTTP/1.1 200 OK")) {
                    return;
                }
                a += " " + rest1;
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
