package io.flowengine.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** RFC 9457 problem details: what went wrong and how to fix it; and the server's other JSON, all written by Jackson. */
final class Problems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    static Mono<Void> send(HttpServerResponse res, int status, String title, String detail) {
        return res.status(HttpResponseStatus.valueOf(status))
                .header("Content-Type", "application/problem+json")
                .sendString(Mono.just(problem(status, title, detail)))
                .then();
    }

    /** The problem+json body. */
    static String problem(int status, String title, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        return json(p);
    }

    /** {@code {"pipelines":[...]}} */
    static String pipelines(List<String> names) {
        return json(Map.of("pipelines", names));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
