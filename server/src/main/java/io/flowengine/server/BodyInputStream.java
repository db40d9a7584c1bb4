package io.flowengine.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * A request body as a blocking stream for the CSV parser (Jackson-like parsers, and ours, are
 * blocking): Netty's buffers go through a small bounded queue, and a buffer is requested from the
 * socket only when the parser has taken one, so Netty stops reading when the pipeline has no
 * demand. Counts bytes and fails past {@code maxBytes}. Read it on a thread that may block. It
 * subscribes to the body when it is first read (on the reader's thread), or when it is closed
 * unread (so that the body is let go of).
 */
final class BodyInputStream extends InputStream implements CoreSubscriber<ByteBuf> {

    private static final int QUEUE = 32;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE + 2);
    private final long maxBytes;
    private final long idleTimeoutMillis;
    private final Flux<ByteBuf> body;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile Subscription subscription;
    private ByteBuf current;
    private long bytes;
    private boolean ended;
    private volatile boolean closed;

    /** Thrown when the body arrives slower than the minimum upload rate. */
    static final class TooSlow extends IOException {
        private static final long serialVersionUID = 1L;

        TooSlow(String message) {
            super(message);
        }
    }

    /** Thrown when the body is larger than allowed. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("the request body is larger than " + max + " bytes (--max-body-size)");
        }
    }

    /** The rate is measured only after the reader has waited this long for data in all. */
    static final long RATE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final long minRate;
    /** Time spent waiting for the client (not for the pipeline): what the rate is measured over. */
    private long waitedNanos;

    BodyInputStream(Flux<ByteBuf> body, long maxBytes, long idleTimeoutMillis) {
        this(body, maxBytes, idleTimeoutMillis, 0);
    }

    /** As above; an upload arriving slower than {@code minRate} bytes per second (0: any) fails. */
    BodyInputStream(Flux<ByteBuf> body, long maxBytes, long idleTimeoutMillis, long minRate) {
        this.minRate = minRate;
        this.maxBytes = maxBytes;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.body = body;
    }

    private void subscribeOnce() {
        if (subscribed.compareAndSet(false, true)) {
            body.subscribe(this);
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
            return;
        }
        s.request(QUEUE);
    }

    @Override
    public void onNext(ByteBuf buf) {
        if (closed) {
            return;
        }
        queue.offer(buf.retain());
    }

    @Override
    public void onError(Throwable t) {
        queue.offer(t);
    }

    @Override
    public void onComplete() {
        queue.offer(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        subscribeOnce();
        while (current == null || !current.isReadable()) {
            if (ended) {
                return -1;
            }
            release();
            Object next = poll();
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof Throwable t) {
                ended = true;
                throw new IOException("the upload broke off: " + t.getMessage(), t);
            }
            current = (ByteBuf) next;
            bytes += current.readableBytes();
            subscription.request(1);
            if (bytes > maxBytes) {
                ended = true;
                release();
                throw new TooLarge(maxBytes);
            }
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    /** The next buffer or signal; fails when the client is idle too long or too slow. */
    private Object poll() throws IOException {
        long idleSince = System.nanoTime();
        while (true) {
            long t0 = System.nanoTime();
            Object next;
            try {
                next = queue.poll(Math.min(idleTimeoutMillis, 500), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the request body", e);
            }
            long now = System.nanoTime();
            waitedNanos += now - t0;
            if (next != null) {
                checkRate();
                return next;
            }
            if (now - idleSince >= TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis)) {
                throw new IOException("the client sent nothing for " + idleTimeoutMillis + " ms; the upload was abandoned");
            }
            checkRate();
        }
    }

    private void checkRate() throws TooSlow {
        if (minRate > 0 && waitedNanos > RATE_GRACE_NANOS && bytes * 1_000_000_000.0 / waitedNanos < minRate) {
            ended = true;
            throw new TooSlow(String.format(Locale.ROOT, "the upload arrived at %.0f bytes/s, slower than the"
                    + " server's minimum of %d bytes/s (--min-upload-rate); the run was stopped. Send the file faster,"
                    + " or ask for a lower --min-upload-rate", bytes * 1_000_000_000.0 / waitedNanos, minRate));
        }
    }

    private void release() {
        if (current != null) {
            current.release();
            current = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        subscribeOnce();
        release();
        Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof ByteBuf buf) {
                buf.release();
            }
        }
    }
}
