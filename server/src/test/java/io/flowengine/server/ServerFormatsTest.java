package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response's format follows the client's Accept header, else the pipeline's sink.format. */
class ServerFormatsTest {

    @TempDir
    Path dir;

    private FlowServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("upper.yaml"), "steps:\n  - name: upper\n    javascript: |\n"
                + "      function transform(row) { row.name = row.name.toUpperCase(); return row; }\n");
        Files.writeString(pipelines.resolve("lines.yaml"), "sink:\n  format: ndjson\n");
        server = FlowServer.start(ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0), Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String pipeline, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/pipelines/" + pipeline
                + "/transform")).POST(HttpRequest.BodyPublishers.ofString("id,name\n1,ann\n2,\"b\"\"o\"\n"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void acceptNdjsonJsonOrCsv() throws Exception {
        HttpResponse<String> nd = post("upper", "application/x-ndjson");
        assertThat(nd.headers().firstValue("Content-Type")).hasValue("application/x-ndjson; charset=utf-8");
        assertThat(nd.body()).isEqualTo("{\"id\":\"1\",\"name\":\"ANN\"}\n{\"id\":\"2\",\"name\":\"B\\\"O\"}\n");

        HttpResponse<String> json = post("upper", "application/json, */*;q=0.1");
        assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(json.body()).isEqualTo("[\n{\"id\":\"1\",\"name\":\"ANN\"},\n{\"id\":\"2\",\"name\":\"B\\\"O\"}\n]\n");

        HttpResponse<String> csv = post("upper", null);
        assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
        assertThat(csv.body()).isEqualTo("id,name\n1,ANN\n2,\"B\"\"O\"\n");
    }

    @Test
    void withoutAnAcceptTheSinksFormatDecides() throws Exception {
        HttpResponse<String> r = post("lines", "*/*");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson; charset=utf-8");
        assertThat(r.body()).isEqualTo("{\"id\":\"1\",\"name\":\"ann\"}\n{\"id\":\"2\",\"name\":\"b\\\"o\"}\n");
        assertThat(post("lines", "text/csv").body()).startsWith("id,name\n");
    }
}
