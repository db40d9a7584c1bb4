package io.flowengine.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import reactor.netty.http.server.HttpServerMetricsRecorder;

/**
 * Reactor Netty's HTTP server metrics, recorded into the server's own registry. Reactor Netty's
 * built-in recorder writes to Micrometer's global registry, which FlowEngine never uses; this
 * recorder keeps Reactor Netty's meter names (so its dashboards apply) and leaves out the
 * remote-address tag. URIs are reduced to the server's route templates by {@link #uriTag}, so a
 * client cannot create a meter per path it makes up.
 */
final class ServerMetrics implements HttpServerMetricsRecorder {

    static final String DATA_RECEIVED = "reactor.netty.http.server.data.received";
    static final String DATA_SENT = "reactor.netty.http.server.data.sent";
    static final String ERRORS = "reactor.netty.http.server.errors";
    static final String DATA_RECEIVED_TIME = "reactor.netty.http.server.data.received.time";
    static final String DATA_SENT_TIME = "reactor.netty.http.server.data.sent.time";
    static final String RESPONSE_TIME = "reactor.netty.http.server.response.time";
    static final String CONNECTIONS_TOTAL = "reactor.netty.http.server.connections.total";
    static final String CONNECTIONS_ACTIVE = "reactor.netty.http.server.connections.active";

    private static final Pattern TRANSFORM = Pattern.compile("/v1/pipelines/[^/]+/transform");
    private static final Pattern RUN = Pattern.compile("/v1/runs/[^/]+");
    private static final Pattern DEAD_LETTERS = Pattern.compile("/v1/runs/[^/]+/dead-letters");

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();

    ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge(CONNECTIONS_TOTAL, connections);
        registry.gauge(CONNECTIONS_ACTIVE, active);
    }

    /** The route template of a request path; "other" for anything the server does not serve. */
    static String uriTag(String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        return switch (path) {
            case "/health/live", "/health/ready", "/metrics", "/v1/pipelines" -> path;
            default -> TRANSFORM.matcher(path).matches() ? "/v1/pipelines/{name}/transform"
                    : DEAD_LETTERS.matcher(path).matches() ? "/v1/runs/{id}/dead-letters"
                    : RUN.matcher(path).matches() ? "/v1/runs/{id}"
                    : "other";
        };
    }

    /** Methods outside the standard set are tagged "OTHER": a client cannot invent tag values. */
    private static String method(String method) {
        return switch (method) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT" -> method;
            default -> "OTHER";
        };
    }

    @Override
    public void recordDataReceivedTime(String uri, String method, Duration time) {
        Timer.builder(DATA_RECEIVED_TIME).tags("uri", uri, "method", method(method)).register(registry).record(time);
    }

    @Override
    public void recordDataSentTime(String uri, String method, String status, Duration time) {
        Timer.builder(DATA_SENT_TIME).tags("uri", uri, "method", method(method), "status", status).register(registry).record(time);
    }

    @Override
    public void recordResponseTime(String uri, String method, String status, Duration time) {
        Timer.builder(RESPONSE_TIME).tags("uri", uri, "method", method(method), "status", status).register(registry).record(time);
    }

    @Override
    public void recordDataReceived(SocketAddress remote, String uri, long bytes) {
        DistributionSummary.builder(DATA_RECEIVED).baseUnit("bytes").tags("uri", uri).register(registry).record(bytes);
    }

    @Override
    public void recordDataSent(SocketAddress remote, String uri, long bytes) {
        DistributionSummary.builder(DATA_SENT).baseUnit("bytes").tags("uri", uri).register(registry).record(bytes);
    }

    @Override
    public void incrementErrorsCount(SocketAddress remote, String uri) {
        Counter.builder(ERRORS).tags("uri", uri).register(registry).increment();
    }

    @Override
    public void recordServerConnectionOpened(SocketAddress server) {
        connections.incrementAndGet();
    }

    @Override
    public void recordServerConnectionClosed(SocketAddress server) {
        connections.decrementAndGet();
    }

    @Override
    public void recordServerConnectionActive(SocketAddress server) {
        active.incrementAndGet();
    }

    @Override
    public void recordServerConnectionInactive(SocketAddress server) {
        active.decrementAndGet();
    }

    // channel-level figures without a URI, and client-side events a server never has
    @Override
    public void recordDataReceived(SocketAddress remote, long bytes) {
    }

    @Override
    public void recordDataSent(SocketAddress remote, long bytes) {
    }

    @Override
    public void incrementErrorsCount(SocketAddress remote) {
    }

    @Override
    public void recordTlsHandshakeTime(SocketAddress remote, Duration time, String status) {
    }

    @Override
    public void recordConnectTime(SocketAddress remote, Duration time, String status) {
    }

    @Override
    public void recordResolveAddressTime(SocketAddress remote, Duration time, String status) {
    }
}
