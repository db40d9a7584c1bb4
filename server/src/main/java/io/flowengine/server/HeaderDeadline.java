package io.flowengine.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request headers do not arrive in time. Idle and read timeouts reset on
 * every byte, so a client that sends its headers one byte at a time (slowloris) would pass them
 * forever; this deadline does not move. The first request's headers must be complete within
 * {@code first} of connecting; a kept-alive connection's next request within {@code next} of the
 * previous response. Sits after the HTTP codec: it sees a request once its headers are decoded.
 * One instance per connection, used on its event loop only.
 */
final class HeaderDeadline extends ChannelDuplexHandler {

    static final String NAME = "flowengine.headerDeadline";

    private final long firstMillis;
    private final long nextMillis;
    private ScheduledFuture<?> deadline;

    HeaderDeadline(Duration first, Duration next) {
        this.firstMillis = first.toMillis();
        this.nextMillis = next.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, firstMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            disarm();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent) {
            // the response is complete: the clock starts for the next request on this connection
            promise.addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    arm(ctx, nextMillis);
                }
            });
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx, long millis) {
        disarm();
        deadline = ctx.executor().schedule(() -> ctx.channel().close(), millis, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
