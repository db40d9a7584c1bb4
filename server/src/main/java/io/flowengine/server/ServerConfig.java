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
 * @param minUploadRate the slowest an upload may arrive, in bytes per second (measured while the
 *     server waits for it, after its first 10 s); 0: no minimum
 */
public record ServerConfig(Path pipelines, String host, int port, List<String> apiKeys, long maxBodySize,
        int maxConcurrentRuns, Path dataDir, int maxRuns, Duration shutdownGrace, Duration uploadIdleTimeout,
        int maxConnections, Duration headerTimeout, Duration idleTimeout, long minUploadRate) {

    public ServerConfig {
        apiKeys = List.copyOf(apiKeys);
    }

    /** 1 KiB/s: a mobile link passes; a client trickling bytes to hold a run slot does not. */
    public static final long DEFAULT_MIN_UPLOAD_RATE = 1024;

    public ServerConfig withMinUploadRate(long minUploadRate) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public static ServerConfig of(Path pipelines, Path dataDir) {
        return new ServerConfig(pipelines, "127.0.0.1", 8080, List.of(), 1L << 30, 4, dataDir, 100,
                Duration.ofSeconds(25), Duration.ofSeconds(30), 256,
                Duration.ofSeconds(10), Duration.ofSeconds(60), DEFAULT_MIN_UPLOAD_RATE);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withApiKeys(List<String> apiKeys) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withMaxBodySize(long maxBodySize) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withMaxConcurrentRuns(int maxConcurrentRuns) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withMaxConnections(int maxConnections) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withShutdownGrace(Duration shutdownGrace) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withHeaderTimeout(Duration headerTimeout) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }

    public ServerConfig withIdleTimeout(Duration idleTimeout) {
        return new ServerConfig(pipelines, host, port, apiKeys, maxBodySize, maxConcurrentRuns, dataDir, maxRuns, shutdownGrace, uploadIdleTimeout, maxConnections, headerTimeout, idleTimeout, minUploadRate);
    }
}
