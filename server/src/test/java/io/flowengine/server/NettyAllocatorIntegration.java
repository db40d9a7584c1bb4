package io.flowengine.server;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty 4.2's adaptive buffer allocator takes a short StampedLock when it grows its magazines
 * under contention (AdaptivePoolingAllocator$MagazineGroup.tryExpandMagazines). That is Netty's
 * own event-loop-safe design, which Netty's BlockHound integration does not list yet; without
 * this, concurrent uploads trip BlockHound inside Netty, not in FlowEngine's code.
 */
public final class NettyAllocatorIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    }
}
