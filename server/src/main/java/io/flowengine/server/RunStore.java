package io.flowengine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowengine.RunProgress;
import io.flowengine.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Run records on disk, never in memory: {@code DATA_DIR/runs/<id>/summary.json} and
 * {@code dead-letters.csv}. Keeps at most {@code maxRuns} runs, none older than {@code maxAge}.
 * Blocking: call it off event loops.
 */
final class RunStore {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runs;
    /**
     * Runs under way in this process: their pipeline and start, for the finished record (no read
     * of the file on the way to the answer), and their live counts.
     */
    private final Map<String, Live> running = new ConcurrentHashMap<>();

    /** A run under way. */
    record Live(String pipeline, String startedAt, RunProgress progress, History history) {
    }

    /** How often a run's rows read are sampled for its history. */
    static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    /** The most samples a run's history keeps: past that, every other one goes and the interval doubles. */
    static final int MAX_SAMPLES = 240;

    /** Rows read over a run's life, as {@code [elapsedMs, rowsRead]} pairs, bounded by {@link #MAX_SAMPLES}. */
    static final class History {
        private final List<long[]> samples = new ArrayList<>();
        private long ticks;
        private int every = 1;

        synchronized void tick(RunProgress p) {
            if (ticks++ % every == 0) {
                add(p);
            }
        }

        private void add(RunProgress p) {
            samples.add(new long[] {p.elapsedNanos() / 1_000_000, p.rowsRead()});
            if (samples.size() >= MAX_SAMPLES) {
                for (int i = samples.size() - 1; i > 0; i -= 2) {
                    samples.remove(i);
                }
                every *= 2;
            }
        }

        /** The samples so far, and with {@code last} a final one of it now. */
        synchronized ArrayNode json(RunProgress last) {
            ArrayNode a = JSON.createArrayNode();
            a.addArray().add(0).add(0);
            for (long[] s : samples) {
                a.addArray().add(s[0]).add(s[1]);
            }
            if (last != null) {
                a.addArray().add(last.elapsedNanos() / 1_000_000).add(last.rowsRead());
            }
            return a;
        }
    }

    /** Samples every running run's progress into its history; a daemon, so that it never holds the process. */
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flowengine-run-history");
        t.setDaemon(true);
        return t;
    });
    private final int maxRuns;
    private final Duration maxAge;

    RunStore(Path dataDir, int maxRuns, Duration maxAge) {
        this.runs = dataDir.resolve("runs");
        this.maxRuns = maxRuns;
        this.maxAge = maxAge;
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + runs, e);
        }
        sampler.scheduleAtFixedRate(() -> running.values().forEach(l -> l.history().tick(l.progress())),
                SAMPLE_EVERY.toMillis(), SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops sampling. */
    void close() {
        sampler.shutdownNow();
    }

    /** Run {@code id}'s rows read over time so far, while this process runs it. */
    Optional<ArrayNode> history(String id) {
        Live l = running.get(id);
        return l == null ? Optional.empty() : Optional.of(l.history().json(l.progress()));
    }

    /** A new run's id and folder, with a "running" summary; prunes old runs first. */
    String create(String pipeline) {
        prune();
        String id = UUID.randomUUID().toString().replace("-", "");
        try {
            Files.createDirectories(runs.resolve(id));
            String started = now();
            running.put(id, new Live(pipeline, started, new RunProgress(), new History()));
            write(id, JSON.createObjectNode().put("status", "running").put("id", id).put("pipeline", pipeline)
                    .put("startedAt", started).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return id;
    }

    /** The live counts of run {@code id}, while this process runs it. */
    Optional<RunProgress> progress(String id) {
        Live l = running.get(id);
        return l == null ? Optional.empty() : Optional.of(l.progress());
    }

    Path deadLetters(String id) {
        return runs.resolve(id).resolve("dead-letters.csv");
    }

    /**
     * The run's summary (the keys of {@code --summary} first), then its id, and the pipeline and
     * start time kept from its record, and its end time.
     */
    void finish(String id, RunSummary summary) {
        try {
            ObjectNode record = (ObjectNode) JSON.readTree(summary.toJson());
            record.put("id", id);
            // the run stays live until its record is final, so that a watcher never reads "running" after it
            Live run = running.get(id);
            if (run != null) {
                record.put("pipeline", run.pipeline()).put("startedAt", run.startedAt());
            }
            record.put("finishedAt", now());
            if (run != null) {
                record.set("progress", run.history().json(run.progress()));
            }
            try {
                write(id, record.toString());
            } finally {
                running.remove(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records of the most recent runs, newest first: {@code limit} of them after the first {@code offset}; and how many there are. */
    Page list(int offset, int limit) {
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                read(d.getFileName().toString(), "summary.json").ifPresent(s -> {
                    try {
                        // a list of runs without each one's history: GET /v1/runs/{id} has it
                        JsonNode n = JSON.readTree(s);
                        if (n instanceof ObjectNode o) {
                            o.remove("progress");
                        }
                        all.add(n);
                    } catch (IOException e) {
                        // a record being replaced or damaged: left out of the list
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.sort(Comparator.comparing((JsonNode n) -> n.path("startedAt").asText(""))
                .thenComparing(n -> n.path("id").asText("")).reversed());
        List<JsonNode> page = all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()));
        return new Page(List.copyOf(page), all.size());
    }

    /** One page of run records, and how many there are in all. */
    record Page(List<JsonNode> runs, int total) {
    }

    Optional<String> summary(String id) {
        return read(id, "summary.json");
    }

    Optional<Path> deadLetterFile(String id) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path p = deadLetters(id);
        return Files.exists(runs.resolve(id)) ? Optional.of(p) : Optional.empty();
    }

    private Optional<String> read(String id, String file) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(runs.resolve(id).resolve(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void write(String id, String json) {
        try {
            Path tmp = runs.resolve(id).resolve("summary.json.tmp");
            Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, runs.resolve(id).resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prune() {
        try (Stream<Path> dirs = Files.list(runs)) {
            List<Path> all = dirs.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(RunStore::modified).reversed()).toList();
            Instant oldest = Instant.now().minus(maxAge);
            for (int i = 0; i < all.size(); i++) {
                if (i >= maxRuns - 1 || modified(all.get(i)).isBefore(oldest)) {
                    delete(all.get(i));
                }
            }
        } catch (IOException e) {
            // pruning is best effort; the next run tries again
        }
    }

    /** Now, UTC, to the millisecond, always as long: such times sort as text. */
    private static String now() {
        return STAMP.format(Instant.now());
    }

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
