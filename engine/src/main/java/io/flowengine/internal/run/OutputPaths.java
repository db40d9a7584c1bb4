package io.flowengine.internal.run;

import io.flowengine.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a run's files really are. Two spellings of one file ({@code x} and {@code ./x}, a
 * symlink and its target, two hard links) are the same file here, so a run can refuse to write
 * over its own input before it reads anything.
 */
final class OutputPaths {

    private OutputPaths() {
    }

    /** What an output path names, which decides how it is written. */
    public enum Kind {
        /** A regular file or nothing yet: written to a temporary file and renamed into place. */
        FILE,
        /** A character device or a FIFO (/dev/stdout, a named pipe): written in place, in order. */
        STREAM
    }

    /**
     * The file {@code path} stands for: links and {@code .}/{@code ..} resolved, as far as the
     * path exists (a file that does not exist yet resolves through its nearest existing folder).
     */
    public static Path real(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = null;
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            Path real = existing.toRealPath();
            return rest == null ? real : real.resolve(rest).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    /** True when {@code a} and {@code b} name one file: by identity where both exist, else by real path. */
    public static boolean same(Path a, Path b) {
        if (Files.exists(a) && Files.exists(b)) {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                // fall back to the paths
            }
        }
        return real(a).equals(real(b));
    }

    /**
     * How {@code path} is to be written; a folder (or anything else that cannot hold a file's
     * content) is refused with a message naming {@code role} ("output", "dead-letter file").
     */
    public static Kind kind(Path path, String role, String option) {
        Path real = real(path);
        if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
            return Kind.FILE;
        }
        if (Files.isDirectory(real)) {
            throw new InvalidRequestException("the " + role + " " + path + " is a folder. Name a file inside it, for example "
                    + path.resolve("out.csv") + (option == null ? "" : ", with " + option));
        }
        if (Files.isRegularFile(real)) {
            return Kind.FILE;
        }
        return Kind.STREAM;
    }

    /** Refuses a run whose input, output and dead letters are not three different files. */
    public static void checkDistinct(Optional<Path> input, Optional<Path> output, Optional<Path> deadLetter) {
        if (input.isPresent() && output.isPresent() && same(input.get(), output.get()) && !isStream(output.get())) {
            throw new InvalidRequestException("the output " + output.get() + " is the input " + input.get()
                    + " (the same file). Write to another file");
        }
        if (deadLetter.isPresent()) {
            if (output.isPresent() && same(deadLetter.get(), output.get()) && !isStream(output.get())) {
                throw new InvalidRequestException("the dead-letter file " + deadLetter.get() + " is the output " + output.get()
                        + " (the same file). Choose another file for --dead-letter or errors.deadLetter");
            }
            if (input.isPresent() && same(deadLetter.get(), input.get()) && !isStream(deadLetter.get())) {
                throw new InvalidRequestException("the dead-letter file " + deadLetter.get() + " is the input " + input.get()
                        + " (the same file). Choose another file for --dead-letter or errors.deadLetter");
            }
        }
    }

    private static boolean isStream(Path p) {
        Path real = real(p);
        return Files.exists(real) && !Files.isRegularFile(real) && !Files.isDirectory(real);
    }
}
