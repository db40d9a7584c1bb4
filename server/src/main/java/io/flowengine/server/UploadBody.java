package io.flowengine.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A request body that knows whether it arrived whole. Reactor Netty ends the body of a request
 * whose connection closed or whose framing broke (a malformed chunk size) just as it ends a
 * complete one; only the last part of the message tells them apart ({@link FramingGuard} sees
 * it). A body that ends without it is an error, so its run fails instead of succeeding on half
 * an upload.
 */
final class UploadBody {

    /** The upload did not arrive whole. */
    static final class Broken extends IOException {
        private static final long serialVersionUID = 1L;

        Broken(String message) {
            super(message);
        }
    }

    private UploadBody() {
    }

    /** The body of {@code contents}; {@code whole} turns true when its last part has been decoded. */
    static Flux<ByteBuf> of(Flux<HttpContent> contents, AtomicBoolean whole) {
        return Flux.defer(() -> {
            return contents.<ByteBuf>handle((c, sink) -> {
                        if (c.decoderResult().isFailure()) {
                            sink.error(new Broken("the upload's framing is malformed: " + c.decoderResult().cause().getMessage()));
                            return;
                        }
                        if (c instanceof LastHttpContent) {
                            whole.set(true);
                        }
                        if (c.content().isReadable()) {
                            sink.next(c.content());
                        }
                    })
                    .concatWith(Mono.defer(() -> whole.get() ? Mono.empty()
                            : Mono.error(new Broken("the upload ended before its last part: the connection closed,"
                                    + " or the body's framing was malformed"))));
        });
    }
}
