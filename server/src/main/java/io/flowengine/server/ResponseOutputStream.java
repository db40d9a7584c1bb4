package io.flowengine.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The pipeline's CSV output as a response body: what the engine writes (on its own, blocking
 * thread) is handed on in chunks of 64 KiB, at most {@link #QUEUED} of them waiting for the
 * client. The writer takes a credit for each chunk and the response gives it back as it takes
 * the chunk: when the client reads slowly the credits run out and the writer blocks (no spin), so
 * memory stays bounded and demand reaches the pipeline.
 */
final class ResponseOutputStream extends OutputStream {

    private static final int CHUNK = 64 * 1024;
    static final int QUEUED = 16;

    private final Sinks.Many<byte[]> sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<byte[]>get(QUEUED).get());
    private final Semaphore credits = new Semaphore(QUEUED);
    private final byte[] buffer = new byte[CHUNK];
    private int size;
    private volatile boolean cancelled;

    Flux<byte[]> chunks() {
        return sink.asFlux().doOnNext(chunk -> credits.release()).doOnCancel(() -> cancelled = true);
    }

    @Override
    public void write(int b) throws IOException {
        if (size == CHUNK) {
            flush();
        }
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (size == CHUNK) {
                flush();
            }
            int n = Math.min(len, CHUNK - size);
            System.arraycopy(b, off, buffer, size, n);
            size += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (size == 0) {
            return;
        }
        emit(Arrays.copyOf(buffer, size));
        size = 0;
    }

    /** Waits for room among the queued chunks (the client took one), then hands {@code chunk} on. */
    private void emit(byte[] chunk) throws IOException {
        try {
            while (!credits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    throw new IOException("the client went away");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the client to read the response");
        }
        if (cancelled) {
            throw new IOException("the client went away");
        }
        Sinks.EmitResult r = sink.tryEmitNext(chunk);
        if (r.isFailure()) {
            throw new IOException(r == Sinks.EmitResult.FAIL_CANCELLED ? "the client went away"
                    : "the response cannot take more data: " + r);
        }
    }

    /** The response has ended (sent, failed or cancelled): later writes fail. */
    void abandon() {
        cancelled = true;
    }

    /** The run ended well: hand on what is left and end the body. */
    void complete() throws IOException {
        flush();
        sink.tryEmitComplete();
    }

    /** The run failed: the body ends with an error (the connection is aborted once it started). */
    void fail(Throwable error) {
        sink.tryEmitError(error);
    }
}
