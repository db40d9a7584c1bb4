package io.flowengine.cli;

import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.server.FlowServer;
import io.flowengine.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flowengine serve}: the HTTP server, until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Serves the pipelines of a folder over HTTP: POST a CSV, get the transformed CSV streamed back.")
final class ServeCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Option(names = "--pipelines", paramLabel = "DIR", required = true, description = "Folder of *.yaml pipelines.")
    Path pipelines;

    @Option(names = "--host", paramLabel = "H", description = "Address to listen on (default 127.0.0.1: this machine only)."
            + " Any other address needs --api-keys, or --no-auth.")
    String host = "127.0.0.1";

    @Option(names = "--no-auth", description = "Serve without API keys on an address other machines can reach (say so on purpose).")
    boolean noAuth;

    @Option(names = "--min-upload-rate", paramLabel = "RATE", converter = UnitConverters.Rate.class,
            description = "Slowest an upload may arrive, in bytes per second (1024, 64k, 1MB/s), measured after its first"
            + " 10 s of waiting (default 1024; 0: no minimum). Frees slots held by trickling clients.")
    long minUploadRate = ServerConfig.DEFAULT_MIN_UPLOAD_RATE;

    @Option(names = "--port", paramLabel = "P", description = "Port (default 8080; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--api-keys", paramLabel = "FILE", description = "File with one API key per line; /v1 then needs 'Authorization: Bearer KEY'.")
    Path apiKeys;

    @Option(names = "--max-body-size", paramLabel = "SIZE", converter = UnitConverters.Size.class,
            description = "Largest upload: bytes, or 500MB, 1GiB, 64k (default 1GiB).")
    long maxBodySize = 1L << 30;

    @Option(names = "--max-concurrent-runs", paramLabel = "N", description = "Runs at once (default 4); more get 503.")
    int maxConcurrentRuns = 4;

    @Option(names = "--max-connections", paramLabel = "N", description = "Open connections at once (default 256); more are closed.")
    int maxConnections = 256;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where run records and dead letters are kept (default: a new temporary folder).")
    Path dataDir;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", converter = UnitConverters.Time.class,
            description = "How long runs in flight may finish on shutdown: seconds, or 500ms, 30s, 2m (default 25s).")
    Duration shutdownGrace = Duration.ofSeconds(25);

    @Option(names = "--header-timeout", paramLabel = "DURATION", converter = UnitConverters.Time.class,
            description = "How long a new connection may take to send its request headers (default 10s).")
    Duration headerTimeout = Duration.ofSeconds(10);

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = UnitConverters.Time.class,
            description = "How long a connection may stay idle between requests (default 60s).")
    Duration idleTimeout = Duration.ofSeconds(60);

    @Option(names = "--max-runs", paramLabel = "N", description = "Run records (summaries and dead letters) kept (default 100).")
    int maxRuns = 100;

    @Option(names = "--upload-idle-timeout", paramLabel = "DURATION", converter = UnitConverters.Time.class,
            description = "How long an upload may send nothing before it is abandoned and its run fails (default 30s).")
    Duration uploadIdleTimeout = Duration.ofSeconds(30);

    @Option(names = "--max-preview-rows", paramLabel = "N",
            description = "The most sample records POST /v1/preview runs through the steps (default 1000).")
    int maxPreviewRows = 1000;

    @Option(names = "--no-studio", description = "Do not serve the Studio's pages at / (the API stays).")
    boolean noStudio;

    @Option(names = "--allow-edit", description = "Let the Studio (PUT /v1/pipelines/NAME) save pipelines into --pipelines; needs --api-keys.")
    boolean allowEdit;

    @Mixin
    Logs.Options logs = new Logs.Options();

    ServeCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Logs.configure(terminal.err(), logs, Logs.LogLevel.info);
        checkOptions();
        Path data = dataDir != null ? dataDir : Files.createTempDirectory("flowengine-data-");
        ServerConfig config = ServerConfig.of(pipelines, data).withHost(host).withPort(port).withApiKeys(apiKeys())
                .withMaxBodySize(maxBodySize).withMaxConcurrentRuns(maxConcurrentRuns).withMaxConnections(maxConnections)
                .withShutdownGrace(shutdownGrace).withHeaderTimeout(headerTimeout).withIdleTimeout(idleTimeout)
                .withMinUploadRate(minUploadRate).withMaxRuns(maxRuns).withUploadIdleTimeout(uploadIdleTimeout)
                .withMaxPreviewRows(maxPreviewRows).withStudio(!noStudio).withAllowEdit(allowEdit);
        FlowServer server = start(config);
        terminal.err().println("flowengine: serving " + server.pipelineNames() + " on http://" + host + ":" + server.port()
                + " (data in " + data + "; JavaScript " + Pipeline.javaScriptRuntime() + ")");
        if (!noStudio) {
            terminal.err().println("flowengine: Studio at http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT: readiness 503, no new runs, runs in flight finish within the grace period, exit 0
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            terminal.err().println("flowengine: draining (up to " + seconds(shutdownGrace) + " s)");
            server.drain();
            server.close();
            terminal.err().println("flowengine: stopped");
            terminal.err().flush();
            stopped.countDown();
            Runtime.getRuntime().halt(Main.OK);
        }, "flowengine-shutdown"));
        stopped.await();
        return Main.OK;
    }

    /** Refuses options out of range, and a reachable address without keys unless --no-auth says so. */
    private void checkOptions() {
        if (maxConcurrentRuns < 1 || maxBodySize < 1 || maxConnections < 1 || !positive(headerTimeout) || !positive(idleTimeout)
                || maxRuns < 1 || maxPreviewRows < 1 || !positive(uploadIdleTimeout) || shutdownGrace.isNegative() || port < 0 || port > 65535) {
            throw new UsageException("--max-concurrent-runs, --max-connections, --max-body-size, --max-runs, --max-preview-rows, --header-timeout,"
                    + " --idle-timeout and --upload-idle-timeout must be positive, --shutdown-grace 0 or more, --port 0..65535");
        }
        if (minUploadRate < 0) {
            throw new UsageException("--min-upload-rate must be 0 or more, not " + minUploadRate);
        }
        if (allowEdit && apiKeys == null) {
            throw new UsageException("--allow-edit needs --api-keys FILE: without keys anyone who reaches the server could change"
                    + " the pipelines it runs");
        }
        if (noAuth && apiKeys != null) {
            throw new UsageException("--no-auth and --api-keys contradict each other; pass one of them");
        }
        if (apiKeys == null && !noAuth && !loopback(host)) {
            throw new UsageException("--host " + host + " can be reached from other machines, and without --api-keys"
                    + " anyone who can reach it could run your pipelines. Pass --api-keys FILE (one key per line),"
                    + " or --no-auth to serve without keys on purpose, or leave --host at 127.0.0.1");
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : String.format(java.util.Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }

    /** The keys of --api-keys, one per line ({@code #} lines are comments); none without it. */
    private List<String> apiKeys() throws IOException {
        if (apiKeys == null) {
            return List.of();
        }
        List<String> keys = Files.readAllLines(apiKeys).stream().map(String::strip).filter(k -> !k.isEmpty() && !k.startsWith("#")).toList();
        if (keys.isEmpty()) {
            throw new UsageException(apiKeys + " holds no API key (one per line)");
        }
        return keys;
    }

    /** The server, listening; an invalid pipeline or a port in use is reported by the caller. */
    private FlowServer start(ServerConfig config) {
        try {
            return FlowServer.start(config, terminal.env());
        } catch (FlowEngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FlowEngineException("cannot start the HTTP server on " + host + ":" + port + ": " + e.getMessage()
                    + ". Pass --port, or stop the process using it.", e);
        }
    }

    /** True when {@code host} is this machine only (127.0.0.0/8, ::1, localhost). */
    static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
