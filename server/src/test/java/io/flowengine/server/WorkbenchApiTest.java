package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /v1/validate, /v1/preview, /v1/test and GET /v1/runs against a real server on a free port,
 * with the JDK's HTTP client.
 */
class WorkbenchApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String PIPELINE = """
            errors:
              onError: dead-letter
            sink:
              columns: [id, name, total]
            steps:
              - name: enrich
                javascript: |
                  function transform(row, ctx) {
                    if (row.name === 'boom') throw new Error('boom at ' + ctx.rowNumber);
                    row.total = String(Number(row.amount) * 2);
                    return row;
                  }
              - name: no-zero
                filter: "row.total !== '0'"
            tests:
              - name: doubles
                input: |
                  id,name,amount
                  1,a,2
                expect: |
                  id,name,total
                  1,a,4
              - name: wrong
                input: |
                  id,name,amount
                  1,a,2
                expect: |
                  id,name,total
                  1,a,5
            """;

    @TempDir
    Path dir;

    private FlowServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("double.yaml"), PIPELINE);
        Files.writeString(pipelines.resolve("helper.js"), "function transform(row) { row.h = 'yes'; return row; }\n");
        Files.writeString(dir.resolve("secret.js"), "function transform(row) { row.secret = 'leaked'; return row; }\n");
        server = FlowServer.start(ServerConfig.of(pipelines, dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withMaxPreviewRows(3), Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode postJson(String path, Map<String, Object> body, int status) throws Exception {
        HttpResponse<String> r = send("POST", path, JSON.writeValueAsString(body), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    void validateGivesEachProblemAtItsLineAndColumnAndHowEachStepRuns() throws Exception {
        JsonNode ok = postJson("/v1/validate", Map.of("pipeline", PIPELINE), 200);
        assertThat(ok.get("valid").asBoolean()).isTrue();
        assertThat(ok.get("steps").get(0).get("name").asText()).isEqualTo("enrich");
        assertThat(ok.get("steps").get(0).get("runtime").asText()).isEqualTo("compiled");

        // a typo in a key (line 6) and a JavaScript syntax error
        String broken = PIPELINE.replace("  - name: enrich", "  - nmae: enrich").replace("return row;", "return row;;)");
        HttpResponse<String> r = send("POST", "/v1/validate", broken, "Content-Type", "application/yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode bad = JSON.readTree(r.body());
        assertThat(bad.get("valid").asBoolean()).isFalse();
        List<String> at = new ArrayList<>();
        bad.get("problems").forEach(p -> at.add(p.get("line").asInt() + ":" + p.get("column").asInt() + " " + p.get("message").asText()));
        assertThat(at).anySatisfy(p -> assertThat(p).startsWith("6:").contains("nmae"));
    }

    @Test
    void aJavaScriptSyntaxErrorIsAtItsLineInThePipelineText() throws Exception {
        String broken = PIPELINE.replace("row.total = String(Number(row.amount) * 2);", "row.total = String(Number(row.amount) * );");
        JsonNode bad = postJson("/v1/validate", Map.of("pipeline", broken), 200);
        assertThat(bad.get("valid").asBoolean()).isFalse();
        JsonNode p = bad.get("problems").get(0);
        assertThat(p.get("line").asInt()).isEqualTo(10);
        assertThat(p.get("message").asText()).containsIgnoringCase("syntax");
    }

    @Test
    void previewShowsEachStepsRowsDropsAndErrorsAndTheOutputInTheSinksColumns() throws Exception {
        String sample = "id,name,amount\n1,<script>alert(1)</script>,2\n2,boom,3\n3,zero,0\n4,cut,9\n";
        JsonNode p = postJson("/v1/preview", Map.of("pipeline", PIPELINE, "sample", sample, "records", 50), 200);
        // --max-preview-rows 3 caps what was asked for
        assertThat(p.get("records").asInt()).isEqualTo(3);
        assertThat(p.get("input").get("rows")).hasSize(3);
        JsonNode enrich = p.get("stages").get(0);
        assertThat(enrich.get("step").asText()).isEqualTo("enrich");
        assertThat(enrich.get("runtime").asText()).isEqualTo("compiled");
        assertThat(enrich.get("rows").get("columns").toString()).isEqualTo("[\"id\",\"name\",\"amount\",\"total\"]");
        // a value holding HTML is data, sent as it is
        assertThat(enrich.get("rows").get("rows").get(0).get("values").get(1).asText()).isEqualTo("<script>alert(1)</script>");
        JsonNode error = enrich.get("errors").get(0);
        assertThat(error.get("row").asInt()).isEqualTo(2);
        assertThat(error.get("line").asInt()).isEqualTo(3);
        assertThat(error.get("error").asText()).contains("boom at 2");
        JsonNode filter = p.get("stages").get(1);
        assertThat(filter.get("dropped").get(0).get("row").asInt()).isEqualTo(3);
        assertThat(p.get("output").get("columns").toString()).isEqualTo("[\"id\",\"name\",\"total\"]");
        assertThat(p.get("output").get("rows")).hasSize(1);
        assertThat(p.get("output").get("rows").get(0).get("values").toString()).isEqualTo("[\"1\",\"<script>alert(1)</script>\",\"4\"]");
    }

    @Test
    void previewAndTestOfAnInvalidPipelineAre422WithTheProblems() throws Exception {
        JsonNode p = postJson("/v1/preview", Map.of("pipeline", "steps: 3\n", "sample", "a\n1\n"), 422);
        assertThat(p.get("title").asText()).isEqualTo("Invalid pipeline");
        assertThat(p.get("problems").get(0).get("line").asInt()).isEqualTo(1);
        assertThat(postJson("/v1/test", Map.of("pipeline", "steps: 3\n"), 422).get("problems")).isNotEmpty();
        assertThat(postJson("/v1/preview", Map.of("pipeline", PIPELINE), 400).get("detail").asText()).contains("sample");
    }

    @Test
    void testRunsThePipelinesTestsWithPassFailAndTheDiff() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/test", PIPELINE, "Content-Type", "application/yaml");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode t = JSON.readTree(r.body());
        assertThat(t.get("passed").asBoolean()).isFalse();
        assertThat(t.get("tests").get(0).get("name").asText()).isEqualTo("doubles");
        assertThat(t.get("tests").get(0).get("passed").asBoolean()).isTrue();
        JsonNode wrong = t.get("tests").get(1);
        assertThat(wrong.get("passed").asBoolean()).isFalse();
        assertThat(wrong.get("diff").toString()).contains("1,a,5").contains("1,a,4");
    }

    @Test
    void submittedTextReadsScriptsOnlyFromThePipelinesFolderAndNothingFromTheEnvironment() throws Exception {
        String inside = "steps:\n  - name: h\n    file: helper.js\n";
        assertThat(postJson("/v1/validate", Map.of("pipeline", inside), 200).get("valid").asBoolean()).isTrue();
        for (String outside : List.of("../secret.js", dir.resolve("secret.js").toString(), "/etc/passwd")) {
            JsonNode bad = postJson("/v1/validate", Map.of("pipeline", "steps:\n  - name: s\n    file: " + outside + "\n"), 200);
            assertThat(bad.get("valid").asBoolean()).as(outside).isFalse();
            assertThat(bad.get("problems").get(0).get("message").asText()).contains("is not in this server's pipelines folder");
        }
        // a symbolic link inside the folder to a file outside it is outside
        Files.createSymbolicLink(dir.resolve("pipelines/link.js"), dir.resolve("secret.js"));
        assertThat(postJson("/v1/validate", Map.of("pipeline", "steps:\n  - name: s\n    file: link.js\n"), 200)
                .get("valid").asBoolean()).isFalse();
        // ${HOME} is not the server's: without a default it is a problem, with one the default
        JsonNode env = postJson("/v1/validate", Map.of("pipeline", "vars:\n  home: ${HOME}\n"), 200);
        assertThat(env.get("valid").asBoolean()).isFalse();
        JsonNode preview = postJson("/v1/preview", Map.of("pipeline", """
                vars:
                  home: ${HOME:-none}
                steps:
                  - name: v
                    javascript: |
                      function transform(row, ctx) { row.home = ctx.vars.home; return row; }
                """, "sample", "a\n1\n"), 200);
        assertThat(preview.get("output").get("rows").get(0).get("values").get(1).asText()).isEqualTo("none");
    }

    /** Hostile scripts in a preview: a row that never ends is a row error after the time budget; a top level that never ends is a problem (422). */
    @Test
    void previewKeepsTheSandboxAndTheTimeBudget() throws Exception {
        JsonNode p = postJson("/v1/preview", Map.of("pipeline", """
                execution:
                  scriptTimeout: 200ms
                steps:
                  - name: spin
                    javascript: |
                      function transform(row) {
                        if (row.a === '2') { while (true) {} }
                        row.java = typeof Java + ' ' + typeof require + ' ' + typeof Polyglot;
                        return row;
                      }
                """, "sample", "a\n1\n2\n3\n"), 200);
        JsonNode stage = p.get("stages").get(0);
        assertThat(stage.get("errors").get(0).get("row").asInt()).isEqualTo(2);
        assertThat(stage.get("errors").get(0).get("error").asText()).contains("200 ms");
        assertThat(stage.get("rows").get("rows")).hasSize(2);
        assertThat(stage.get("rows").get("rows").get(0).get("values").get(1).asText()).isEqualTo("undefined undefined undefined");
        JsonNode stuck = postJson("/v1/preview", Map.of("pipeline", """
                execution:
                  scriptTimeout: 200ms
                steps:
                  - name: spin
                    javascript: |
                      while (true) {}
                      function transform(row) { return row; }
                """, "sample", "a\n1\n"), 422);
        // a top level that never ends makes the pipeline invalid, with the problem at its step
        assertThat(stuck.get("problems").get(0).get("message").asText()).contains("longer than");
        // the slot came back: the next preview runs
        assertThat(postJson("/v1/preview", Map.of("pipeline", PIPELINE, "sample", "id,name,amount\n1,a,1\n"), 200)
                .get("output").get("rows")).hasSize(1);
    }

    @Test
    void badBodiesAreClearErrors() throws Exception {
        assertThat(send("POST", "/v1/validate", "{not json", "Content-Type", "application/json").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/validate", "{\"pipe\":1}", "Content-Type", "application/json").body()).contains("an object with \\\"pipeline\\\"");
        assertThat(send("POST", "/v1/validate", "x", "Content-Type", "image/png").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/v1/validate", null).headers().firstValue("Allow")).hasValue("POST");
        // a body past the limit without a Content-Length (chunked) is refused without being held
        HttpRequest big = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/preview"))
                .header("Content-Type", "application/json")
                // an input stream's length is unknown: the body is sent chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
                    private long left = WorkbenchHandler.MAX_BODY + (1 << 20);

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }
                })).build();
        HttpResponse<String> r = http.send(big, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void runsAreListedNewestFirstAndPaged() throws Exception {
        for (String name : List.of("first", "second")) {
            HttpResponse<String> r = send("POST", "/v1/pipelines/double/transform", "id,name,amount\n1," + name + ",2\n2,boom,1\n");
            assertThat(r.statusCode()).isEqualTo(200);
            Thread.sleep(5);
        }
        JsonNode all = JSON.readTree(send("GET", "/v1/runs", null).body());
        assertThat(all.get("total").asInt()).isEqualTo(2);
        JsonNode newest = all.get("runs").get(0);
        assertThat(newest.get("pipeline").asText()).isEqualTo("double");
        assertThat(newest.get("status").asText()).isEqualTo("succeeded");
        assertThat(newest.get("rowsIn").asInt()).isEqualTo(2);
        assertThat(newest.get("rowsFailed").asInt()).isEqualTo(1);
        assertThat(newest.get("startedAt").asText()).isGreaterThan(all.get("runs").get(1).get("startedAt").asText());
        assertThat(newest.get("id").asText()).hasSize(32);
        JsonNode page = JSON.readTree(send("GET", "/v1/runs?limit=1", null).body());
        assertThat(page.get("runs")).hasSize(1);
        assertThat(page.get("next").asText()).isEqualTo("/v1/runs?offset=1&limit=1");
        JsonNode second = JSON.readTree(send("GET", page.get("next").asText(), null).body());
        assertThat(second.get("runs").get(0).get("id").asText()).isEqualTo(all.get("runs").get(1).get("id").asText());
        assertThat(second.get("next").isNull()).isTrue();
        assertThat(send("GET", "/v1/runs?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/v1/runs?limit=x", null).statusCode()).isEqualTo(400);
    }

    @Test
    void withApiKeysEveryNewEndpointNeedsOne() throws Exception {
        server.close();
        server = FlowServer.start(ServerConfig.of(dir.resolve("pipelines"), dir.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withApiKeys(List.of("k1")), Map.of());
        for (String path : List.of("/v1/validate", "/v1/preview", "/v1/test")) {
            assertThat(send("POST", path, PIPELINE, "Content-Type", "application/yaml").statusCode()).as(path).isEqualTo(401);
            assertThat(send("POST", path, PIPELINE, "Content-Type", "application/yaml", "Authorization", "Bearer k1").statusCode())
                    .as(path).isNotEqualTo(401);
        }
        assertThat(send("GET", "/v1/runs", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/runs", null, "Authorization", "Bearer k1").statusCode()).isEqualTo(200);
    }
}
