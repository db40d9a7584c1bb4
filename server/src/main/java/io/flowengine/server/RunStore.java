package io.flowengine.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowengine.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
    }

    /** A new run's id and folder, with a "running" summary; prunes old runs first. */
    String create(String pipeline) {
        prune();
        String id = UUID.randomUUID().toString().replace("-", "");
        try {
            Files.createDirectories(runs.resolve(id));
            write(id, JSON.createObjectNode().put("status", "running").put("pipeline", pipeline).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return id;
    }

    Path deadLetters(String id) {
        return runs.resolve(id).resolve("dead-letters.csv");
    }

    void finish(String id, RunSummary summary) {
        write(id, summary.toJson());
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
