package io.flowengine.internal.flux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;

/**
 * A {@code Publisher} of bytes as a blocking stream for the CSV reader, which reads on an I/O
 * thread. It subscribes when first read (never on the thread that built it), holds at most
 * {@link #QUEUE} buffers, and asks for the next one only as it takes one: a slow pipeline slows
 * the publisher down, however fast it could go. Its queue takes no lock and has no capacity: the
 * publisher (an event loop) never blocks, no buffer is ever dropped, and demand bounds it. An error of the publisher is an IOException of
 * the reader; {@link #close()} cancels the subscription.
 */
final class FluxInputStream extends InputStream implements CoreSubscriber<ByteBuffer> {

    private static final Logger LOG = LoggerFactory.getLogger("flowengine.run");

    static final int QUEUE = 8;
    private static final Object END = new Object();

    private final Publisher<ByteBuffer> source;
    /**
     * Lock-free, because the publisher may be an event loop that must never block, and unbounded,
     * so that nothing is ever dropped: demand bounds what is in it. The reader parks on it and is
     * unparked as something arrives.
     */
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread reader;
    /** What has been asked for and not yet delivered. */
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean overDelivered;
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
            demand.addAndGet(QUEUE);
            s.request(QUEUE);
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        if (demand.decrementAndGet() < 0 && !overDelivered) {
            overDelivered = true;
            LOG.warn("the input published more buffers than were requested, which breaks Reactive Streams' rule 1.1;"
                    + " they are kept, but check the publisher");
        }
        if (!closed) {
            arrive(buffer);
        }
    }

    private void arrive(Object o) {
        queue.offer(o);
        Thread r = reader;
        if (r != null) {
            LockSupport.unpark(r);
        }
    }

    @Override
    public void onError(Throwable t) {
        arrive(t);
    }

    @Override
    public void onComplete() {
        arrive(END);
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
            demand.incrementAndGet();
            subscription.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private Object take() throws IOException {
        reader = Thread.currentThread();
        try {
            Object next;
            while ((next = queue.poll()) == null) {
                if (closed) {
                    throw new IOException("the input was closed");
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for input");
                }
            }
            return next;
        } finally {
            reader = null;
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
