package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Proves that BlockHound is installed for this test JVM, so blocking on non-blocking threads fails tests. */
class BlockHoundTest {

    @Test
    void blockingOnAParallelThreadIsCaught() {
        Throwable error = Mono.fromCallable(() -> {
                    Thread.sleep(5);
                    return 1;
                })
                .subscribeOn(Schedulers.parallel())
                .map(x -> (Throwable) null)
                .onErrorResume(e -> Mono.just(e))
                .block(Duration.ofSeconds(5));
        assertThat(error).isInstanceOf(BlockingOperationError.class);
    }
}
