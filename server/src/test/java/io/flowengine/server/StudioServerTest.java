package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowengine.FlowEngineException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Studio's pages and the endpoints only it needs, over HTTP on a real port: headers, paths, saving. */
class StudioServerTest {

    @TempDir
    Path dir;

    private FlowServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private Path pipelines() throws Exception {
        Path p = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(p.resolve("orders.yaml"), StudioBrowserTest.ORDERS);
        return p;
    }

    private void start(ServerConfig config) {
        server = FlowServer.start(config.withHost("127.0.0.1").withPort(0), Map.of());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/yaml");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pagesComeFromTheJarWithAStrictPolicyAndNoInlineScript() throws Exception {
        start(ServerConfig.of(pipelines(), dir.resolve("data")));
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // every script is a file of this server; none is inline, no style element, no handler attribute
        assertThat(page.body()).doesNotContain("<script>", "<style", " onclick=", " onload=", "http://", "https://");
        for (String src : page.body().split("src=\"")) {
            if (src.startsWith("/studio/")) {
                HttpResponse<String> asset = get(src.substring(0, src.indexOf('"')));
                assertThat(asset.statusCode()).as(src).isEqualTo(200);
                assertThat(asset.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            }
        }
        assertThat(get("/studio/vendor/codemirror/lib/codemirror.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        // the API is nosniff too, and says nothing to other origins
        HttpResponse<String> api = get("/v1/pipelines", "Origin", "https://evil.example");
        assertThat(api.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(api.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void onlyTheJarsStudioFilesAreServed() throws Exception {
        start(ServerConfig.of(pipelines(), dir.resolve("data")));
        for (String path : List.of("/studio/../FlowServer.class", "/studio/%2e%2e/FlowServer.class", "/studio/.hidden.js",
                "/studio/vendor/codemirror/LICENSE", "/studio/nope.js", "/studio//studio.js", "/studio/FlowServer.class")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("cafebabe");
        }
    }

    @Test
    void noStudioTurnsThePagesOffAndLeavesTheApi() throws Exception {
        start(ServerConfig.of(pipelines(), dir.resolve("data")).withStudio(false));
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/studio/studio.js").statusCode()).isEqualTo(404);
        assertThat(get("/v1/pipelines").body()).contains("orders");
    }

    @Test
    void aServedPipelinesTextIsReadableWithTheKey() throws Exception {
        start(ServerConfig.of(pipelines(), dir.resolve("data")).withApiKeys(List.of("k")));
        assertThat(get("/v1/pipelines/orders").statusCode()).isEqualTo(401);
        HttpResponse<String> text = get("/v1/pipelines/orders", "Authorization", "Bearer k");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).isEqualTo(StudioBrowserTest.ORDERS);
        assertThat(get("/v1/pipelines/other", "Authorization", "Bearer k").statusCode()).isEqualTo(404);
        assertThat(get("/v1/studio", "Authorization", "Bearer k").body()).contains("\"allowEdit\":false", "\"authRequired\":true");
        // the page itself is open: it asks for the key
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void savingNeedsAllowEditAndKeysAndAValidPipeline() throws Exception {
        Path p = pipelines();
        assertThatThrownBy(() -> start(ServerConfig.of(p, dir.resolve("data")).withAllowEdit(true)))
                .isInstanceOf(FlowEngineException.class).hasMessageContaining("needs API keys");

        start(ServerConfig.of(p, dir.resolve("data")).withApiKeys(List.of("k")));
        HttpResponse<String> off = put("/v1/pipelines/new", StudioBrowserTest.ORDERS, "Authorization", "Bearer k");
        assertThat(off.statusCode()).isEqualTo(403);
        assertThat(off.body()).contains("--allow-edit");
        assertThat(p.resolve("new.yaml")).doesNotExist();
        server.close();

        start(ServerConfig.of(p, dir.resolve("data")).withApiKeys(List.of("k")).withAllowEdit(true));
        assertThat(put("/v1/pipelines/new", StudioBrowserTest.ORDERS).statusCode()).isEqualTo(401);
        for (String bad : List.of("..", ".hidden", "a.b", "-x")) {
            assertThat(put("/v1/pipelines/" + bad, StudioBrowserTest.ORDERS, "Authorization", "Bearer k").statusCode()).as(bad)
                    .isIn(400, 404);
        }
        HttpResponse<String> invalid = put("/v1/pipelines/orders", "steps:\n  - name: x\n    filter: \"row.a ===\"\n",
                "Authorization", "Bearer k");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("\"problems\"", "\"file\":\"orders.yaml\"", "SyntaxError");
        assertThat(Files.readString(p.resolve("orders.yaml"))).isEqualTo(StudioBrowserTest.ORDERS);

        String changed = StudioBrowserTest.ORDERS.replace("amount * 2", "amount * 10");
        HttpResponse<String> saved = put("/v1/pipelines/orders", changed, "Authorization", "Bearer k");
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(Files.readString(p.resolve("orders.yaml"))).isEqualTo(changed);
        try (var files = Files.list(p)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("orders.yaml");
        }
        // served as saved from now on
        HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/pipelines/orders/transform")).header("Authorization", "Bearer k").header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("id,name,amount\n1,a,3\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(run.body()).isEqualTo("id,name,total\n1,a,30\n");
    }
}
