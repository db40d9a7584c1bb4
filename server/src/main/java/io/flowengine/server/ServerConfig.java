package io.flowengine.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a FlowEngine server runs. Immutable: {@link #of} gives the defaults and each {@code with*}
 * method a changed copy.
 *
 * <ul>
 * <li>{@code pipelines}: the folder of {@code *.yaml} pipelines; a pipeline's name is its file name
 * <li>{@code host}, {@code port}: where it listens (default 127.0.0.1:8080; port 0 picks a free one)
 * <li>{@code apiKeys}: keys accepted as {@code Authorization: Bearer KEY} on /v1; empty: no keys needed
 * <li>{@code maxBodySize}: the largest upload, in bytes (default 1 GiB)
 * <li>{@code maxConcurrentRuns}: runs at once; more are answered 503 at once (default 4)
 * <li>{@code dataDir}: where run records and dead letters are kept
 * <li>{@code maxRuns}: run records kept (default 100)
 * <li>{@code shutdownGrace}: how long runs in flight may take to finish on shutdown (default 25 s)
 * <li>{@code uploadIdleTimeout}: how long an upload may send nothing before it is abandoned (default 30 s)
 * <li>{@code maxConnections}: open connections at once; more are closed as they arrive (default 256)
 * <li>{@code headerTimeout}: how long a new connection may take to send complete request headers (default 10 s)
 * <li>{@code idleTimeout}: how long a connection may sit idle between requests (default 60 s)
 * <li>{@code minUploadRate}: the slowest an upload may arrive, in bytes per second (measured while
 *     the server waits for it, after its first 10 s); 0: no minimum (default 1 KiB/s)
 * <li>{@code maxPreviewRows}: the most sample records {@code POST /v1/preview} runs through the
 *     steps (default 1000); its body (pipeline text and sample) may be at most 8 MiB
 * <li>{@code studio}: whether the Studio's pages are served at {@code /} (default true)
 * <li>{@code allowEdit}: whether {@code PUT /v1/pipelines/{name}} may save pipelines into the
 *     pipelines folder (default false; needs API keys)
 * </ul>
 */
public final class ServerConfig {

    /** 1 KiB/s: a mobile link passes; a client trickling bytes to hold a run slot does not. */
    public static final long DEFAULT_MIN_UPLOAD_RATE = 1024;

    private Path pipelines;
    private String host = "127.0.0.1";
    private int port = 8080;
    private List<String> apiKeys = List.of();
    private long maxBodySize = 1L << 30;
    private int maxConcurrentRuns = 4;
    private Path dataDir;
    private int maxRuns = 100;
    private Duration shutdownGrace = Duration.ofSeconds(25);
    private Duration uploadIdleTimeout = Duration.ofSeconds(30);
    private int maxConnections = 256;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private long minUploadRate = DEFAULT_MIN_UPLOAD_RATE;
    private int maxPreviewRows = 1000;
    private boolean studio = true;
    private boolean allowEdit;

    private ServerConfig() {
    }

    /** The defaults, serving the pipelines in {@code pipelines} and keeping runs in {@code dataDir}. */
    public static ServerConfig of(Path pipelines, Path dataDir) {
        ServerConfig c = new ServerConfig();
        c.pipelines = Objects.requireNonNull(pipelines);
        c.dataDir = Objects.requireNonNull(dataDir);
        return c;
    }

    /** A copy of this configuration with {@code change} applied to it. */
    private ServerConfig with(Consumer<ServerConfig> change) {
        ServerConfig c = new ServerConfig();
        c.pipelines = pipelines;
        c.host = host;
        c.port = port;
        c.apiKeys = apiKeys;
        c.maxBodySize = maxBodySize;
        c.maxConcurrentRuns = maxConcurrentRuns;
        c.dataDir = dataDir;
        c.maxRuns = maxRuns;
        c.shutdownGrace = shutdownGrace;
        c.uploadIdleTimeout = uploadIdleTimeout;
        c.maxConnections = maxConnections;
        c.headerTimeout = headerTimeout;
        c.idleTimeout = idleTimeout;
        c.minUploadRate = minUploadRate;
        c.maxPreviewRows = maxPreviewRows;
        c.studio = studio;
        c.allowEdit = allowEdit;
        change.accept(c);
        return c;
    }

    public ServerConfig withHost(String host) {
        return with(c -> c.host = Objects.requireNonNull(host));
    }

    public ServerConfig withPort(int port) {
        return with(c -> c.port = port);
    }

    public ServerConfig withApiKeys(List<String> apiKeys) {
        return with(c -> c.apiKeys = List.copyOf(apiKeys));
    }

    public ServerConfig withMaxBodySize(long maxBodySize) {
        return with(c -> c.maxBodySize = maxBodySize);
    }

    public ServerConfig withMaxConcurrentRuns(int maxConcurrentRuns) {
        return with(c -> c.maxConcurrentRuns = maxConcurrentRuns);
    }

    public ServerConfig withMaxRuns(int maxRuns) {
        return with(c -> c.maxRuns = maxRuns);
    }

    public ServerConfig withShutdownGrace(Duration shutdownGrace) {
        return with(c -> c.shutdownGrace = Objects.requireNonNull(shutdownGrace));
    }

    public ServerConfig withUploadIdleTimeout(Duration uploadIdleTimeout) {
        return with(c -> c.uploadIdleTimeout = Objects.requireNonNull(uploadIdleTimeout));
    }

    public ServerConfig withMaxConnections(int maxConnections) {
        return with(c -> c.maxConnections = maxConnections);
    }

    public ServerConfig withHeaderTimeout(Duration headerTimeout) {
        return with(c -> c.headerTimeout = Objects.requireNonNull(headerTimeout));
    }

    public ServerConfig withIdleTimeout(Duration idleTimeout) {
        return with(c -> c.idleTimeout = Objects.requireNonNull(idleTimeout));
    }

    public ServerConfig withMinUploadRate(long minUploadRate) {
        return with(c -> c.minUploadRate = minUploadRate);
    }

    public ServerConfig withMaxPreviewRows(int maxPreviewRows) {
        if (maxPreviewRows < 1) {
            throw new IllegalArgumentException("maxPreviewRows must be at least 1");
        }
        return with(c -> c.maxPreviewRows = maxPreviewRows);
    }

    public ServerConfig withStudio(boolean studio) {
        return with(c -> c.studio = studio);
    }

    public ServerConfig withAllowEdit(boolean allowEdit) {
        return with(c -> c.allowEdit = allowEdit);
    }

    public boolean studio() {
        return studio;
    }

    public boolean allowEdit() {
        return allowEdit;
    }

    public int maxPreviewRows() {
        return maxPreviewRows;
    }

    public Path pipelines() {
        return pipelines;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public List<String> apiKeys() {
        return apiKeys;
    }

    public long maxBodySize() {
        return maxBodySize;
    }

    public int maxConcurrentRuns() {
        return maxConcurrentRuns;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int maxRuns() {
        return maxRuns;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    public Duration uploadIdleTimeout() {
        return uploadIdleTimeout;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public Duration headerTimeout() {
        return headerTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public long minUploadRate() {
        return minUploadRate;
    }
}
