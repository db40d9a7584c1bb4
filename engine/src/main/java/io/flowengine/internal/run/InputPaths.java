package io.flowengine.internal.run;

import io.flowengine.InvalidRequestException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/** What an input path names: itself, the files of a folder, or a glob's matches — sorted, hidden files left out. */
public final class InputPaths {

    private InputPaths() {
    }

    static List<Path> expand(Path given) {
        String text = given.toString();
        int glob = firstGlobChar(text);
        try {
            if (glob < 0) {
                if (Files.isDirectory(given)) {
                    List<Path> files = files(given, null);
                    if (files.isEmpty()) {
                        throw new InvalidRequestException("the input folder " + given + " holds no files");
                    }
                    return files;
                }
                return List.of(given);
            }
            int slash = text.lastIndexOf('/', glob);
            Path base = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : text.substring(0, slash));
            String pattern = text.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            List<Path> files = Files.isDirectory(base) ? files(base, matcher) : List.of();
            if (files.isEmpty()) {
                throw new InvalidRequestException("no file matches the input " + given + ". Check --input or source.path");
            }
            return files;
        } catch (IOException e) {
            throw new InvalidRequestException("cannot list the input " + given + ": " + e.getMessage());
        }
    }

    /** Where the first glob character ({@code * ? [ {}) of {@code s} is; -1 when it has none. */
    public static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Regular files under {@code dir} whose path relative to it the matcher takes (all, without one), sorted. */
    private static List<Path> files(Path dir, PathMatcher matcher) throws IOException {
        try (Stream<Path> s = Files.walk(dir, matcher == null ? 1 : Integer.MAX_VALUE)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> matcher == null || matcher.matches(dir.relativize(p)))
                    .sorted().toList();
        }
    }
}
