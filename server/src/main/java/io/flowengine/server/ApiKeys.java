package io.flowengine.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** The /v1 API keys: a request passes with {@code Authorization: Bearer KEY} for one of them, compared in constant time. */
final class ApiKeys {

    private final List<byte[]> keyDigests;

    /** @param keys the accepted keys; none: every request passes */
    ApiKeys(List<String> keys) {
        this.keyDigests = keys.stream().map(ApiKeys::digest).toList();
    }

    /** Runs {@code handler} when the request carries a valid API key (or none are configured). */
    Mono<Void> guarded(HttpServerRequest req, HttpServerResponse res, Supplier<Mono<Void>> handler) {
        // no answer of the API is ever to be read by a browser as another type than it says
        res.header("X-Content-Type-Options", "nosniff");
        if (!keyDigests.isEmpty()) {
            String auth = req.requestHeaders().get("Authorization");
            // the scheme is case-insensitive (RFC 9110 §11.1)
            byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? digest(auth.substring(7).strip()) : null;
            boolean ok = false;
            for (byte[] key : keyDigests) {
                ok |= given != null && MessageDigest.isEqual(key, given);
            }
            if (!ok) {
                return Problems.send(res.header("WWW-Authenticate", "Bearer"), 401, "Unauthorized",
                        "Send a valid API key as 'Authorization: Bearer KEY' (keys come from the server's --api-keys file).");
            }
        }
        return handler.get();
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
