package io.flowengine.internal.flux;

import io.flowengine.PipelineSpec.HttpSinkSpec;
import io.flowengine.internal.run.Delivery;
import io.flowengine.internal.run.Delivery.Item;
import io.flowengine.internal.run.HttpBodies;
import io.flowengine.internal.run.RemoteStatusException;
import io.flowengine.internal.run.RetryPolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

/**
 * Delivers rows to an HTTP endpoint: batches of {@code batchRows} POSTed with Reactor Netty, at
 * most {@code maxInFlight} at a time, results in batch order. A transient failure is retried
 * per {@link RetryPolicy}; a batch whose retries run out (or that fails for good) comes back as
 * failed, with its rows, for the dead letters.
 */
final class HttpSink {

    private final HttpSinkSpec spec;
    private final RetryPolicy retry;
    private final HttpClient client;
    private final Runnable onRetry;

    HttpSink(HttpSinkSpec spec, RetryPolicy retry, Runnable onRetry) {
        this.spec = spec;
        this.retry = retry;
        this.onRetry = onRetry;
        this.client = HttpClient.create()
                .responseTimeout(spec.timeout())
                .headers(h -> {
                    spec.headers().forEach(h::set);
                    h.set(HttpHeaderNames.CONTENT_TYPE, HttpBodies.contentType(spec.body()));
                });
    }

    Flux<Delivery> deliver(Flux<Item> items) {
        return items.buffer(spec.batchRows())
                .flatMapSequential(this::send, spec.maxInFlight(), 1);
    }

    Mono<Delivery> send(List<Item> batch) {
        byte[] body = HttpBodies.format(batch.stream().map(Item::row).toList(), spec.body());
        int[] attempts = {0};
        return Mono.defer(() -> {
                    attempts[0]++;
                    return post(body);
                })
                .retryWhen(retrying())
                .thenReturn(new Delivery(batch, null, attempts[0]))
                .onErrorResume(e -> Mono.just(new Delivery(batch, e, attempts[0])));
    }

    /** Retries per the policy, honouring Retry-After; delays run on Reactor's timer (virtual in tests). */
    Retry retrying() {
        return Retry.from(signals -> signals.concatMap(s -> {
            Duration delay = retry.delay(s.failure(), s.totalRetries() + 1);
            if (delay == null) {
                return Mono.error(s.failure());
            }
            onRetry.run();
            return Mono.delay(delay);
        }));
    }

    private Mono<Void> post(byte[] body) {
        String url = spec.url().toString();
        return client.post()
                .uri(url)
                .send(ByteBufFlux.fromInbound(Mono.just(body)))
                .responseSingle((response, content) -> {
                    int status = response.status().code();
                    if (status >= 200 && status < 300) {
                        return content.then();
                    }
                    Duration retryAfter = RemoteStatusException.parseRetryAfter(
                            response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER));
                    return content.asString().defaultIfEmpty("")
                            .flatMap(text -> Mono.error(new RemoteStatusException(url, status, retryAfter,
                                    text.length() > 200 ? text.substring(0, 200) + "…" : text.strip())));
                });
    }
}
