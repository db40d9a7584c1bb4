package io.flowengine.internal.flux;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.HttpSinkSpec;
import io.flowengine.PipelineSpec.RetrySpec;
import io.flowengine.internal.run.RemoteStatusException;
import io.flowengine.internal.run.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Retry timing, checked in virtual time. */
class HttpSinkRetryTest {

    private static HttpSink sink(RetrySpec spec, AtomicInteger retries) {
        return new HttpSink(HttpSinkSpec.of(URI.create("http://127.0.0.1:1/x")), new RetryPolicy(spec, new Random(1)),
                retries::incrementAndGet);
    }

    private static Mono<String> failing(int times, Throwable failure) {
        AtomicInteger calls = new AtomicInteger();
        return Mono.defer(() -> calls.incrementAndGet() <= times ? Mono.error(failure) : Mono.just("ok"));
    }

    @Test
    void retryAfterIsHonoured() {
        AtomicInteger retries = new AtomicInteger();
        HttpSink sink = sink(new RetrySpec(3, Duration.ofMillis(100), Duration.ofSeconds(5)), retries);
        RemoteStatusException throttled = new RemoteStatusException("u", 429, Duration.ofSeconds(2), "");
        StepVerifier.withVirtualTime(() -> failing(1, throttled).retryWhen(sink.retrying()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();
        assertThat(retries).hasValue(1);
    }

    @Test
    void retryAfterIsCappedByMaxBackoff() {
        HttpSink sink = sink(new RetrySpec(3, Duration.ofMillis(100), Duration.ofSeconds(1)), new AtomicInteger());
        RemoteStatusException throttled = new RemoteStatusException("u", 503, Duration.ofSeconds(60), "");
        StepVerifier.withVirtualTime(() -> failing(1, throttled).retryWhen(sink.retrying()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();
    }

    @Test
    void backoffGrowsWithJitterAndGivesUpAfterMaxAttempts() {
        HttpSink sink = sink(new RetrySpec(3, Duration.ofSeconds(1), Duration.ofSeconds(10)), new AtomicInteger());
        IOException down = new IOException("connection refused");
        // attempt 1 fails, waits 0.5-1.5 s; attempt 2 fails, waits 1-3 s; attempt 3 fails: give up
        StepVerifier.withVirtualTime(() -> failing(5, down).retryWhen(sink.retrying()))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1499))
                .thenAwait(Duration.ofSeconds(5))
                .expectErrorMatches(e -> e == down)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void permanentFailuresAreNotRetried() {
        AtomicInteger retries = new AtomicInteger();
        HttpSink sink = sink(RetrySpec.DEFAULT, retries);
        RemoteStatusException bad = new RemoteStatusException("u", 400, null, "bad");
        StepVerifier.create(failing(1, bad).retryWhen(sink.retrying()))
                .expectErrorMatches(e -> e == bad)
                .verify(Duration.ofSeconds(5));
        assertThat(retries).hasValue(0);
    }

    @Test
    void classifiesTransientAndPermanentFailures() {
        assertThat(RetryPolicy.isTransient(new IOException("reset"))).isTrue();
        assertThat(RetryPolicy.isTransient(new java.util.concurrent.TimeoutException())).isTrue();
        assertThat(RetryPolicy.isTransient(new RemoteStatusException("u", 502, null, ""))).isTrue();
        assertThat(RetryPolicy.isTransient(new RemoteStatusException("u", 429, null, ""))).isTrue();
        assertThat(RetryPolicy.isTransient(new RemoteStatusException("u", 404, null, ""))).isFalse();
        assertThat(RetryPolicy.isTransient(new io.flowengine.RowException("s", 1, 1, "script error", null))).isFalse();
        assertThat(RemoteStatusException.parseRetryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(RemoteStatusException.parseRetryAfter("soon")).isNull();
    }
}
