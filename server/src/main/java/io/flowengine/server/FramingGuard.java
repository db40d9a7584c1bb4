package io.flowengine.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers what the HTTP decoder could not decode, before any handler sees it, with a problem+json
 * that says what to fix: 431 for oversized headers, 414 for an oversized request line, 400 for
 * anything else (a malformed chunk size, a bad header). Also refuses framing that two parsers could
 * read differently: a {@code Transfer-Encoding} other than {@code chunked} (request smuggling
 * through {@code xchunked} with a {@code Content-Length}).
 *
 * <p>A failure in the middle of a body that is already being answered cannot get a status any
 * more: the connection is closed, so the client sees a truncated response and the request's
 * body ends without its last part, which fails its run. Sits after the HTTP codec; one instance
 * per connection, on its event loop.
 */
final class FramingGuard extends ChannelDuplexHandler {

    static final String NAME = "flowengine.framingGuard";
    /**
     * Whether the current request's body has arrived whole (its last part decoded well). Reactor
     * Netty ends a request's body the same way whether it arrived whole or its connection broke,
     * and does not pass an empty last part on, so the body's reader asks this.
     */
    static final AttributeKey<AtomicBoolean> WHOLE =
            AttributeKey.valueOf("flowengine.bodyWhole");

    /** A response has been started on this connection and not yet finished. */
    private boolean answering;
    /** The connection is being closed for bad framing: nothing more is read. */
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, http.decoderResult(), msg instanceof HttpContent && !(msg instanceof HttpRequest));
            return;
        }
        if (msg instanceof HttpRequest) {
            ctx.channel().attr(WHOLE).set(new AtomicBoolean());
        }
        if (msg instanceof LastHttpContent) {
            AtomicBoolean whole = ctx.channel().attr(WHOLE).get();
            if (whole != null) {
                whole.set(true);
            }
        }
        if (msg instanceof HttpRequest req) {
            String te = req.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
            if (te != null && !te.strip().equalsIgnoreCase("chunked")) {
                ReferenceCountUtil.release(msg);
                refused = true;
                answer(ctx, HttpResponseStatus.BAD_REQUEST, "Transfer-Encoding '" + cut(te) + "' is not supported."
                        + " Send the body with 'Transfer-Encoding: chunked' or with a Content-Length, not both.");
                return;
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse) {
            answering = true;
        }
        if (msg instanceof LastHttpContent) {
            answering = false;
        }
        super.write(ctx, msg, promise);
    }

    private void refuse(ChannelHandlerContext ctx, DecoderResult result, boolean inBody) {
        refused = true;
        Throwable cause = result.cause();
        if (answering) {
            ctx.close();
            return;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            answer(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "The request headers are larger than this server accepts (16 KiB). Send fewer or shorter headers.");
        } else if (cause instanceof TooLongHttpLineException) {
            answer(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "The request line is longer than this server accepts (8 KiB). Use a shorter URL.");
        } else if (cause instanceof TooLongFrameException) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "A part of the request is too large: " + cut(cause.getMessage()) + ".");
        } else {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, (inBody ? "The request body is malformed: " : "The request is malformed: ")
                    + cut(cause == null ? "unreadable" : cause.getMessage())
                    + (inBody ? ". Check the chunked framing (hexadecimal chunk sizes, CRLF after each chunk)." : "."));
        }
    }

    private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String detail) {
        byte[] body = Problems.problem(status.code(), status.reasonPhrase(), detail).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
