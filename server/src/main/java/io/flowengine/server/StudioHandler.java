package io.flowengine.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * FlowEngine Studio's pages: {@code /} and {@code /studio/...}, static files from this jar (the
 * page's own and CodeMirror's, unpacked from its WebJar by the build), each with a strict
 * Content-Security-Policy (scripts, styles and connections from this server only; no inline
 * script or style element), {@code X-Content-Type-Options: nosniff} and no framing. Also
 * {@code GET /v1/pipelines/{name}}: a served pipeline's text, for the editor.
 */
final class StudioHandler {

    /** What a page may load and do: only this server's files and API; nothing inline, no frames, no forms elsewhere. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** A path under /studio/: letters, digits, dots, dashes and slashes; no segment starting with a dot. */
    private static final Pattern ASSET = Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");
    /** A pipeline's name: what {@code PUT /v1/pipelines/{name}} accepts as a file name. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "txt", "text/plain; charset=utf-8");

    private final ServerConfig config;
    private final Map<String, Optional<byte[]>> assets = new ConcurrentHashMap<>();

    StudioHandler(ServerConfig config) {
        this.config = config;
    }

    /** The headers every Studio page and asset carries. */
    static HttpServerResponse secured(HttpServerResponse res) {
        return res.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cross-Origin-Opener-Policy", "same-origin");
    }

    /** {@code GET /} and {@code GET /studio/PATH}. */
    Mono<Void> asset(HttpServerRequest req, HttpServerResponse res) {
        String path = req.fullPath();
        String name = path.equals("/") || path.equals("/studio") || path.equals("/studio/") ? "index.html"
                : path.startsWith("/studio/") ? path.substring("/studio/".length()) : "";
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (!ASSET.matcher(name).matches() || type == null) {
            return notFound(res, path);
        }
        // read from the jar once, off the event loop; from memory after that
        Optional<byte[]> cached = assets.get(name);
        Mono<Optional<byte[]>> body = cached != null ? Mono.just(cached)
                : Mono.fromCallable(() -> assets.computeIfAbsent(name, StudioHandler::load)).subscribeOn(Schedulers.boundedElastic());
        return body.flatMap(b -> b.isEmpty() ? notFound(res, path)
                : secured(res).header("Content-Type", type)
                        .header("Cache-Control", name.equals("index.html") ? "no-cache" : "max-age=300")
                        .sendByteArray(Mono.just(b.get())).then());
    }

    private static Mono<Void> notFound(HttpServerResponse res, String path) {
        return Problems.send(secured(res), 404, "Not Found", "No such page: " + path + ". The Studio is at /.");
    }

    private static Optional<byte[]> load(String name) {
        try (InputStream in = StudioHandler.class.getResourceAsStream("studio/" + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /v1/studio}: what the page needs to know about this server. */
    String about() {
        return Problems.json(Map.of("allowEdit", config.allowEdit(), "maxPreviewRows", config.maxPreviewRows(),
                "authRequired", !config.apiKeys().isEmpty()));
    }

    /** {@code GET /v1/pipelines/{name}}: the served pipeline's file, as YAML text. */
    Mono<Void> text(String name, boolean served, HttpServerResponse res) {
        if (!served || !NAME.matcher(name).matches()) {
            return Problems.send(res, 404, "Unknown pipeline", "There is no pipeline '" + name + "'. GET /v1/pipelines lists them.");
        }
        return Mono.fromCallable(() -> read(name))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(text -> res.header("Content-Type", "application/yaml; charset=utf-8")
                        .header("X-Content-Type-Options", "nosniff")
                        .sendString(Mono.just(text)).then())
                .onErrorResume(NoSuchFileException.class, e -> Problems.send(res, 404, "Unknown pipeline",
                        "The file of pipeline '" + name + "' is gone from the pipelines folder."));
    }

    private String read(String name) throws IOException {
        Path yaml = file(config.pipelines(), name);
        return Files.readString(yaml, StandardCharsets.UTF_8);
    }

    /** The pipeline's file in {@code dir}: {@code NAME.yml} when that is the one there, else {@code NAME.yaml}. */
    static Path file(Path dir, String name) {
        Path yml = dir.resolve(name + ".yml");
        return Files.exists(yml) ? yml : dir.resolve(name + ".yaml");
    }
}
