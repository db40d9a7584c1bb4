package io.flowengine.server;

import io.flowengine.internal.config.Texts;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** RFC 9457 problem details: what went wrong and how to fix it. */
final class Problems {

    private Problems() {
    }

    static Mono<Void> send(HttpServerResponse res, int status, String title, String detail) {
        return res.status(HttpResponseStatus.valueOf(status))
                .header("Content-Type", "application/problem+json")
                .sendString(Mono.just("{\"type\":\"about:blank\",\"title\":\"" + json(title) + "\",\"status\":" + status
                        + ",\"detail\":\"" + json(detail) + "\"}"))
                .then();
    }

    static String json(String s) {
        return Texts.jsonEscape(s);
    }
}
