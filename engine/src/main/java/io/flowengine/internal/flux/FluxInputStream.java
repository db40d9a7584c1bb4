package io.flowengine.internal.flux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A {@code Publisher} of bytes as a blocking stream for the CSV reader, which reads on an I/O
 * thread. It subscribes when first read (never on the thread that built it), holds at most
 * {@link #QUEUE} buffers, and asks for the next one only as it takes one: a slow pipeline slows
 * the publisher down, however fast it could go. An error of the publisher is an IOException of
 * the reader; {@link #close()} cancels the subscription.
 */
final class FluxInputStream extends InputStream implements CoreSubscriber<ByteBuffer> {

    static final int QUEUE = 8;
    private static final Object END = new Object();

    private final Publisher<ByteBuffer> source;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE + 2);
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile Subscription subscription;
    private volatile boolean closed;
    private ByteBuffer current;
    private boolean ended;

    FluxInputStream(Publisher<ByteBuffer> source) {
        this.source = source;
    }

    private void subscribeOnce() {
        if (subscribed.compareAndSet(false, true)) {
            source.subscribe(this);
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(QUEUE);
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        if (!closed) {
            queue.offer(buffer);
        }
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
        while (current == null || !current.hasRemaining()) {
            if (ended) {
                return -1;
            }
            Object next = take();
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof Throwable t) {
                ended = true;
                throw new IOException("the input failed: " + t.getMessage(), t);
            }
            current = (ByteBuffer) next;
            subscription.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private Object take() throws IOException {
        try {
            Object next;
            while ((next = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
                if (closed) {
                    throw new IOException("the input was closed");
                }
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for input");
        }
    }

    @Override
    public void close() {
        closed = true;
        subscribeOnce();
        Subscription s = subscription;
        if (s != null && !ended) {
            s.cancel();
        }
        queue.clear();
        current = null;
    }
}
