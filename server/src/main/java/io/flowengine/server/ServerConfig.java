package io.flowengine.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a FlowEngine server runs. Immutable; the {@code with*} methods return changed copies.
 *
 * @param pipelines the folder of {@code *.yaml} pipelines; a pipeline's name is its file name
 * @param apiKeys keys accepted as {@code Authorization: Bearer KEY} on /v1; empty: no keys needed
 * @param maxBodySize the largest upload, in bytes
 * @param maxConcurrentRuns runs at once; more are answered 503 at once
 * @param dataDir where run records and dead letters are kept
 * @param maxRuns run records kept
 * @param shutdownGrace how long runs in flight may take to finish on shutdown
 * @param uploadIdleTimeout how long an upload may send nothing before it is abandoned
 * @param maxConnections open connections at once; more are closed as they arrive
 * @param headerTimeout how long a new connection may take to send complete request headers
 * @param idleTimeout how long a connection may sit idle between requests
 */
public record ServerConfig(Path pipelines, String host, int port, List<String> apiKeys, long maxBodySize,
        int maxConcurrentRuns, Path dataDir, int maxRuns, Duration shutdownGrace, Duration uploadIdleTimeout,
        int maxConnections, Duration headerTimeout, Duration idleTimeout) {

    public ServerConfig {
        apiKeys = List.copyOf(apiKeys);
    }

    public static ServerConfig of(Path pipelines, Path dataDir) {
        return new ServerConfig(pipelines, "0.0.0.0", 8080, List.of(), 1L << 30, 4, dataDir, 100,
                Duration.ofSeconds(25), Duration.ofSeconds(30), 256,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withApiKeys(List<String> apiKeys) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withMaxBodySize(long maxBodySize) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withMaxConcurrentRuns(int maxConcurrentRuns) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withMaxConnections(int maxConnections) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withShutdownGrace(Duration shutdownGrace) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withHeaderTimeout(Duration headerTimeout) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }

    public ServerConfig withIdleTimeout(Duration idleTimeout) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout);
    }
}
