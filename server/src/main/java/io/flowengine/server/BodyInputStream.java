package io.flowengine.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * A request body as a blocking stream for the CSV parser (Jackson-like parsers, and ours, are
 * blocking): Netty's buffers go through a small bounded queue, and a buffer is requested from the
 * socket only when the parser has taken one, so Netty stops reading when the pipeline has no
 * demand. Counts bytes and fails past {@code maxBytes}. Read it on a thread that may block.
 */
final class BodyInputStream extends InputStream implements CoreSubscriber<ByteBuf> {

    private static final int QUEUE = 32;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE + 2);
    private final long maxBytes;
    private final long idleTimeoutMillis;
    private volatile Subscription subscription;
    private ByteBuf current;
    private long bytes;
    private boolean ended;
    private volatile boolean closed;

    /** Thrown when the body is larger than allowed. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("the request body is larger than " + max + " bytes (--max-body-size)");
        }
    }

    BodyInputStream(Flux<ByteBuf> body, long maxBytes, long idleTimeoutMillis) {
        this.maxBytes = maxBytes;
        this.idleTimeoutMillis = idleTimeoutMillis;
        body.subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
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
        while (current == null || !current.isReadable()) {
            if (ended) {
                return -1;
            }
            release();
            Object next;
            try {
                next = queue.poll(idleTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the request body", e);
            }
            if (next == null) {
                throw new IOException("the client sent nothing for " + idleTimeoutMillis + " ms; the upload was abandoned");
            }
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

    private void release() {
        if (current != null) {
            current.release();
            current = null;
        }
    }

    @Override
    public void close() {
        closed = true;
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
