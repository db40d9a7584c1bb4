package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The response body's bound: the writer waits (blocked, not spinning) while the client takes nothing. */
class ResponseOutputStreamTest {

    private static final byte[] CHUNK = new byte[64 * 1024];

    @Test
    void theWriterWaitsForTheClientOnceTheQueueIsFullAndGoesOnWhenItReads() throws Exception {
        ResponseOutputStream out = new ResponseOutputStream();
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < ResponseOutputStream.QUEUED + 4; i++) {
                    out.write(CHUNK);
                    out.flush();
                    written.incrementAndGet();
                }
                out.complete();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        StepVerifier.create(out.chunks(), 0)
                .then(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (written.get() < ResponseOutputStream.QUEUED && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(5_000_000);
                    }
                })
                .thenAwait(Duration.ofMillis(300))
                .then(() -> assertThat(written.get()).as("chunks written while the client reads nothing")
                        .isEqualTo(ResponseOutputStream.QUEUED))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(ResponseOutputStream.QUEUED + 4)
                .verifyComplete();
        writer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aWriterWaitingForAClientThatWentAwayFails() throws Exception {
        ResponseOutputStream out = new ResponseOutputStream();
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            try {
                for (int i = 0; i < 100; i++) {
                    out.write(CHUNK);
                    out.flush();
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        StepVerifier.create(out.chunks(), 1).expectNextCount(1).thenCancel().verify(Duration.ofSeconds(5));
        assertThat(writer.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessage("the client went away");
    }
}
