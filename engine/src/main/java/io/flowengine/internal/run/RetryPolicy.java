package io.flowengine.internal.run;

import io.flowengine.PipelineSpec.RetrySpec;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeoutException;

/**
 * Which failures are retried and after how long. Transient: I/O errors, timeouts, and a remote
 * 5xx or 429. Everything else (a 4xx, a script error, a malformed record) is permanent and never
 * retried. Delays grow exponentially from {@code backoff} with ±50% jitter, capped at
 * {@code maxBackoff}; a server's Retry-After replaces the computed delay (capped the same way).
 */
public final class RetryPolicy {

    private final RetrySpec spec;
    private final Random random;

    public RetryPolicy(RetrySpec spec, Random random) {
        this.spec = spec;
        this.random = random;
    }

    /** True when {@code failure} may go away if tried again. */
    public static boolean isTransient(Throwable failure) {
        if (failure instanceof RemoteStatusException r) {
            return r.status() >= 500 || r.status() == 429;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException
                    || t.getClass().getName().startsWith("io.netty.handler.timeout.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The delay before attempt {@code attempt + 1} after {@code failure} on attempt
     * {@code attempt} (1-based), or null when it is not to be retried.
     */
    public Duration delay(Throwable failure, long attempt) {
        if (attempt >= spec.maxAttempts() || !isTransient(failure)) {
            return null;
        }
        Duration max = spec.maxBackoff();
        if (failure instanceof RemoteStatusException r && r.retryAfter() != null) {
            return r.retryAfter().compareTo(max) > 0 ? max : r.retryAfter();
        }
        long base = spec.backoff().toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(Math.max(base, 0), max.toMillis());
        long jitter = (long) (capped * 0.5 * (2 * random.nextDouble() - 1));
        return Duration.ofMillis(Math.min(max.toMillis(), Math.max(0, capped + jitter)));
    }
}
