package io.flowengine.server;

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
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
