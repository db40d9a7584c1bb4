package io.flowengine.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The pipeline's CSV output as a response body: what the engine writes (on its own, blocking
 * thread) is handed on in chunks through a small bounded queue; when the client reads slowly the
 * queue fills and the writer waits, so memory stays bounded and demand reaches the pipeline.
 */
final class ResponseOutputStream extends OutputStream {

    private static final int CHUNK = 64 * 1024;

    private final Sinks.Many<byte[]> sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<byte[]>get(16).get());
    private final byte[] buffer = new byte[CHUNK];
    private int size;
    private volatile boolean cancelled;

    Flux<byte[]> chunks() {
        return sink.asFlux().doOnCancel(() -> cancelled = true);
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

    private void emit(byte[] chunk) throws IOException {
        while (true) {
            if (cancelled) {
                throw new IOException("the client went away");
            }
            Sinks.EmitResult r = sink.tryEmitNext(chunk);
            if (r.isSuccess()) {
                return;
            }
            if (r == Sinks.EmitResult.FAIL_OVERFLOW || r == Sinks.EmitResult.FAIL_NON_SERIALIZED) {
                LockSupport.parkNanos(200_000);
                continue;
            }
            throw new IOException("the response cannot take more data: " + r);
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
