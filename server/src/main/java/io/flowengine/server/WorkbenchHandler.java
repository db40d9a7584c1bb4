package io.flowengine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Preview;
import io.flowengine.Problem;
import io.flowengine.Row;
import io.flowengine.StepRuntime;
import io.flowengine.TestResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Pipeline text in, answers out, nothing written: {@code POST /v1/validate} (problems with their
 * positions, and how each step runs), {@code POST /v1/preview} (a sample through each step) and
 * {@code POST /v1/test} (the pipeline's {@code tests:}). The body is JSON
 * {@code {"pipeline": TEXT, "sample": CSV, "records": N}}, or for validate and test the YAML itself.
 *
 * <p>The text is read as sent by someone who may not read the server's files or environment
 * ({@link Pipeline#parseSubmitted}); relative {@code file:} scripts resolve in the pipelines
 * folder. Preview and test take a run slot, as a run does, run with the pipeline's script time
 * budget and sandbox, off the event loops, and never call an HTTP sink.
 */
final class WorkbenchHandler {

    /** The largest body: pipeline text and sample together. */
    static final int MAX_BODY = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerConfig config;
    private final Semaphore slots;
    private final BooleanSupplier draining;
    /** Held while a pipeline is saved. */
    private final Object saving = new Object();

    WorkbenchHandler(ServerConfig config, Semaphore slots, BooleanSupplier draining) {
        this.config = config;
        this.slots = slots;
        this.draining = draining;
    }

    /** What the client sent. */
    private record Sent(String pipeline, String sample, int records) {
    }

    /** An answer: its status and JSON body. */
    private record Answer(int status, String body, String type) {
        static Answer json(JsonNode body) {
            return new Answer(200, body.toString(), "application/json");
        }

        static Answer problem(int status, String title, String detail) {
            return new Answer(status, Problems.problem(status, title, detail), "application/problem+json");
        }
    }

    Mono<Void> validate(HttpServerRequest req, HttpServerResponse res) {
        return handle(req, res, false, sent -> {
            ObjectNode out = JSON.createObjectNode();
            try {
                Pipeline p = compile(sent.pipeline());
                out.put("valid", true);
                out.set("problems", JSON.createArrayNode());
                out.set("steps", steps(p));
            } catch (PipelineValidationException e) {
                out.put("valid", false);
                out.set("problems", problems(e.problems()));
                out.set("steps", JSON.createArrayNode());
            }
            return Answer.json(out);
        });
    }

    Mono<Void> preview(HttpServerRequest req, HttpServerResponse res) {
        return handle(req, res, true, compiled((sent, p) -> {
            if (sent.sample() == null) {
                return Answer.problem(400, "No sample", "Send the sample CSV as \"sample\" in the JSON body.");
            }
            int records = Math.min(sent.records() > 0 ? sent.records() : config.maxPreviewRows(), config.maxPreviewRows());
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            Preview preview = p.withConsole(console).preview(new ByteArrayInputStream(sent.sample().getBytes(StandardCharsets.UTF_8)),
                    "the sample", records);
            ObjectNode out = JSON.createObjectNode();
            out.put("valid", true);
            out.put("records", records);
            out.set("input", table(preview.input(), null));
            ArrayNode unreadable = out.putArray("unreadable");
            for (DeadLetter d : preview.unreadable()) {
                unreadable.add(deadLetter(d));
            }
            List<StepRuntime> runtimes = p.stepRuntimes();
            ArrayNode stages = out.putArray("stages");
            for (int i = 0; i < preview.stages().size(); i++) {
                Preview.Stage s = preview.stages().get(i);
                ObjectNode stage = stages.addObject();
                stage.put("step", s.step());
                stage.put("kind", s.kind());
                if (i < runtimes.size()) {
                    stage.put("runtime", runtimes.get(i).runtime());
                    stage.put("reason", runtimes.get(i).reason());
                }
                stage.set("rows", table(s.rows(), null));
                ArrayNode dropped = stage.putArray("dropped");
                for (Row r : s.dropped()) {
                    dropped.addObject().put("row", r.rowNumber()).put("line", r.line());
                }
                ArrayNode errors = stage.putArray("errors");
                for (DeadLetter d : s.errors()) {
                    errors.add(deadLetter(d));
                }
            }
            out.set("output", table(preview.output(), p.spec().sink().columns().orElse(null)));
            out.put("console", console.toString(StandardCharsets.UTF_8));
            return Answer.json(out);
        }));
    }

    Mono<Void> test(HttpServerRequest req, HttpServerResponse res) {
        return handle(req, res, true, compiled((sent, p) -> {
            List<TestResult> results = p.withConsole(java.io.OutputStream.nullOutputStream()).runTests();
            ObjectNode out = JSON.createObjectNode();
            out.put("valid", true);
            out.put("passed", results.stream().allMatch(TestResult::passed));
            ArrayNode tests = out.putArray("tests");
            for (TestResult t : results) {
                ObjectNode o = tests.addObject();
                o.put("name", t.name());
                o.put("passed", t.passed());
                o.put("expected", t.expected());
                o.put("actual", t.actual());
                ArrayNode diff = o.putArray("diff");
                t.diff().forEach(diff::add);
                o.put("deadLetters", t.deadLetters());
            }
            return Answer.json(out);
        }));
    }

    /**
     * {@code PUT /v1/pipelines/{name}} (with {@code --allow-edit}): the sent text, valid, becomes
     * the pipeline's file in the pipelines folder (written whole, then renamed over the old one)
     * and is served from then on, compiled as at start by {@code install} (with the server's
     * environment). An invalid text is 422 with its problems and changes nothing.
     */
    Mono<Void> save(String name, HttpServerRequest req, HttpServerResponse res, Function<Path, List<Problem>> install) {
        if (!config.allowEdit()) {
            return Problems.send(res, 403, "Editing is off", "This server does not save pipelines; start it with --allow-edit"
                    + " (and --api-keys) to save from the Studio, or edit the files in its pipelines folder.");
        }
        if (!StudioHandler.NAME.matcher(name).matches()) {
            return Problems.send(res, 400, "Bad pipeline name", "'" + name + "' cannot be a pipeline's name: use letters, digits,"
                    + " '-' and '_' (at most 100), starting with a letter or digit; it becomes NAME.yaml in the pipelines folder.");
        }
        // one save at a time: the file written and the pipeline served stay the same text
        return handle(req, res, false, sent -> {
            synchronized (saving) {
                return saved(name, sent, install);
            }
        });
    }

    /** Writes and installs a sent pipeline; see {@link #save}. */
    private Answer saved(String name, Sent sent, Function<Path, List<Problem>> install) {
        Path file = StudioHandler.file(config.pipelines(), name);
        try {
            Pipeline.of(Pipeline.parseSubmitted(sent.pipeline(), file.getFileName().toString(), config.pipelines()));
        } catch (PipelineValidationException e) {
            return invalid(e);
        }
        try {
            byte[] before = Files.exists(file) ? Files.readAllBytes(file) : null;
            write(file, sent.pipeline().getBytes(StandardCharsets.UTF_8));
            List<Problem> problems = install.apply(file);
            if (!problems.isEmpty()) {
                // valid as text, yet not as the served file (its environment): put the old one back
                if (before == null) {
                    Files.delete(file);
                } else {
                    write(file, before);
                }
                return invalid(new PipelineValidationException(problems));
            }
        } catch (IOException e) {
            return Answer.problem(500, "Cannot save", "cannot write " + file + ": " + e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode().put("saved", name).put("file", file.getFileName().toString());
        return Answer.json(out);
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code work} on the sent pipeline, compiled; an invalid one is 422 with its problems. */
    private Function<Sent, Answer> compiled(BiFunction<Sent, Pipeline, Answer> work) {
        return sent -> {
            Pipeline p;
            try {
                p = compile(sent.pipeline());
            } catch (PipelineValidationException e) {
                return invalid(e);
            }
            return work.apply(sent, p);
        };
    }

    private Pipeline compile(String text) {
        PipelineSpec spec = Pipeline.parseSubmitted(text, "pipeline.yaml", config.pipelines());
        return Pipeline.of(spec);
    }

    private static Answer invalid(PipelineValidationException e) {
        ObjectNode p = (ObjectNode) read(Problems.problem(422, "Invalid pipeline", "The pipeline has " + e.problems().size()
                + " problem" + (e.problems().size() == 1 ? "" : "s") + "; see problems (POST /v1/validate lists them too)."));
        p.set("problems", problems(e.problems()));
        return new Answer(422, p.toString(), "application/problem+json");
    }

    private static ArrayNode problems(List<Problem> problems) {
        ArrayNode a = JSON.createArrayNode();
        for (Problem pr : problems) {
            a.addObject().put("file", pr.file()).put("line", pr.line()).put("column", pr.column()).put("message", pr.message());
        }
        return a;
    }

    private static ArrayNode steps(Pipeline p) {
        ArrayNode a = JSON.createArrayNode();
        List<PipelineSpec.StepSpec> specs = p.spec().steps();
        List<StepRuntime> runtimes = p.stepRuntimes();
        for (int i = 0; i < specs.size(); i++) {
            ObjectNode o = a.addObject().put("name", specs.get(i).name()).put("kind", specs.get(i).kind());
            if (i < runtimes.size()) {
                o.put("runtime", runtimes.get(i).runtime()).put("reason", runtimes.get(i).reason());
            }
        }
        return a;
    }

    /** {@code {"columns": [...], "rows": [{"row": n, "line": n, "values": [...]}]}}: in {@code columns}, else every row's in order. */
    private static ObjectNode table(List<Row> rows, List<String> columns) {
        List<String> names;
        if (columns != null) {
            names = columns;
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (Row r : rows) {
                seen.addAll(r.columns().names());
            }
            names = List.copyOf(seen);
        }
        ObjectNode t = JSON.createObjectNode();
        ArrayNode cols = t.putArray("columns");
        names.forEach(cols::add);
        ArrayNode out = t.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = out.addObject().put("row", r.rowNumber()).put("line", r.line());
            ArrayNode values = o.putArray("values");
            for (String n : names) {
                String v = r.get(n);
                if (v == null) {
                    values.addNull();
                } else {
                    values.add(v);
                }
            }
        }
        return t;
    }

    private static ObjectNode deadLetter(DeadLetter d) {
        ObjectNode o = JSON.createObjectNode().put("row", d.rowNumber()).put("line", d.line()).put("step", d.step())
                .put("error", d.error()).put("raw", d.raw());
        if (d.input() != null) {
            ObjectNode values = o.putObject("values");
            Columns c = d.input().columns();
            for (String n : c.names()) {
                values.put(n, d.input().get(n));
            }
        }
        return o;
    }

    /**
     * Reads the body (at most {@link #MAX_BODY}), then answers off the event loop; with
     * {@code slot}, holding a run slot while the work runs.
     */
    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, boolean slot,
            Function<Sent, Answer> work) {
        String length = req.requestHeaders().get("Content-Length");
        if (length != null && parseLong(length) > MAX_BODY) {
            return Problems.send(res.header("Connection", "close"), 413, "Body too large", "The body is " + length
                    + " bytes; pipeline text and sample may be at most " + MAX_BODY + " bytes together. Send a smaller sample.");
        }
        String type = req.requestHeaders().get("Content-Type");
        // read up to the limit and no further: a body without a length cannot grow the heap
        return req.receive().asByteArray()
                .reduceWith(ByteArrayOutputStream::new, (all, part) -> {
                    if (all.size() + part.length > MAX_BODY) {
                        throw new TooLarge();
                    }
                    all.write(part, 0, part.length);
                    return all;
                })
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0])
                .onErrorResume(TooLarge.class, e -> Mono.just(new byte[MAX_BODY + 1]))
                .publishOn(Schedulers.boundedElastic())
                .map(body -> answer(body, type, slot, work))
                .onErrorResume(e -> Mono.just(Answer.problem(500, "Internal error", String.valueOf(e.getMessage()))))
                .flatMap(a -> res.status(a.status()).header("Content-Type", a.type()).sendString(Mono.just(a.body())).then());
    }

    /** The body went past {@link #MAX_BODY}. */
    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private Answer answer(byte[] body, String type, boolean slot, Function<Sent, Answer> work) {
        if (body.length > MAX_BODY) {
            return Answer.problem(413, "Body too large", "Pipeline text and sample may be at most " + MAX_BODY + " bytes together.");
        }
        Sent sent;
        try {
            sent = sent(body, type);
        } catch (IllegalArgumentException e) {
            return Answer.problem(400, "Bad request", e.getMessage());
        }
        if (!slot) {
            return work.apply(sent);
        }
        if (draining.getAsBoolean()) {
            return Answer.problem(503, "Draining", "The server is shutting down; retry elsewhere.");
        }
        if (!slots.tryAcquire()) {
            return Answer.problem(503, "Busy", "All " + config.maxConcurrentRuns() + " run slots are taken (--max-concurrent-runs);"
                    + " previews and tests take one too. Retry after a second.");
        }
        try {
            return work.apply(sent);
        } catch (FlowEngineException e) {
            return Answer.problem(422, "Cannot run", e.getMessage());
        } finally {
            slots.release();
        }
    }

    private static Sent sent(byte[] body, String type) {
        String mediaType = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        String text = new String(body, StandardCharsets.UTF_8);
        if (!mediaType.equals("application/json")) {
            if (mediaType.isEmpty() || mediaType.contains("yaml") || mediaType.equals("text/plain")) {
                return new Sent(text, null, 0);
            }
            throw new IllegalArgumentException("Send JSON (Content-Type: application/json) with \"pipeline\" (and \"sample\" for a"
                    + " preview), or the pipeline's YAML (Content-Type: application/yaml); not " + mediaType + ".");
        }
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The body is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.path("pipeline").isTextual()) {
            throw new IllegalArgumentException("The JSON body must be an object with \"pipeline\": the pipeline's YAML as a string.");
        }
        JsonNode sample = n.get("sample");
        if (sample != null && !sample.isTextual() && !sample.isNull()) {
            throw new IllegalArgumentException("\"sample\" must be the sample CSV as a string.");
        }
        JsonNode records = n.get("records");
        if (records != null && !(records.isInt() && records.asInt() > 0)) {
            throw new IllegalArgumentException("\"records\" must be a whole number of 1 or more.");
        }
        return new Sent(n.get("pipeline").asText(), sample == null || sample.isNull() ? null : sample.asText(),
                records == null ? 0 : records.asInt());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

}
