package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Pipeline;
import io.flowengine.RunRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gzip both ways over HTTP (and zstd uploads), with the JDK's HttpClient (which neither compresses nor decompresses by itself). */
class ServerCompressionTest {

    @TempDir
    Path dir;

    private FlowServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private String expected;
    private String input;

    @BeforeEach
    void start() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("upper.yaml"), "steps:\n  - name: upper\n    javascript: |\n"
                + "      function transform(row) { row.name = row.name.toUpperCase(); return row; }\n");
        server = FlowServer.start(ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0), Map.of());
        StringBuilder sb = new StringBuilder("id,name\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(",name").append(i).append('\n');
        }
        input = sb.toString();
        Files.writeString(dir.resolve("in.csv"), input);
        Pipeline.load(pipelines.resolve("upper.yaml")).run(RunRequest.create().input(dir.resolve("in.csv"))
                .output(dir.resolve("cli.csv"))).block();
        expected = Files.readString(dir.resolve("cli.csv"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(b)) {
            out.write(data);
        }
        return b.toByteArray();
    }

    static String gunzip(byte[] data) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<byte[]> post(byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/pipelines/upper/transform"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aGzipUploadIsReadAndAGzipResponseIsSentToAClientThatAsks() throws Exception {
        HttpResponse<byte[]> r = post(gzip(input.getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip",
                "Accept-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gunzip(r.body())).isEqualTo(expected);
        assertThat(r.body().length).as("compressed").isLessThan(expected.length() / 3);
    }

    @Test
    void aClientThatDoesNotAskGetsPlainCsv() throws Exception {
        HttpResponse<byte[]> r = post(gzip(input.getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void aZstdUploadIsRead() throws Exception {
        // zstd from the zstd tool (the format's reference), when the machine has it; else from the library the engine reads with
        byte[] plain = input.getBytes(StandardCharsets.UTF_8);
        byte[] body;
        try {
            Process p = new ProcessBuilder("zstd", "-q", "-c").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread writer = new Thread(() -> {
                try (OutputStream out = p.getOutputStream()) {
                    out.write(plain);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            body = p.getInputStream().readAllBytes();
            writer.join();
            assertThat(p.waitFor()).isZero();
        } catch (IOException noTool) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (OutputStream out = new io.airlift.compress.zstd.ZstdOutputStream(b)) {
                out.write(plain);
            }
            body = b.toByteArray();
        }
        HttpResponse<byte[]> r = post(body, "Content-Encoding", "zstd");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void anEncodingTheServerDoesNotReadIs415WithWhatItReads() throws Exception {
        // a small body, sent whole before the answer: the server refuses before reading and closes
        // the connection, and a client still writing a large body could see the reset first
        HttpResponse<byte[]> r = post("id,name\n1,a\n".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "br");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("this server reads gzip and zstd");
    }
}
