package io.flowengine.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * An upload's limits, as operators on its body: at most {@code maxBytes}; never silent for
 * {@code idleTimeout} while the run waits for it; no slower than {@code minRate} bytes per second,
 * measured only over the time the run waits for the client (demand outstanding, nothing arriving),
 * after the first {@link #RATE_GRACE_NANOS} of it. Each buffer is copied out of Netty's, so the
 * engine may hold it after Netty has reused its own.
 */
final class UploadGuard {

    /** The rate is measured only after the run has waited this long for data in all. */
    static final long RATE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Duration TICK = Duration.ofMillis(250);

    /** The body is larger than allowed. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("the request body is larger than " + max + " bytes (--max-body-size)");
        }
    }

    /** The body arrives slower than allowed. */
    static final class TooSlow extends IOException {
        private static final long serialVersionUID = 1L;

        TooSlow(String message) {
            super(message);
        }
    }

    private final long maxBytes;
    private final long idleNanos;
    private final long minRate;
    private long requested;
    private long bytes;
    private long waitedNanos;
    /** When the current wait for the client began; 0 while nothing is asked for. */
    private long waitingSince;
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    private UploadGuard(long maxBytes, Duration idleTimeout, long minRate) {
        this.maxBytes = maxBytes;
        this.idleNanos = idleTimeout.toNanos();
        this.minRate = minRate;
    }

    /**
     * {@code body} with the limits applied; a buffer past a limit fails the body instead. The clock
     * runs on {@code clock}: the connection's own event loop, so that starting and stopping it never
     * takes a lock on a thread that must not block (a JDK scheduler's cancel does).
     */
    static Flux<ByteBuffer> apply(Flux<ByteBuf> body, long maxBytes, Duration idleTimeout, long minRate, Scheduler clock) {
        return Flux.defer(() -> {
            UploadGuard g = new UploadGuard(maxBytes, idleTimeout, minRate);
            Flux<ByteBuffer> data = body.handle((ByteBuf buf, reactor.core.publisher.SynchronousSink<ByteBuffer> sink) -> {
                        ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
                        buf.getBytes(buf.readerIndex(), copy);
                        copy.flip();
                        IOException e = g.arrived(copy.remaining());
                        if (e != null) {
                            sink.error(e);
                        } else {
                            sink.next(copy);
                        }
                    })
                    .doOnRequest(g::requested);
            // the clock: takeUntilOther passes demand straight through (a merge would prefetch)
            Mono<Long> overdue = Flux.interval(TICK, clock).filter(t -> g.check(System.nanoTime())).next();
            return data.takeUntilOther(overdue)
                    .concatWith(Mono.defer(() -> g.failure.get() == null ? Mono.empty() : Mono.error(g.failure.get())));
        });
    }

    private synchronized void requested(long n) {
        requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
        if (waitingSince == 0 && requested > 0) {
            waitingSince = System.nanoTime();
        }
    }

    /** A buffer of {@code n} bytes arrived: the failure it causes, or null. */
    private synchronized IOException arrived(int n) {
        long now = System.nanoTime();
        if (waitingSince != 0) {
            waitedNanos += now - waitingSince;
        }
        if (requested != Long.MAX_VALUE) {
            requested--;
        }
        waitingSince = requested > 0 ? now : 0;
        bytes += n;
        if (bytes > maxBytes) {
            return new TooLarge(maxBytes);
        }
        return tooSlow(waitedNanos);
    }

    /** On the clock: true (with the failure recorded) when the client has been silent or slow too long. */
    private synchronized boolean check(long now) {
        if (waitingSince == 0) {
            return false;
        }
        long waiting = now - waitingSince;
        IOException e = waiting >= idleNanos
                ? new IOException("the client sent nothing for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                        + " ms; the upload was abandoned")
                : tooSlow(waitedNanos + waiting);
        if (e != null) {
            failure.compareAndSet(null, e);
            return true;
        }
        return false;
    }

    private TooSlow tooSlow(long waited) {
        if (minRate > 0 && waited > RATE_GRACE_NANOS && bytes * 1_000_000_000.0 / waited < minRate) {
            return new TooSlow(String.format(Locale.ROOT, "the upload arrived at %.0f bytes/s, slower than the"
                    + " server's minimum of %d bytes/s (--min-upload-rate); the run was stopped. Send the file faster,"
                    + " or ask for a lower --min-upload-rate", bytes * 1_000_000_000.0 / waited, minRate));
        }
        return null;
    }
}
